// ASHA's settings, shared by the `asha` early-stopping rule and the `asha` search algorithm, and
// the rung arithmetic both decide with.
//
// Settings (spec.earlyStopping.algorithmSettings for the rule, spec.algorithm.algorithmSettings
// for the algorithm):
// | name             | default          | values                  | meaning                       |
// |------------------|------------------|-------------------------|-------------------------------|
// | min_resource     | 1                | 0 < number <= 2^53      | resource of the first rung    |
// | max_resource     | rule: none (no   | min_resource <= number  | the top rung; the algorithm   |
// |                  | top rung); algo- | <= 2^53                 | trains its best configurations|
// |                  | rithm: required  |                         | to it, the rule never decides |
// |                  |                  |                         | at or beyond it               |
// | reduction_factor | 3                | integer >= 2            | eta: 1/eta of a rung go on    |
// | brackets         | 1                | integer >= 1            | bracket b starts at           |
// |                  |                  |                         | min_resource * eta^b          |
// | resource_name    | algorithm only, required: an int or double parameter that receives the |
// |                  | rung's resource                                                           |
// | random_state     | algorithm only: seed of the new configurations (integer >= 0)            |
//
// Rungs of bracket b: r_k = min_resource * eta^(k+b) for k = 0, 1, ... while r_k < max_resource,
// then max_resource itself as the top rung. Without max_resource (rule only) the rungs go on.
// brackets is rejected when the last bracket's first rung lies beyond max_resource.
//
// Reference: L. Li, K. Jamieson, A. Rostamizadeh, E. Gonina, M. Hardt, B. Recht and A.
// Talwalkar, "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/settings.hpp"
#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

inline constexpr const char* kAshaMinResource = "min_resource";
inline constexpr const char* kAshaMaxResource = "max_resource";
inline constexpr const char* kAshaReductionFactor = "reduction_factor";
inline constexpr const char* kAshaBrackets = "brackets";
inline constexpr const char* kAshaResourceName = "resource_name";

// Which of the two ASHA ports the settings are for: they differ in their path, in whether
// max_resource is required, and in the algorithm-only names.
enum class AshaUse { kEarlyStopping, kSearch };

struct AshaSettings {
  double min_resource = 1;
  std::optional<double> max_resource;
  int64_t reduction_factor = 3;
  int64_t brackets = 1;
  std::string resource_name;             // kSearch only
  std::optional<uint64_t> random_state;  // kSearch only

  // r_k of bracket b without the max_resource cap: min_resource * eta^(k+b), rounded to 15
  // significant digits when fractional, so that 0.1 * 3 is 0.3 and not 0.30000000000000004.
  double rung(int64_t bracket, int64_t k) const;
  // The rungs of bracket b, the top one being max_resource. Needs max_resource.
  std::vector<double> rungs(int64_t bracket) const;
};

// "spec.earlyStopping.algorithmSettings" or "spec.algorithm.algorithmSettings".
std::string asha_settings_path(AshaUse use);
// The known setting names of each use (what unknown-name problems list).
std::vector<std::string> asha_setting_names(AshaUse use);

// Every problem with the settings: unknown names (with the known ones), bad values at their
// value's path, and the cross-checks (max_resource below min_resource, too many brackets, a
// missing required setting at the settings' path). resource_name is only checked for presence
// here; whether it names a usable parameter is the search factory's check.
std::vector<engine::SpecProblem> check_asha_settings(const engine::AlgorithmSpec& settings,
                                                     AshaUse use);

// The values of settings that check_asha_settings() accepted. Throws Error(kInvalidArgument)
// with the field path of the first problem (validation was skipped).
AshaSettings read_asha_settings(const engine::AlgorithmSpec& settings, AshaUse use);

}  // namespace sextant::algorithms
