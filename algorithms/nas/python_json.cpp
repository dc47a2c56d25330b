// Python repr() of floats and json.dumps() with default options, byte for byte.
#include "algorithms/nas/python_json.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace sextant::algorithms {

namespace {

using nlohmann::ordered_json;

void append_hex4(std::string& out, unsigned code) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\u%04x", code & 0xffffu);
  out += buf;
}

// The next code point of UTF-8 text at `i` (advanced past it); U+FFFD for an invalid sequence,
// which consumes one byte.
unsigned next_code_point(std::string_view text, size_t& i) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned lead = byte(i);
  if (lead < 0x80) {
    ++i;
    return lead;
  }
  size_t length = 0;
  unsigned code = 0;
  unsigned min = 0;
  if ((lead & 0xe0) == 0xc0) {
    length = 2, code = lead & 0x1f, min = 0x80;
  } else if ((lead & 0xf0) == 0xe0) {
    length = 3, code = lead & 0x0f, min = 0x800;
  } else if ((lead & 0xf8) == 0xf0) {
    length = 4, code = lead & 0x07, min = 0x10000;
  } else {
    ++i;
    return 0xfffd;
  }
  if (i + length > text.size()) {
    ++i;
    return 0xfffd;
  }
  for (size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xc0) != 0x80) {
      ++i;
      return 0xfffd;
    }
    code = (code << 6) | (byte(i + k) & 0x3f);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not characters.
  if (code < min || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    ++i;
    return 0xfffd;
  }
  i += length;
  return code;
}

void dump_string(std::string& out, std::string_view text) {
  out += '"';
  for (size_t i = 0; i < text.size();) {
    const unsigned code = next_code_point(text, i);
    switch (code) {
      case '"':
        out += "\\\"";
        continue;
      case '\\':
        out += "\\\\";
        continue;
      case '\n':
        out += "\\n";
        continue;
      case '\r':
        out += "\\r";
        continue;
      case '\t':
        out += "\\t";
        continue;
      case '\b':
        out += "\\b";
        continue;
      case '\f':
        out += "\\f";
        continue;
      default:
        break;
    }
    if (code >= 0x20 && code <= 0x7e) {
      out += static_cast<char>(code);
    } else if (code < 0x10000) {
      append_hex4(out, code);
    } else {
      const unsigned v = code - 0x10000;
      append_hex4(out, 0xd800 + (v >> 10));
      append_hex4(out, 0xdc00 + (v & 0x3ff));
    }
  }
  out += '"';
}

void dump(std::string& out, const ordered_json& value) {
  switch (value.type()) {
    case ordered_json::value_t::null:
      out += "null";
      return;
    case ordered_json::value_t::boolean:
      out += value.get<bool>() ? "true" : "false";
      return;
    case ordered_json::value_t::number_integer:
      out += std::to_string(value.get<int64_t>());
      return;
    case ordered_json::value_t::number_unsigned:
      out += std::to_string(value.get<uint64_t>());
      return;
    case ordered_json::value_t::number_float: {
      const double x = value.get<double>();
      if (std::isnan(x))
        out += "NaN";
      else if (std::isinf(x))
        out += x > 0 ? "Infinity" : "-Infinity";
      else
        out += python_float_repr(x);
      return;
    }
    case ordered_json::value_t::string:
      dump_string(out, value.get_ref<const std::string&>());
      return;
    case ordered_json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : value) {
        if (!first) out += ", ";
        first = false;
        dump(out, item);
      }
      out += ']';
      return;
    }
    case ordered_json::value_t::object: {
      out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ", ";
        first = false;
        dump_string(out, key);
        out += ": ";
        dump(out, item);
      }
      out += '}';
      return;
    }
    default:
      out += "null";
      return;  // binary and discarded values have no Python form
  }
}

}  // namespace

std::string python_float_repr(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  // Shortest round-trip digits, as Python's repr (David Gay's mode 0) finds them.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  (void)ec;  // 64 bytes always suffice for a double
  const std::string_view text(buf, static_cast<size_t>(end - buf));
  const size_t e_at = text.find('e');
  std::string_view mantissa = text.substr(0, e_at);
  const int exponent = std::atoi(std::string(text.substr(e_at + 1)).c_str());
  std::string sign;
  if (!mantissa.empty() && mantissa.front() == '-') {
    sign = "-";
    mantissa.remove_prefix(1);
  }
  std::string digits;
  for (char c : mantissa)
    if (c != '.') digits += c;

  // Built by appending: GCC 12 warns falsely (-Wrestrict) on chains of string operator+.
  std::string out = sign;
  if (exponent < -4 || exponent >= 16) {
    out.append(digits, 0, 1);
    if (digits.size() > 1) {
      out.push_back('.');
      out.append(digits, 1, std::string::npos);
    }
    char exp_buf[16];
    std::snprintf(exp_buf, sizeof exp_buf, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out.append(exp_buf);
    return out;
  }
  if (exponent < 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out.append(digits);
    return out;
  }
  const auto integer_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= integer_digits) {
    out.append(digits);
    out.append(integer_digits - digits.size(), '0');
    out.append(".0");
    return out;
  }
  out.append(digits, 0, integer_digits);
  out.push_back('.');
  out.append(digits, integer_digits, std::string::npos);
  return out;
}

std::string python_json_dumps(const nlohmann::ordered_json& value) {
  std::string out;
  dump(out, value);
  return out;
}

std::string katib_quoted(std::string json_text) {
  for (char& c : json_text)
    if (c == '"') c = '\'';
  return json_text;
}

}  // namespace sextant::algorithms
