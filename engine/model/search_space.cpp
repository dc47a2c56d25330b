// Katib spellings and value formatting for the search space.
#include "engine/model/search_space.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace sextant::engine {

const char* to_string(ParameterType type) {
  switch (type) {
    case ParameterType::kInt: return "int";
    case ParameterType::kDouble: return "double";
    case ParameterType::kDiscrete: return "discrete";
    case ParameterType::kCategorical: return "categorical";
  }
  return "double";
}

const char* to_string(Distribution distribution) {
  switch (distribution) {
    case Distribution::kUniform: return "uniform";
    case Distribution::kLogUniform: return "logUniform";
    case Distribution::kNormal: return "normal";
    case Distribution::kLogNormal: return "logNormal";
  }
  return "uniform";
}

bool parse_parameter_type(const std::string& text, ParameterType& out) {
  for (auto t : {ParameterType::kInt, ParameterType::kDouble, ParameterType::kDiscrete,
                 ParameterType::kCategorical})
    if (text == to_string(t)) {
      out = t;
      return true;
    }
  return false;
}

bool parse_distribution(const std::string& text, Distribution& out) {
  for (auto d : {Distribution::kUniform, Distribution::kLogUniform, Distribution::kNormal,
                 Distribution::kLogNormal})
    if (text == to_string(d)) {
      out = d;
      return true;
    }
  return false;
}

std::string format_double(double value) {
  // Shortest representation that parses back to the same double.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) {
    std::snprintf(buf, sizeof buf, "%.17g", value);
    return buf;
  }
  return std::string(buf, end);
}

std::string format_parameter_value(const ParameterSpec& spec, double value) {
  if (spec.type == ParameterType::kInt) return std::to_string(std::llround(value));
  return format_double(value);
}

}  // namespace sextant::engine
