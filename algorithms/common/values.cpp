// Number parsing and canonical assignment keys.
#include "algorithms/common/values.hpp"

#include <charconv>
#include <cmath>

namespace sextant::algorithms {

std::optional<double> parse_number(const std::string& text) {
  const char* begin = text.data();
  const char* end = begin + text.size();
  while (begin < end && (*begin == ' ' || *begin == '\t')) ++begin;
  while (end > begin && (end[-1] == ' ' || end[-1] == '\t')) --end;
  // from_chars takes no leading '+', which Python's float() (Katib) accepts.
  if (begin < end && *begin == '+') ++begin;
  if (begin == end) return std::nullopt;
  double value = 0;
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || ptr != end || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::string canonical_value(const engine::ParameterSpec& spec, const std::string& value) {
  if (spec.type == engine::ParameterType::kCategorical) return value;
  auto number = parse_number(value);
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
