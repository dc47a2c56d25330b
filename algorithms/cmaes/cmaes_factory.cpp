// The `cmaes` factory: Katib's settings (random_state, sigma, restart_strategy), checked and read.
#include "algorithms/cmaes/cmaes_factory.hpp"

#include <cmath>

#include "algorithms/cmaes/cmaes_search.hpp"
#include "algorithms/common/settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "engine/error.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

constexpr const char* kSigma = "sigma";
constexpr const char* kRestartStrategy = "restart_strategy";

std::optional<std::string> sigma_problem(const std::string& value) {
  auto sigma = engine::parse_finite_number(value);
  if (sigma && *sigma > 0 && *sigma <= 1) return std::nullopt;
  return "sigma must be a number in (0, 1]: the initial step size as a fraction of each "
         "parameter's range (0.2 is a fifth of it); found \"" +
         value + "\"";
}

std::optional<std::string> restart_problem(const std::string& value) {
  RestartStrategy strategy;
  if (parse_restart_strategy(value, strategy)) return std::nullopt;
  return "restart_strategy must be one of none, ipop, bipop; found \"" + value + "\"";
}

}  // namespace

std::vector<std::string> CmaesFactory::known_settings() const {
  return {kRandomState, kSigma, kRestartStrategy};
}

std::vector<engine::SpecProblem> CmaesFactory::validate(const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(), kSettingsPath);
  check_random_state(spec.algorithm, problems);
  for (size_t i = 0; i < spec.algorithm.settings.size(); ++i) {
    const auto& setting = spec.algorithm.settings[i];
    std::optional<std::string> problem;
    if (setting.name == kSigma) problem = sigma_problem(setting.value);
    if (setting.name == kRestartStrategy) problem = restart_problem(setting.value);
    if (problem) problems.push_back({setting_value_path(i), *problem});
  }
  size_t numeric = 0;
  for (const auto& p : spec.parameters.parameters)
    if (p.is_numeric_range()) ++numeric;
  if (numeric < 2)
    problems.push_back({"spec.parameters",
                        "cmaes needs at least 2 int or double parameters "
                        "(as Katib requires); found " +
                            std::to_string(numeric)});
  for (auto& p : log_scale_problems(spec.parameters)) problems.push_back(std::move(p));
  return problems;
}

std::unique_ptr<engine::Algorithm> CmaesFactory::create(const engine::ExperimentSpec& spec) const {
  CmaesSettings settings;
  settings.seed = random_state(spec.algorithm);
  settings.sigma = kCmaesDefaultSigma;
  for (size_t i = 0; i < spec.algorithm.settings.size(); ++i) {
    const auto& setting = spec.algorithm.settings[i];
    if (setting.name == kSigma) {
      if (auto problem = sigma_problem(setting.value))
        throw Error(ErrorCode::kInvalidArgument, *problem, setting_value_path(i));
      settings.sigma = *engine::parse_finite_number(setting.value);
    } else if (setting.name == kRestartStrategy) {
      if (!parse_restart_strategy(setting.value, settings.restart))
        throw Error(ErrorCode::kInvalidArgument, *restart_problem(setting.value),
                    setting_value_path(i));
    }
  }
  return std::make_unique<CmaesSearch>(spec.parameters, spec.objective.type, settings);
}

}  // namespace sextant::algorithms
