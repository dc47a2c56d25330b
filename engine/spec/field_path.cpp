// Katib-style field paths: building and walking up.
#include "engine/spec/field_path.hpp"

namespace sextant::engine {

namespace {
bool is_plain_key(const std::string& key) {
  if (key.empty()) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '$';
    if (!ok) return false;
  }
  return true;
}
}  // namespace

std::string path_key(const std::string& base, const std::string& key) {
  if (is_plain_key(key)) return base.empty() ? key : base + "." + key;
  return base + "[" + key + "]";
}

std::string path_index(const std::string& base, size_t index) {
  return base + "[" + std::to_string(index) + "]";
}

std::string path_parent(const std::string& path) {
  if (path.empty()) return {};
  if (path.back() == ']') {
    // Bracketed keys may contain dots; the matching '[' is the last one (keys hold no '[').
    auto open = path.rfind('[');
    return open == std::string::npos ? std::string{} : path.substr(0, open);
  }
  auto dot = path.rfind('.');
  auto bracket = path.rfind(']');
  if (dot == std::string::npos) return {};
  if (bracket != std::string::npos && bracket > dot) return path.substr(0, bracket + 1);
  return path.substr(0, dot);
}

bool path_is_under(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return true;
  if (path.size() < prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return false;
  if (path.size() == prefix.size()) return true;
  char next = path[prefix.size()];
  return next == '.' || next == '[';
}

}  // namespace sextant::engine
