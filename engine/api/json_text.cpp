// JSON text writers.
#include "engine/api/json_text.hpp"

#include <charconv>
#include <cmath>

#include "engine/util/numbers.hpp"

namespace sextant::engine {

void append_json_string(std::string& out, std::string_view text) {
  static const char* const kHex = "0123456789abcdef";
  out.push_back('"');
  size_t plain = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
}

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buffer[32];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void append_json_number(std::string& out, int64_t value) {
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

namespace {

// JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool is_json_number(std::string_view t) {
  size_t i = 0, n = t.size();
  auto digits = [&] {
    size_t start = i;
    while (i < n && t[i] >= '0' && t[i] <= '9') ++i;
    return i > start;
  };
  if (i < n && t[i] == '-') ++i;
  if (i < n && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < n && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  // Short enough that it cannot overflow a double ("1e999" is valid JSON but not finite).
  return i == n && n <= 24 && (t.find_first_of("eE") == std::string_view::npos || n <= 8);
}

}  // namespace

void append_json_number_or_null(std::string& out, std::string_view text) {
  // Metric values are stored as the worker wrote them; most are already JSON numbers and go
  // out as they are (no parse and reprint for each of 500,000 points).
  if (is_json_number(text)) {
    out.append(text);
    return;
  }
  auto value = parse_finite_number(text);
  if (value)
    append_json_number(out, *value);
  else
    out += "null";
}

void append_json_optional(std::string& out, const std::optional<double>& value) {
  if (value)
    append_json_number(out, *value);
  else
    out += "null";
}

}  // namespace sextant::engine
