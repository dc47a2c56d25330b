// Reading spec.algorithm and spec.earlyStopping.
#include "engine/spec/algorithm_spec.hpp"

#include <set>

#include "engine/model/search_space.hpp"
#include "engine/spec/field_path.hpp"
#include "engine/spec/field_reader.hpp"

namespace sextant::engine {

std::optional<AlgorithmSpec> read_algorithm_spec(const nlohmann::json* value,
                                                 const std::string& path, bool required,
                                                 ProblemList& problems) {
  FieldReader r(value, path, problems, required ? Need::kRequired : Need::kOptional);
  if (!r.ok()) return std::nullopt;
  r.reject_unknown({"algorithmName", "algorithmSettings"});
  AlgorithmSpec spec;
  if (auto name = r.name("algorithmName")) spec.algorithm_name = *name;
  const auto* settings = r.list("algorithmSettings");
  if (settings == nullptr) return spec;
  std::set<std::string> seen;
  for (size_t i = 0; i < settings->size(); ++i) {
    FieldReader s(&(*settings)[i], path_index(r.field("algorithmSettings"), i), problems);
    if (!s.ok()) continue;
    s.reject_unknown({"name", "value"});
    auto name = s.name("name");
    std::optional<std::string> text;
    if (const auto* v = s.get("value")) {
      if (v->is_string())
        text = v->get<std::string>();
      else if (v->is_number_integer() || v->is_boolean())
        text = v->dump();
      else if (v->is_number_float())
        text = format_double(v->get<double>());
      else
        problems.add(s.field("value"), "expected a string, found " + describe_value(*v));
    } else {
      // Katib's value is a plain string; an absent one is the empty string.
      text = std::string();
    }
    if (!name) continue;
    if (!seen.insert(*name).second) {
      problems.add(s.field("name"), "duplicate setting " + quote(*name));
      continue;
    }
    if (text) spec.settings.push_back({*name, *text});
  }
  return spec;
}

}  // namespace sextant::engine
