// Checking and reading spec.algorithm.algorithmSettings values (all strings in Katib).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

inline constexpr const char* kSettingsPath = "spec.algorithm.algorithmSettings";
// Early-stopping rules read the same {name, value} shape from spec.earlyStopping; every helper
// below takes the base path of the settings it reads.
inline constexpr const char* kEarlyStoppingSettingsPath = "spec.earlyStopping.algorithmSettings";
inline constexpr const char* kRandomState = "random_state";

// "spec.algorithm.algorithmSettings[3].value"
std::string setting_value_path(size_t index, const std::string& base = kSettingsPath);

// A problem for every setting called `name` whose value is not an integer in [min, max]
// (engine::parse_whole_number: " 7 " and "+3" are integers).
void check_integer_setting(const engine::AlgorithmSpec& algorithm, const std::string& name,
                           int64_t min, int64_t max, std::vector<engine::SpecProblem>& problems,
                           const std::string& base = kSettingsPath);

// The value of an integer setting that validation accepted; nullopt when absent.
// Throws Error(kInvalidArgument) if it does not parse (validate() was skipped).
std::optional<int64_t> integer_setting(const engine::AlgorithmSpec& algorithm,
                                       const std::string& name,
                                       const std::string& base = kSettingsPath);

// For create() after a validate() that found nothing: throws the first problem, if any, as
// Error(kInvalidArgument) with its field path (a spec that skipped validation).
void throw_first_problem(const std::vector<engine::SpecProblem>& problems);

// Katib's random_state: an integer >= 0 (hyperopt, optuna and skopt all take it as the seed).
void check_random_state(const engine::AlgorithmSpec& algorithm,
                        std::vector<engine::SpecProblem>& problems);
std::optional<uint64_t> random_state(const engine::AlgorithmSpec& algorithm);

}  // namespace sextant::algorithms
