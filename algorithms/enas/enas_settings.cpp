// ENAS settings: Katib's ranges (floats in (low, high], ints >= low), "None" for the four
// settings Katib lets switch off, and finite numbers only.
#include "algorithms/enas/enas_settings.hpp"

#include <limits>

#include "algorithms/common/settings.hpp"
#include "engine/error.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

constexpr double kUnbounded = std::numeric_limits<double>::infinity();

// A float setting: Katib accepts low < value <= high (high may be unbounded).
struct FloatRule {
  const char* name;
  double high;
  bool none_allowed;
};

constexpr FloatRule kFloatRules[] = {
    {kEnasTemperature, kUnbounded, true},   {kEnasTanhConst, kUnbounded, true},
    {kEnasEntropyWeight, kUnbounded, true}, {kEnasBaselineDecay, 1.0, false},
    {kEnasLearningRate, 1.0, false},        {kEnasSkipTarget, 1.0, false},
    {kEnasSkipWeight, kUnbounded, true}};

std::string expected_text(const FloatRule& rule) {
  std::string text = rule.high == kUnbounded ? "a number > 0" : "a number in (0, 1]";
  if (rule.none_allowed) text += " or \"None\"";
  return text;
}

struct Read {
  EnasSettings settings;
  std::vector<engine::SpecProblem> problems;
};

Read read_settings(const engine::ExperimentSpec& spec) {
  Read read;
  const auto& algorithm = spec.algorithm;
  read.problems = engine::unknown_setting_problems(algorithm, enas_known_settings(), kSettingsPath);
  check_random_state(algorithm, read.problems);
  check_integer_setting(algorithm, kEnasHiddenSize, 1, kEnasMaxHiddenSize, read.problems);
  check_integer_setting(algorithm, kEnasTrainSteps, 1, kEnasMaxTrainSteps, read.problems);
  check_integer_setting(algorithm, kEnasLogEverySteps, 1, std::numeric_limits<int64_t>::max(),
                        read.problems);

  auto& s = read.settings;
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    for (const auto& rule : kFloatRules) {
      if (setting.name != rule.name) continue;
      std::optional<double> value;  // nullopt: "None"
      if (!(rule.none_allowed && setting.value == "None")) {
        value = engine::parse_finite_number(setting.value);
        if (!value || !(*value > 0) || *value > rule.high) {
          read.problems.push_back({setting_value_path(i), setting.name + " must be " +
                                                              expected_text(rule) + "; found \"" +
                                                              setting.value + "\""});
          continue;
        }
      }
      // Later entries win, as in Katib's parseAlgorithmSettings.
      const std::string& name = setting.name;
      auto& c = s.controller;
      if (name == kEnasTemperature) c.temperature = value;
      if (name == kEnasTanhConst) c.tanh_const = value;
      if (name == kEnasEntropyWeight) c.entropy_weight = value.value_or(0.0);
      if (name == kEnasSkipWeight) c.skip_weight = value.value_or(0.0);
      if (name == kEnasBaselineDecay) s.baseline_decay = *value;
      if (name == kEnasLearningRate) c.learning_rate = *value;
      if (name == kEnasSkipTarget) c.skip_target = *value;
    }
  }
  if (read.problems.empty()) {
    for (const auto& setting : algorithm.settings) {
      const auto whole = engine::parse_whole_number(setting.value);
      if (setting.name == kEnasHiddenSize) s.controller.hidden_size = static_cast<int>(*whole);
      if (setting.name == kEnasTrainSteps) s.train_steps = static_cast<int>(*whole);
      if (setting.name == kEnasLogEverySteps) s.log_every_steps = *whole;
    }
    s.seed = random_state(algorithm);
  }
  return read;
}

}  // namespace

std::vector<std::string> enas_known_settings() {
  return {kEnasHiddenSize,    kEnasTemperature,   kEnasTanhConst,  kEnasEntropyWeight,
          kEnasBaselineDecay, kEnasLearningRate,  kEnasSkipTarget, kEnasSkipWeight,
          kEnasTrainSteps,    kEnasLogEverySteps, kRandomState};
}

std::vector<engine::SpecProblem> enas_setting_problems(const engine::ExperimentSpec& spec) {
  return read_settings(spec).problems;
}

EnasSettings read_enas_settings(const engine::ExperimentSpec& spec) {
  auto read = read_settings(spec);
  throw_first_problem(read.problems);
  return read.settings;
}

}  // namespace sextant::algorithms
