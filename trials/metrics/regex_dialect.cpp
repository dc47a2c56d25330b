// Katib's metric filters are Go (RE2) regexes; this compiles them with std::regex.
#include "trials/metrics/regex_dialect.hpp"

#include <cctype>

#include "engine/error.hpp"

namespace sextant::trials {
namespace {

// Length of a repetition "{n}", "{n,}" or "{n,m}" starting at pos, or 0.
size_t repetition_length(const std::string& s, size_t pos) {
  size_t i = pos + 1;
  size_t start = i;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  if (i == start) return 0;
  if (i < s.size() && s[i] == ',') {
    ++i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  if (i < s.size() && s[i] == '}') return i - pos + 1;
  return 0;
}

}  // namespace

std::string re2_to_ecmascript(const std::string& s, bool& icase) {
  icase = false;
  std::string out;
  out.reserve(s.size() + 8);
  size_t i = 0;
  if (s.rfind("(?i)", 0) == 0) {
    icase = true;
    i = 4;
  }
  bool in_class = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '\\' && i + 1 < s.size()) {
      out += c;
      out += s[++i];
      continue;
    }
    if (in_class) {
      if (c == ']') in_class = false;
      out += c;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in both dialects.
      if (i + 1 < s.size() && s[i + 1] == '^') out += s[++i];
      if (i + 1 < s.size() && s[i + 1] == ']') out += s[++i];
      continue;
    }
    if (c == '{') {
      size_t len = repetition_length(s, i);
      if (len > 0) {
        out.append(s, i, len);
        i += len - 1;
      } else {
        out += "\\{";
      }
      continue;
    }
    if (c == '}') {
      out += "\\}";
      continue;
    }
    if (c == '(' && i + 1 < s.size() && s[i + 1] == '?') {
      if (s.compare(i, 4, "(?P<") == 0 || (s.compare(i, 3, "(?<") == 0 && i + 3 < s.size() &&
                                           s[i + 3] != '=' && s[i + 3] != '!')) {
        size_t close = s.find('>', i);
        if (close != std::string::npos) {
          out += '(';
          i = close;
          continue;
        }
      }
      if (s.compare(i, 3, "(?:") != 0 && s.compare(i, 3, "(?=") != 0 &&
          s.compare(i, 3, "(?!") != 0)
        throw Error(ErrorCode::kInvalidArgument,
                    "inline flags other than a leading (?i) are not supported: " + s);
    }
    out += c;
  }
  return out;
}

std::regex compile_re2_filter(const std::string& filter, const std::string& field_path) {
  bool icase = false;
  std::string text;
  try {
    text = re2_to_ecmascript(filter, icase);
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidArgument, e.message(), field_path);
  }
  try {
    auto flags = std::regex::ECMAScript | std::regex::optimize;
    if (icase) flags |= std::regex::icase;
    return std::regex(text, flags);
  } catch (const std::regex_error& e) {
    throw Error(ErrorCode::kInvalidArgument,
                "'" + filter + "' is not a valid regular expression: " + e.what(), field_path);
  }
}

}  // namespace sextant::trials
