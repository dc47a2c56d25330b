// Checking and reading the settings of regularized evolution.
#include "algorithms/evolution/evolution_settings.hpp"

#include "algorithms/common/settings.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

std::vector<std::string> evolution_known_settings() {
  return {kPopulationSize, kSampleSize, kRandomState};
}

std::vector<engine::SpecProblem> evolution_setting_problems(
    const engine::AlgorithmSpec& algorithm) {
  auto problems =
      engine::unknown_setting_problems(algorithm, evolution_known_settings(), kSettingsPath);
  check_random_state(algorithm, problems);
  const size_t before = problems.size();
  check_integer_setting(algorithm, kPopulationSize, 2, kMaxPopulationSize, problems);
  // The sample is drawn from the population: its bound follows the population size in effect,
  // unless that one is already wrong (then only a sample below 1 is reported).
  int64_t population = kDefaultPopulationSize;
  if (problems.size() == before)
    if (const std::string* text = algorithm.setting(kPopulationSize))
      population = engine::parse_whole_number(*text).value_or(kDefaultPopulationSize);
  const bool population_ok = problems.size() == before;
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    if (setting.name != kSampleSize) continue;
    auto value = engine::parse_whole_number(setting.value);
    if (!value || *value < 1 || (population_ok && *value > population))
      problems.push_back(
          {setting_value_path(i), std::string(kSampleSize) + " must be an integer between 1 and " +
                                      kPopulationSize + " (" + std::to_string(population) +
                                      "); found \"" + setting.value + "\""});
  }
  return problems;
}

EvolutionSettings read_evolution_settings(const engine::AlgorithmSpec& algorithm) {
  EvolutionSettings settings;
  if (auto population = integer_setting(algorithm, kPopulationSize))
    settings.population_size = static_cast<size_t>(*population);
  if (auto sample = integer_setting(algorithm, kSampleSize))
    settings.sample_size = static_cast<size_t>(*sample);
  settings.seed = random_state(algorithm);
  return settings;
}

}  // namespace sextant::algorithms
