// The `sobol` algorithm: random search's repeat handling over scrambled Sobol points.
#include "algorithms/sobol/sobol_factory.hpp"

#include "algorithms/common/settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "algorithms/random/random_search.hpp"
#include "algorithms/sobol/direction_numbers.hpp"

namespace sextant::algorithms {

std::vector<std::string> SobolSearchFactory::known_settings() const {
  return {kRandomState};
}

std::vector<engine::SpecProblem> SobolSearchFactory::validate(
    const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(), kSettingsPath);
  check_random_state(spec.algorithm, problems);
  if (spec.parameters.empty())
    problems.push_back({"spec.parameters", "sobol needs at least one parameter"});
  if (spec.parameters.size() > kSobolMaxDimensions)
    problems.push_back(
        {"spec.parameters", "sobol supports at most " + std::to_string(kSobolMaxDimensions) +
                                " parameters, found " + std::to_string(spec.parameters.size())});
  for (auto& p : log_scale_problems(spec.parameters)) problems.push_back(std::move(p));
  return problems;
}

std::unique_ptr<engine::Algorithm> SobolSearchFactory::create(
    const engine::ExperimentSpec& spec) const {
  return std::make_unique<RandomSearch>(spec.parameters, random_state(spec.algorithm),
                                        RandomSearch::Points::kSobol);
}

}  // namespace sextant::algorithms
