// PBT settings: the three Katib requires, their ranges, and resample_probability read as a number
// (Katib compares the raw string with ints, so supplying it fails there).
#include "algorithms/pbt/pbt_settings.hpp"

#include "algorithms/common/settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "engine/error.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

struct Read {
  PbtSettings settings;
  std::vector<engine::SpecProblem> problems;
};

std::optional<double> probability(const std::string& name, const std::string& value,
                                  const std::string& path, Read& read) {
  auto p = engine::parse_finite_number(value);
  if (p && *p >= 0 && *p <= 1) return p;
  read.problems.push_back(
      {path, name + " must be a number between 0 and 1, inclusive; found \"" + value + "\""});
  return std::nullopt;
}

Read read_settings(const engine::ExperimentSpec& spec) {
  Read read;
  const auto& algorithm = spec.algorithm;
  read.problems = engine::unknown_setting_problems(algorithm, pbt_known_settings(), kSettingsPath);
  check_random_state(algorithm, read.problems);
  check_integer_setting(algorithm, kPbtPopulation, kPbtMinPopulation, kPbtMaxPopulation,
                        read.problems);
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    const std::string path = setting_value_path(i);
    if (setting.name == kPbtTruncation) {
      if (auto t = probability(setting.name, setting.value, path, read))
        read.settings.truncation = *t;
    } else if (setting.name == kPbtResample) {
      read.settings.resample = probability(setting.name, setting.value, path, read);
    } else if (setting.name == kPbtTrialDir) {
      read.settings.trial_dir = setting.value;
    }
  }
  // Katib requires these three; suggestion_trial_dir may be empty (then nothing is mounted).
  const std::pair<const char*, const char*> required[] = {
      {kPbtPopulation, "the number of members, an integer >= 5"},
      {kPbtTruncation, "the fraction of members that copy a better one, in [0, 1]"},
      {kPbtTrialDir, "the checkpoint directory of a trial, as its container sees it"}};
  for (const auto& [name, meaning] : required)
    if (!algorithm.setting(name))
      read.problems.push_back({kSettingsPath, std::string("pbt needs the setting ") + name + " (" +
                                                  meaning + "); found no such setting"});
  if (spec.parameters.empty())
    read.problems.push_back({"spec.parameters", "pbt needs at least one parameter"});
  for (auto& p : log_scale_problems(spec.parameters)) read.problems.push_back(std::move(p));
  if (read.problems.empty()) {
    read.settings.population = *integer_setting(algorithm, kPbtPopulation);
    read.settings.seed = random_state(algorithm);
  }
  return read;
}

}  // namespace

std::vector<std::string> pbt_known_settings() {
  return {kPbtPopulation, kPbtTruncation, kPbtResample, kPbtTrialDir, kRandomState};
}

std::vector<engine::SpecProblem> pbt_problems(const engine::ExperimentSpec& spec) {
  return read_settings(spec).problems;
}

PbtSettings read_pbt_settings(const engine::ExperimentSpec& spec) {
  auto read = read_settings(spec);
  throw_first_problem(read.problems);
  return read.settings;
}

}  // namespace sextant::algorithms
