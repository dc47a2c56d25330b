// Selector parsing for the fake API server.
#include "tests/support/fake_kube/selectors.hpp"

#include <algorithm>
#include <vector>

namespace sextant::testing {
namespace {

std::string trim(const std::string& text) {
  size_t begin = text.find_first_not_of(' ');
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(' ');
  return text.substr(begin, end - begin + 1);
}

// Splits on commas outside parentheses.
std::vector<std::string> requirements(const std::string& selector) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (char c : selector) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (c == ',' && depth == 0) {
      parts.push_back(trim(current));
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(trim(current));
  return parts;
}

std::optional<std::string> label_of(const nlohmann::json& object, const std::string& key) {
  if (!object.contains("metadata") || !object["metadata"].contains("labels")) return std::nullopt;
  const auto& labels = object["metadata"]["labels"];
  if (!labels.is_object() || !labels.contains(key) || !labels[key].is_string()) return std::nullopt;
  return labels[key].get<std::string>();
}

}  // namespace

std::optional<bool> matches_label_selector(const nlohmann::json& object,
                                           const std::string& selector) {
  if (trim(selector).empty()) return true;
  bool all = true;
  for (const std::string& req : requirements(selector)) {
    if (req.empty()) return std::nullopt;
    size_t in = req.find(" in ");
    size_t notin = req.find(" notin ");
    if (in != std::string::npos || notin != std::string::npos) {
      bool negate = notin != std::string::npos;
      size_t at = negate ? notin : in;
      std::string key = trim(req.substr(0, at));
      std::string rest = trim(req.substr(at + (negate ? 7 : 4)));
      if (rest.size() < 2 || rest.front() != '(' || rest.back() != ')') return std::nullopt;
      std::vector<std::string> values;
      for (auto& v : requirements(rest.substr(1, rest.size() - 2))) values.push_back(v);
      auto actual = label_of(object, key);
      bool found = actual && std::find(values.begin(), values.end(), *actual) != values.end();
      if (negate ? found : !found) all = false;
      continue;
    }
    size_t ne = req.find("!=");
    size_t eq = req.find('=');
    if (ne != std::string::npos) {
      auto actual = label_of(object, trim(req.substr(0, ne)));
      if (actual && *actual == trim(req.substr(ne + 2))) all = false;
    } else if (eq != std::string::npos) {
      std::string key = trim(req.substr(0, eq));
      size_t value_at = req.compare(eq, 2, "==") == 0 ? eq + 2 : eq + 1;
      auto actual = label_of(object, key);
      if (!actual || *actual != trim(req.substr(value_at))) all = false;
    } else if (req[0] == '!') {
      if (label_of(object, trim(req.substr(1)))) all = false;
    } else {
      if (req.find_first_of(" ()") != std::string::npos) return std::nullopt;
      if (!label_of(object, req)) all = false;
    }
  }
  return all;
}

std::optional<bool> matches_field_selector(const nlohmann::json& object,
                                           const std::string& selector) {
  if (trim(selector).empty()) return true;
  bool all = true;
  for (const std::string& req : requirements(selector)) {
    size_t ne = req.find("!=");
    size_t eq = req.find('=');
    if (eq == std::string::npos) return std::nullopt;
    bool negate = ne != std::string::npos;
    std::string field = trim(req.substr(0, negate ? ne : eq));
    size_t value_at = negate ? ne + 2 : (req.compare(eq, 2, "==") == 0 ? eq + 2 : eq + 1);
    std::string value = trim(req.substr(value_at));
    std::string actual;
    if (field == "metadata.name") {
      actual = object["metadata"].value("name", "");
    } else if (field == "metadata.namespace") {
      actual = object["metadata"].value("namespace", "");
    } else if (field == "status.phase") {
      actual = object.contains("status") && object["status"].is_object()
                   ? object["status"].value("phase", "")
                   : "";
    } else {
      return std::nullopt;
    }
    if ((actual == value) == negate) all = false;
  }
  return all;
}

}  // namespace sextant::testing
