// The search space: Katib's parameter types, feasible spaces and distributions, typed.
#pragma once

#include <string>
#include <vector>

namespace sextant::engine {

enum class ParameterType { kInt, kDouble, kDiscrete, kCategorical };
enum class Distribution { kUniform, kLogUniform, kNormal, kLogNormal };

// One entry of spec.parameters. Katib keeps min/max/step as strings; the spec loader parses
// them once (and rejects what does not parse) so everything downstream works with numbers.
struct ParameterSpec {
  std::string name;
  ParameterType type = ParameterType::kDouble;
  Distribution distribution = Distribution::kUniform;
  double min = 0;   // int and double only
  double max = 0;   // int and double only
  double step = 0;  // int and double only; 0 means "no step" (ints then step by 1)
  std::vector<std::string> list;  // discrete (numbers as written) and categorical

  bool is_numeric_range() const {
    return type == ParameterType::kInt || type == ParameterType::kDouble;
  }
};

struct SearchSpace {
  std::vector<ParameterSpec> parameters;

  const ParameterSpec* find(const std::string& name) const {
    for (const auto& p : parameters)
      if (p.name == name) return &p;
    return nullptr;
  }
  bool empty() const { return parameters.empty(); }
  size_t size() const { return parameters.size(); }
};

// Katib spellings, for parsing and printing.
const char* to_string(ParameterType type);
const char* to_string(Distribution distribution);
bool parse_parameter_type(const std::string& text, ParameterType& out);
bool parse_distribution(const std::string& text, Distribution& out);

// The string form of a numeric value for a parameter, as a trial receives it:
// ints without a decimal point, doubles in the shortest form that round-trips.
std::string format_parameter_value(const ParameterSpec& spec, double value);
std::string format_double(double value);

}  // namespace sextant::engine
