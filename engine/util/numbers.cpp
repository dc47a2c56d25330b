// The lenient number parsers: from_chars, plus the spaces, sign and underflow it leaves out.
#include "engine/util/numbers.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "engine/util/text.hpp"

namespace sextant::engine {
namespace {

// The power of ten of the leading digit of a number from_chars has read in full ("123.4" -> 2,
// "0.05e-3" -> -5), clamped to +-1e9. from_chars reports underflow and overflow alike; this
// tells them apart.
long long decimal_exponent(std::string_view number) {
  constexpr long long kClamp = 1'000'000'000;
  if (number.starts_with('-')) number.remove_prefix(1);
  size_t e = number.find_first_of("eE");
  std::string_view mantissa = number.substr(0, e);
  long long exponent = 0;
  if (e != std::string_view::npos) {
    std::string_view digits = number.substr(e + 1);
    bool negative = digits.starts_with('-');
    if (negative || digits.starts_with('+')) digits.remove_prefix(1);
    for (char c : digits) exponent = std::min(exponent * 10 + (c - '0'), kClamp);
    if (negative) exponent = -exponent;
  }
  size_t point = std::min(mantissa.find('.'), mantissa.size());
  size_t first = mantissa.find_first_of("123456789");
  if (first == std::string_view::npos) return 0;  // zero, never out of range
  long long lead = first < point ? static_cast<long long>(point - first) - 1
                                 : -static_cast<long long>(first - point);
  return lead + exponent;
}

// What from_chars should read of `text`: without surrounding spaces and one leading '+' (which
// from_chars does not take); nullopt when nothing is left or a second sign follows ("+-1").
std::optional<std::string_view> number_body(std::string_view text) {
  std::string_view view = trim_space(text);
  if (view.starts_with('+')) {
    view.remove_prefix(1);
    if (view.starts_with('+') || view.starts_with('-')) return std::nullopt;
  }
  if (view.empty()) return std::nullopt;
  return view;
}

}  // namespace

std::optional<double> parse_finite_number(std::string_view text) {
  auto body = number_body(text);
  if (!body) return std::nullopt;
  std::string_view view = *body;
  // chars_format::general reads no hex; "inf" and "nan" it reads are rejected as not finite.
  double value = 0;
  auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (end != view.data() + view.size()) return std::nullopt;
  if (ec == std::errc::result_out_of_range && decimal_exponent(view) < 0) {
    return view.starts_with('-') ? -0.0 : 0.0;  // underflow: Python's float() reads zero too
  }
  if (ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<int64_t> parse_whole_number(std::string_view text) {
  auto body = number_body(text);
  if (!body) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(body->data(), body->data() + body->size(), value);
  if (ec != std::errc() || end != body->data() + body->size()) return std::nullopt;
  return value;
}

}  // namespace sextant::engine
