// Typing of unquoted YAML scalars (YAML 1.2 core schema).
#include "engine/spec/yaml_scalar.hpp"

#include <cerrno>
#include <cstdlib>
#include <limits>

namespace sextant::engine {

namespace {
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool all_of(const std::string& s, size_t from, bool (*pred)(char)) {
  if (from >= s.size()) return false;
  for (size_t i = from; i < s.size(); ++i)
    if (!pred(s[i])) return false;
  return true;
}

bool is_octal(char c) {
  return c >= '0' && c <= '7';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// [-+]?[0-9]+
bool is_decimal_int(const std::string& s) {
  size_t i = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  return all_of(s, i, is_digit);
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool is_float(const std::string& s) {
  size_t i = 0, n = s.size();
  if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
  size_t int_digits = 0, frac_digits = 0;
  while (i < n && is_digit(s[i])) ++i, ++int_digits;
  if (i < n && s[i] == '.') {
    ++i;
    while (i < n && is_digit(s[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '-' || s[i] == '+')) ++i;
    size_t exp_digits = 0;
    while (i < n && is_digit(s[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}
}  // namespace

nlohmann::json resolve_plain_scalar(const std::string& s) {
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (is_decimal_int(s)) {
    errno = 0;
    long long v = std::strtoll(s.c_str(), nullptr, 10);
    if (errno != ERANGE) return v;
    // Too large for an integer: keep it as a number rather than failing.
    return std::strtod(s.c_str(), nullptr);
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'o' && all_of(s, 2, is_octal)) {
    errno = 0;
    long long v = std::strtoll(s.c_str() + 2, nullptr, 8);
    if (errno != ERANGE) return v;
  }
  if (s.size() > 2 && s[0] == '0' && s[1] == 'x' && all_of(s, 2, is_hex)) {
    errno = 0;
    long long v = std::strtoll(s.c_str() + 2, nullptr, 16);
    if (errno != ERANGE) return v;
  }
  if (is_float(s)) return std::strtod(s.c_str(), nullptr);
  if (s == ".inf" || s == ".Inf" || s == ".INF" || s == "+.inf" || s == "+.Inf" || s == "+.INF")
    return std::numeric_limits<double>::infinity();
  if (s == "-.inf" || s == "-.Inf" || s == "-.INF") return -std::numeric_limits<double>::infinity();
  if (s == ".nan" || s == ".NaN" || s == ".NAN") return std::numeric_limits<double>::quiet_NaN();
  return s;
}

bool plain_scalar_changes_type(const std::string& s) {
  if (!resolve_plain_scalar(s).is_string()) return true;
  // YAML 1.1 readers (Kubernetes' go-yaml among them) also take these as booleans.
  static const char* const kYaml11[] = {"y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",
                                        "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
  for (const char* word : kYaml11)
    if (s == word) return true;
  // Anything starting like a number (dates, versions, 1_000, sexagesimal 1:20, .5e) is quoted:
  // some reader somewhere types it.
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i < s.size() && is_digit(s[i])) return true;
  if (i < s.size() && s[i] == '.' && i + 1 < s.size() &&
      (is_digit(s[i + 1]) || s[i + 1] == 'i' || s[i + 1] == 'I' || s[i + 1] == 'n' ||
       s[i + 1] == 'N'))
    return true;
  return false;
}

}  // namespace sextant::engine
