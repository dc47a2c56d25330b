// Builders and independent checks shared by the algorithm tests (specs are built in C++, not
// parsed, so these tests do not depend on the spec loader).
#pragma once

#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "engine/model/search_space.hpp"
#include "engine/model/trial.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::test {

using engine::Distribution;
using engine::ParameterSpec;
using engine::ParameterType;

inline ParameterSpec int_param(const std::string& name, double min, double max, double step = 0,
                               Distribution distribution = Distribution::kUniform) {
  ParameterSpec p;
  p.name = name;
  p.type = ParameterType::kInt;
  p.min = min;
  p.max = max;
  p.step = step;
  p.distribution = distribution;
  return p;
}

inline ParameterSpec double_param(const std::string& name, double min, double max, double step = 0,
                                  Distribution distribution = Distribution::kUniform) {
  ParameterSpec p = int_param(name, min, max, step, distribution);
  p.type = ParameterType::kDouble;
  return p;
}

inline ParameterSpec list_param(const std::string& name, ParameterType type,
                                std::vector<std::string> values) {
  ParameterSpec p;
  p.name = name;
  p.type = type;
  p.list = std::move(values);
  return p;
}

inline engine::ExperimentSpec make_spec(const std::string& algorithm,
                                        std::vector<ParameterSpec> parameters,
                                        std::vector<engine::AlgorithmSetting> settings = {}) {
  engine::ExperimentSpec spec;
  spec.name = "algorithm-test";
  spec.parameters.parameters = std::move(parameters);
  spec.objective.objective_metric_name = "loss";
  spec.algorithm.algorithm_name = algorithm;
  spec.algorithm.settings = std::move(settings);
  return spec;
}

inline engine::Trial make_trial(size_t index, engine::Assignment assignment,
                                engine::TrialState state = engine::TrialState::kSucceeded,
                                std::optional<double> objective = std::nullopt) {
  engine::Trial t;
  t.name = "algorithm-test-" + std::to_string(index + 1);
  t.experiment = "algorithm-test";
  t.sequence = static_cast<int64_t>(index + 1);
  t.assignment = std::move(assignment);
  t.state = state;
  t.objective = objective;
  if (objective) t.objective_text = engine::format_double(*objective);
  return t;
}

// Appends suggestions to a history as trials in `state`.
inline void append(std::vector<engine::Trial>& history, const engine::SuggestResult& result,
                   engine::TrialState state = engine::TrialState::kRunning) {
  for (const auto& s : result.suggestions)
    history.push_back(make_trial(history.size(), s.assignment, state));
}

inline std::optional<double> parse_full_double(const std::string& text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Why `value` is not a valid Katib-form value of `p`, or "" when it is. Written independently of
// algorithms/common so that the tests do not check the code with itself.
inline std::string value_problem(const ParameterSpec& p, const std::string& value) {
  if (!p.is_numeric_range()) {
    for (const auto& v : p.list)
      if (v == value) return "";
    return "not in the list";
  }
  if (p.type == ParameterType::kInt) {
    long long n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    if (ec != std::errc() || end != value.data() + value.size()) return "not an integer literal";
    if (n < p.min || n > p.max) return "outside [min, max]";
    const long long step = p.step > 0 ? static_cast<long long>(p.step) : 1;
    if ((n - static_cast<long long>(std::ceil(p.min))) % step != 0) return "not on the step grid";
    return "";
  }
  auto x = parse_full_double(value);
  if (!x) return "not a number literal";
  if (engine::format_double(*x) != value) return "not in shortest round-trip form";
  if (*x < p.min || *x > p.max) return "outside [min, max]";
  if (p.step > 0) {
    const double k = (*x - p.min) / p.step;
    if (std::fabs(k - std::round(k)) > 1e-6) return "not on the step grid";
  }
  return "";
}

// "" when every parameter has exactly one valid value, in spec order; otherwise what is wrong.
inline std::string assignment_problem(const engine::SearchSpace& space,
                                      const engine::Assignment& assignment) {
  if (assignment.size() != space.size())
    return "has " + std::to_string(assignment.size()) + " values for " +
           std::to_string(space.size()) + " parameters";
  for (size_t i = 0; i < space.size(); ++i) {
    const auto& p = space.parameters[i];
    if (assignment[i].name != p.name)
      return "value " + std::to_string(i) + " is for \"" + assignment[i].name + "\", expected \"" +
             p.name + "\"";
    auto why = value_problem(p, assignment[i].value);
    if (!why.empty()) return p.name + "=" + assignment[i].value + ": " + why;
  }
  return "";
}

inline std::string key_of(const engine::Assignment& assignment) {
  std::string key;
  for (const auto& a : assignment) key += a.name + "=" + a.value + ";";
  return key;
}

inline std::vector<std::string> keys_of(const engine::SuggestResult& result) {
  std::vector<std::string> keys;
  for (const auto& s : result.suggestions) keys.push_back(key_of(s.assignment));
  return keys;
}

inline std::vector<std::string> values_of(const engine::SuggestResult& result,
                                          const std::string& name) {
  std::vector<std::string> values;
  for (const auto& s : result.suggestions)
    values.push_back(*engine::find_value(s.assignment, name));
  return values;
}

}  // namespace sextant::test
