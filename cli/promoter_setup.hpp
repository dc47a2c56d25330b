// Building the Promoter a promotion needs from the command's (or the spec's) target settings.
#pragma once

#include <memory>
#include <string>

#include "cli/commands.hpp"
#include "engine/ports/promoter.hpp"

namespace sextant::cli {

// The promoter for `target` ("local", "kserve"), wrapped in a DryRunPromoter when o.dry_run.
// Local: the model repository is o.models_dir or the default beside the database; the server is
// o.server (then an unreachable one fails the promotion) or the default `sextant serve` address
// (then it is told when it answers). Throws Error(kInvalidArgument, "--target") for an unknown
// target.
std::unique_ptr<engine::Promoter> make_promoter(const GlobalOptions& global,
                                                const PromoteOptions& o, const std::string& target);

}  // namespace sextant::cli
