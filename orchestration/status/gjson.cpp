// A small GJSON evaluator: paths split at top-level '.' and '|', array queries, [@this].
#include "orchestration/status/gjson.hpp"

#include <string>
#include <vector>

#include "engine/error.hpp"

namespace sextant::orchestration {
namespace {

using nlohmann::json;

struct Component {
  char separator = 0;  // '.' or '|' before this component; 0 for the first
  std::string text;
};

[[noreturn]] void unsupported(std::string_view path, const std::string& part, const char* why) {
  throw Error(ErrorCode::kInvalidArgument, "condition \"" + std::string(path) + "\": " + why +
                                               " in \"" + part +
                                               "\" (supported: member paths, "
                                               "#, #(query), #(query)#, [@this], @this, |)");
}

// Splits at '.' and '|' outside quotes, parentheses and brackets; keeps '\.' escapes.
std::vector<Component> split(std::string_view path) {
  std::vector<Component> out(1);
  int depth = 0;
  bool quoted = false;
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (quoted) {
      if (c == '\\' && i + 1 < path.size())
        out.back().text += path[i++];
      else if (c == '"')
        quoted = false;
      out.back().text += c;
      continue;
    }
    if (c == '\\' && i + 1 < path.size()) {
      out.back().text += c;
      out.back().text += path[++i];
      continue;
    }
    if (c == '"') quoted = true;
    if (c == '(' || c == '[') ++depth;
    if (c == ')' || c == ']') --depth;
    if (depth == 0 && (c == '.' || c == '|')) {
      out.push_back({c, ""});
      continue;
    }
    out.back().text += c;
  }
  if (quoted || depth != 0) unsupported(path, std::string(path), "unbalanced quotes or brackets");
  return out;
}

std::string unescape(const std::string& name) {
  std::string out;
  for (size_t i = 0; i < name.size(); ++i)
    out += name[i] == '\\' && i + 1 < name.size() ? name[++i] : name[i];
  return out;
}

bool compare(const json& left, const std::string& op, const json& right) {
  if (op == "==") return left == right;
  if (op == "!=") return left != right;
  bool numbers = left.is_number() && right.is_number();
  bool strings = left.is_string() && right.is_string();
  if (!numbers && !strings) return false;
  if (op == "<") return left < right;
  if (op == "<=") return left <= right;
  if (op == ">") return left > right;
  return left >= right;  // ">="
}

// One query condition, "key==value": true when `element` satisfies it.
bool satisfies(const json& element, const std::string& condition, std::string_view path) {
  static const char* kOperators[] = {"==", "!=", "<=", ">=", "<", ">"};
  bool quoted = false;
  for (size_t i = 0; i < condition.size(); ++i) {
    if (condition[i] == '"') quoted = !quoted;
    if (quoted) continue;
    for (const char* op : kOperators) {
      std::string_view o(op);
      if (condition.compare(i, o.size(), o) != 0) continue;
      std::string key = condition.substr(0, i);
      std::string literal = condition.substr(i + o.size());
      json right = json::parse(literal, nullptr, /*allow_exceptions=*/false);
      if (right.is_discarded()) unsupported(path, condition, "a value that is not a JSON literal");
      std::optional<json> left =
          key.empty() ? std::optional<json>(element) : gjson_get(element, key);
      return left && compare(*left, std::string(o), right);
    }
  }
  // No operator: GJSON's "the key exists".
  return gjson_get(element, condition).has_value();
}

struct Step {
  json value;
  bool every = false;  // the result of a #(...)# query: a following '.' maps over it
};

std::optional<Step> apply(const json& current, const std::string& part, std::string_view path) {
  if (part == "@this") return Step{current};
  if (part == "#") {
    if (!current.is_array()) return std::nullopt;
    return Step{json(current.size())};
  }
  if (part.size() >= 2 && part.front() == '[' && part.back() == ']') {
    json out = json::array();
    for (const auto& inner : split(std::string_view(part).substr(1, part.size() - 2))) {
      if (inner.separator == '|') unsupported(path, part, "a pipe inside a multipath");
      if (inner.text != "@this") unsupported(path, part, "a multipath other than [@this]");
      out.push_back(current);
    }
    return Step{out};
  }
  if (part.rfind("#(", 0) == 0) {
    const bool every = part.size() >= 4 && part.compare(part.size() - 2, 2, ")#") == 0;
    if (!every && part.back() != ')') unsupported(path, part, "an unterminated query");
    if (!current.is_array()) return std::nullopt;
    const std::string condition = part.substr(2, part.size() - (every ? 4 : 3));
    json matches = json::array();
    for (const auto& element : current)
      if (satisfies(element, condition, path)) {
        if (!every) return Step{element};
        matches.push_back(element);
      }
    if (!every) return std::nullopt;
    return Step{matches, true};
  }
  if (!part.empty() && (part.front() == '@' || part.front() == '!' ||
                        part.find('*') != std::string::npos || part.find('?') != std::string::npos))
    unsupported(path, part, "a modifier or wildcard");
  const std::string name = unescape(part);
  if (current.is_object()) {
    auto it = current.find(name);
    if (it == current.end()) return std::nullopt;
    return Step{*it};
  }
  if (current.is_array() && !name.empty() &&
      name.find_first_not_of("0123456789") == std::string::npos) {
    size_t index = std::stoul(name);
    if (index >= current.size()) return std::nullopt;
    return Step{current[index]};
  }
  return std::nullopt;
}

std::optional<json> walk(const json& current, const std::vector<Component>& parts, size_t i,
                         bool every, std::string_view path) {
  if (i == parts.size()) return current;
  if (every && parts[i].separator == '.') {
    json out = json::array();
    for (const auto& element : current)
      if (auto r = walk(element, parts, i, false, path)) out.push_back(*r);
    return out;
  }
  auto step = apply(current, parts[i].text, path);
  if (!step) return std::nullopt;
  return walk(step->value, parts, i + 1, step->every, path);
}

}  // namespace

std::optional<json> gjson_get(const json& document, std::string_view path) {
  if (path.empty()) return std::nullopt;
  return walk(document, split(path), 0, false, path);
}

std::optional<json> condition_match(const json& object, std::string_view condition) {
  auto result = gjson_get(object, condition);
  if (!result) return std::nullopt;
  if (result->is_object()) return result;
  if (result->is_array() && !result->empty()) return (*result)[0];
  return std::nullopt;
}

}  // namespace sextant::orchestration
