// Katib's skopt settings, with the values this engine implements and clear words for the rest.
#include "algorithms/bayesopt/bayesopt_settings.hpp"

#include <limits>

#include "algorithms/common/settings.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms::bayesopt {

namespace {

constexpr const char* kBaseEstimator = "base_estimator";
constexpr const char* kInitialPoints = "n_initial_points";
constexpr const char* kAcqFunc = "acq_func";
constexpr const char* kAcqOptimizer = "acq_optimizer";

// Why `value` is not acceptable for `name`, or "" when it is.
std::string value_problem(const std::string& name, const std::string& value) {
  if (name == kBaseEstimator) {
    if (value == "GP") return "";
    if (value == "RF" || value == "ET" || value == "GBRT")
      return "base_estimator \"" + value +
             "\" (a tree-ensemble surrogate in Katib's scikit-optimize) is not supported by "
             "sextant; supported: GP";
    return "base_estimator must be GP (Katib also names RF, ET and GBRT, which sextant does "
           "not support); found \"" +
           value + "\"";
  }
  if (name == kAcqFunc) {
    if (value == "gp_hedge" || value == "EI" || value == "LCB" || value == "PI") return "";
    if (value == "EIps" || value == "PIps")
      return "acq_func \"" + value +
             "\" weighs improvement by the predicted running time of a trial, which sextant "
             "does not model; supported: gp_hedge, LCB, EI, PI";
    return "acq_func must be one of gp_hedge, LCB, EI, PI; found \"" + value + "\"";
  }
  if (name == kAcqOptimizer) {
    if (value == "auto" || value == "sampling" || value == "lbfgs") return "";
    return "acq_optimizer must be one of auto, sampling, lbfgs; found \"" + value + "\"";
  }
  return "";
}

}  // namespace

std::vector<std::string> setting_names() {
  return {kBaseEstimator, kInitialPoints, kAcqFunc, kAcqOptimizer, kRandomState};
}

void check_settings(const engine::AlgorithmSpec& algorithm,
                    std::vector<engine::SpecProblem>& problems) {
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    auto why = value_problem(setting.name, setting.value);
    if (!why.empty()) problems.push_back({setting_value_path(i), why});
  }
  check_integer_setting(algorithm, kInitialPoints, 0, std::numeric_limits<int32_t>::max(),
                        problems);
  check_random_state(algorithm, problems);
}

BayesOptSettings read_settings(const engine::AlgorithmSpec& algorithm) {
  BayesOptSettings out;
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    auto why = value_problem(setting.name, setting.value);
    if (!why.empty()) throw Error(ErrorCode::kInvalidArgument, why, setting_value_path(i));
    if (setting.name == kAcqFunc) {
      if (setting.value == "EI") out.acquisition = AcquisitionKind::kExpectedImprovement;
      if (setting.value == "LCB") out.acquisition = AcquisitionKind::kLowerConfidenceBound;
      if (setting.value == "PI") out.acquisition = AcquisitionKind::kProbabilityOfImprovement;
      if (setting.value == "gp_hedge") out.acquisition.reset();
    } else if (setting.name == kAcqOptimizer) {
      if (setting.value == "auto") out.optimizer = AcquisitionOptimizerKind::kAuto;
      if (setting.value == "sampling") out.optimizer = AcquisitionOptimizerKind::kSampling;
      if (setting.value == "lbfgs") out.optimizer = AcquisitionOptimizerKind::kLbfgs;
    }
  }
  if (auto n = integer_setting(algorithm, kInitialPoints)) {
    if (*n < 0 || *n > std::numeric_limits<int32_t>::max())
      throw Error(ErrorCode::kInvalidArgument, "n_initial_points must be an integer >= 0",
                  kSettingsPath);
    out.initial_points = static_cast<size_t>(*n);
  }
  out.random_state = random_state(algorithm);
  return out;
}

}  // namespace sextant::algorithms::bayesopt
