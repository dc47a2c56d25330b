// Collecting spec problems and describing found values.
#include "engine/spec/spec_problems.hpp"

#include <algorithm>

#include "engine/spec/field_path.hpp"

namespace sextant::engine {

void ProblemList::add(std::string path, std::string message) {
  for (const auto& p : items_)
    if (p.path == path && p.message == message) return;
  items_.push_back({std::move(path), std::move(message)});
}

void ProblemList::add_all(const std::vector<SpecProblem>& problems) {
  for (const auto& p : problems) add(p.path, p.message);
}

bool ProblemList::has_under(const std::string& path) const {
  return std::any_of(items_.begin(), items_.end(),
                     [&](const SpecProblem& p) { return path_is_under(p.path, path); });
}

std::string quote(const std::string& text) {
  constexpr size_t kMax = 80;
  std::string shown = text.size() > kMax ? text.substr(0, kMax) : text;
  // nlohmann escapes quotes and control characters the way a reader expects.
  std::string out =
      nlohmann::json(shown).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > kMax) out.insert(out.size() - 1, "...");
  return out;
}

std::string describe_value(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return "string " + quote(value.get<std::string>());
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return "integer " + value.dump();
    case nlohmann::json::value_t::number_float:
      return "number " + value.dump();
    case nlohmann::json::value_t::boolean:
      return std::string("boolean ") + value.dump();
    case nlohmann::json::value_t::null:
      return "null";
    case nlohmann::json::value_t::array:
      return "a list";
    case nlohmann::json::value_t::object:
      return "a map";
    default:
      return "an unsupported value";
  }
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out.empty() ? "(none)" : out;
}

}  // namespace sextant::engine
