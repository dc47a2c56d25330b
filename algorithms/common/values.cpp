// Canonical parameter values and assignment keys.
#include "algorithms/common/values.hpp"

#include <cmath>
#include <cstring>

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
  // Suggest() builds a key for every trial of the history, so this is a hot loop: numbers go in
  // as the 8 bytes of their value (what canonical_value compares, without formatting it back),
  // and values are found by position first, since assignments are stored in spec order.
  // Unit and record separators cannot occur in a YAML scalar a user would write.
  std::string key;
  key.reserve(space.parameters.size() * 10);
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const auto& parameter = space.parameters[i];
    const std::string* value = i < assignment.size() && assignment[i].name == parameter.name
                                   ? &assignment[i].value
                                   : engine::find_value(assignment, parameter.name);
    if (!value) {
      key += '\x1e';
    } else if (parameter.type == engine::ParameterType::kCategorical) {
      key += 'c';
      key += *value;
    } else if (auto number = engine::parse_finite_number(*value)) {
      double x = *number == 0 ? 0.0 : *number;  // -0 and 0 are one value
      char bytes[sizeof x];
      std::memcpy(bytes, &x, sizeof x);
      key += 'n';
      key.append(bytes, sizeof bytes);
    } else {
      key += 't';  // not a number: compared as text, never equal to a number
      key += *value;
    }
    key += '\x1f';
  }
  return key;
}

}  // namespace sextant::algorithms
