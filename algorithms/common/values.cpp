// Canonical parameter values and assignment keys.
#include "algorithms/common/values.hpp"

#include <cmath>

#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

std::string canonical_value(const engine::ParameterSpec& spec, const std::string& value) {
  if (spec.type == engine::ParameterType::kCategorical) return value;
  auto number = engine::parse_finite_number(value);
  if (!number) return value;
  if (spec.type == engine::ParameterType::kInt && std::nearbyint(*number) == *number)
    return std::to_string(std::llround(*number));
  return engine::format_double(*number);
}

std::string assignment_key(const engine::SearchSpace& space, const engine::Assignment& assignment) {
  // Unit and record separators cannot occur in a YAML scalar a user would write.
  std::string key;
  for (const auto& parameter : space.parameters) {
    const std::string* value = engine::find_value(assignment, parameter.name);
    key += value ? canonical_value(parameter, *value) : std::string("\x1e");
    key += '\x1f';
  }
  return key;
}

}  // namespace sextant::algorithms
