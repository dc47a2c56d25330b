// Go RE2 metric filters translated to std::regex (ECMAScript).
#include "engine/spec/metrics_regex.hpp"

#include "engine/error.hpp"

namespace sextant::engine {

namespace {
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Length of a repetition "{n}", "{n,}" or "{n,m}" starting at pattern[i], or 0.
size_t repetition_length(const std::string& p, size_t i) {
  size_t j = i + 1;
  size_t digits = 0;
  while (j < p.size() && is_digit(p[j])) ++j, ++digits;
  if (digits == 0) return 0;
  if (j < p.size() && p[j] == ',') {
    ++j;
    while (j < p.size() && is_digit(p[j])) ++j;
  }
  if (j < p.size() && p[j] == '}') return j - i + 1;
  return 0;
}
}  // namespace

std::string go_regex_to_ecmascript(const std::string& p, bool& icase) {
  icase = false;
  std::string out;
  size_t i = 0;
  if (p.compare(0, 4, "(?i)") == 0) {
    icase = true;
    i = 4;
  }
  bool in_class = false;
  size_t class_start = 0;
  for (; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      out += c;
      out += p[++i];
      continue;
    }
    if (in_class) {
      out += c;
      // A ']' right after '[' or '[^' is a literal member, not the end of the class.
      if (c == ']' && i > class_start) in_class = false;
      continue;
    }
    if (c == '[') {
      in_class = true;
      out += c;
      class_start = i + 1;
      if (class_start < p.size() && p[class_start] == '^') {
        out += '^';
        ++i;
        class_start = i + 1;
      }
      continue;
    }
    if (c == '{') {
      size_t len = repetition_length(p, i);
      if (len > 0) {
        out += p.substr(i, len);
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
    if (c == '(' && p.compare(i, 4, "(?P<") == 0) {
      auto close = p.find('>', i);
      if (close != std::string::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    if (c == '(' && p.compare(i, 3, "(?<") == 0 && i + 3 < p.size() && p[i + 3] != '=' &&
        p[i + 3] != '!') {
      auto close = p.find('>', i);
      if (close != std::string::npos) {
        out += '(';
        i = close;
        continue;
      }
    }
    out += c;
  }
  return out;
}

std::regex compile_metrics_filter(const std::string& pattern) {
  bool icase = false;
  auto translated = go_regex_to_ecmascript(pattern, icase);
  auto flags = std::regex::ECMAScript;
  if (icase) flags |= std::regex::icase;
  try {
    return std::regex(translated, flags);
  } catch (const std::regex_error& e) {
    throw Error(ErrorCode::kInvalidArgument,
                "the regular expression does not compile: " + std::string(e.what()));
  }
}

}  // namespace sextant::engine
