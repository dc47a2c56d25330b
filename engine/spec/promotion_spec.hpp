// spec.promotion (sextant extension): automatic promotion of the best trial when the experiment
// succeeds.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

// The promotion targets a spec may name; the CLI registers a promoter for each.
inline constexpr const char* kPromotionTargets[] = {"local", "kserve"};

// Model names become URL segments, directory names and Kubernetes object names: a DNS-1123
// label (lower case letters, digits and '-', at most 63, starting and ending with a letter or
// digit). `sextant promote --model` applies the same rule.
bool is_model_name(const std::string& name);

// Reads spec.promotion at `path` (nullptr = absent: no automatic promotion). Rules: `model` is
// required and a model name; `target` is local (default) or kserve; `margin` is a number >= 0
// (default 0); `canaryTrafficPercent` is 0..99 and only for kserve (the local server swaps whole
// versions); `servingUrl` is an http(s) URL and only for local; no other fields. Every problem
// is reported with its field path; nothing is returned when there was one.
std::optional<PromotionSpec> read_promotion_spec(const nlohmann::json* value,
                                                 const std::string& path, ProblemList& problems);

}  // namespace sextant::engine
