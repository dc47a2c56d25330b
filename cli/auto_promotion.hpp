// After `sextant run`: promote the experiment's best trial as spec.promotion asks.
#pragma once

#include "cli/commands.hpp"
#include "engine/spec/experiment_spec.hpp"
#include "engine/store/store.hpp"

namespace sextant::cli {

// `sextant run`'s exit code when the experiment succeeded but its automatic promotion failed.
inline constexpr int kExitAutoPromotionFailed = 6;

// Call only for an experiment that Succeeded and whose spec has `promotion`. Decides with
// serving::decide_auto_promotion, promotes through the same core as `sextant promote`, prints one
// line on stderr for the outcome ("Auto-promotion: ..." or "Auto-promotion skipped: ...") and
// records it in the experiment's event log. Returns 0, or kExitAutoPromotionFailed when the
// promotion was tried and failed (the registry is then unchanged, the error printed); never
// throws for a failed promotion, so the experiment's own result stands.
// Target settings: local uses the model repository beside the database and servingUrl (then
// required) or the default `sextant serve` address (told when it answers); kserve uses the run's
// --kubeconfig/--context and its --namespace, else the experiment's namespace.
int auto_promote(const GlobalOptions& global, const BackendOptions& backend,
                 const engine::ExperimentSpec& spec, engine::Store& store);

}  // namespace sextant::cli
