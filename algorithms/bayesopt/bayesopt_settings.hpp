// spec.algorithm.algorithmSettings of `bayesianoptimization`: names, checks and parsed values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/bayesopt/acquisition.hpp"
#include "algorithms/bayesopt/acquisition_optimizer.hpp"
#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms::bayesopt {

struct BayesOptSettings {
  size_t initial_points = 10;                  // n_initial_points
  std::optional<AcquisitionKind> acquisition;  // acq_func; nullopt = gp_hedge
  AcquisitionOptimizerKind optimizer = AcquisitionOptimizerKind::kAuto;  // acq_optimizer
  std::optional<uint64_t> random_state;
};

// base_estimator, n_initial_points, acq_func, acq_optimizer, random_state.
std::vector<std::string> setting_names();

// Every problem with the known settings' values, each at its value's field path. Unknown names
// are reported by engine::unknown_setting_problems.
void check_settings(const engine::AlgorithmSpec& algorithm,
                    std::vector<engine::SpecProblem>& problems);

// The values of settings that check_settings() accepted. Throws Error(kInvalidArgument) with the
// field path when a value is bad (validate() was skipped).
BayesOptSettings read_settings(const engine::AlgorithmSpec& algorithm);

}  // namespace sextant::algorithms::bayesopt
