// Strict number parsing for Katib's string-valued numbers.
#include "engine/spec/number_text.hpp"

#include <charconv>
#include <cmath>

namespace sextant::engine {

namespace {
// from_chars rejects a leading '+', which users (and Python's float()) accept.
std::string_view strip_plus(const std::string& text) {
  std::string_view view(text);
  if (!view.empty() && view.front() == '+') view.remove_prefix(1);
  return view;
}

bool only_decimal_chars(std::string_view view) {
  if (view.empty()) return false;
  bool digit = false;
  for (char c : view) {
    if (c >= '0' && c <= '9')
      digit = true;
    else if (c != '-' && c != '.' && c != 'e' && c != 'E' && c != '+')
      return false;
  }
  return digit;
}
}  // namespace

bool parse_decimal(const std::string& text, double& out) {
  auto view = strip_plus(text);
  if (view.size() != text.size() && !view.empty() && (view.front() == '-' || view.front() == '+'))
    return false;
  // from_chars would also take "inf", "nan" and hex forms; Katib's numbers are decimal.
  if (!only_decimal_chars(view)) return false;
  double value = 0;
  auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (ec != std::errc() || end != view.data() + view.size() || !std::isfinite(value)) return false;
  out = value;
  return true;
}

bool parse_integer(const std::string& text, long long& out) {
  auto view = strip_plus(text);
  if (view.size() != text.size() && !view.empty() && (view.front() == '-' || view.front() == '+'))
    return false;
  if (view.empty()) return false;
  long long value = 0;
  auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (ec != std::errc() || end != view.data() + view.size()) return false;
  out = value;
  return true;
}

}  // namespace sextant::engine
