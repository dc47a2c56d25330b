// Rewrites Katib's string-valued numbers into their string form (and goal into a number).
#include "engine/spec/normalize.hpp"

#include "engine/model/search_space.hpp"
#include "engine/spec/field_path.hpp"
#include "engine/spec/number_text.hpp"

namespace sextant::engine {

namespace {

using nlohmann::json;
using Texts = std::map<std::string, std::string>;

void to_text(json& value, const std::string& path, const Texts& texts, bool booleans_too) {
  if (value.is_boolean() && booleans_too) {
    value = value.get<bool>() ? "true" : "false";
    return;
  }
  if (!value.is_number()) return;
  auto it = texts.find(path);
  double ignored = 0;
  if (it != texts.end() && parse_decimal(it->second, ignored))
    value = it->second;
  else if (value.is_number_integer())
    value = value.dump();
  else
    value = format_double(value.get<double>());
}

void normalize_parameters(json& parameters, const std::string& path, const Texts& texts) {
  if (!parameters.is_array()) return;
  for (size_t i = 0; i < parameters.size(); ++i) {
    auto& p = parameters[i];
    if (!p.is_object() || !p.contains("feasibleSpace") || !p["feasibleSpace"].is_object()) continue;
    auto& fs = p["feasibleSpace"];
    auto fs_path = path_key(path_index(path, i), "feasibleSpace");
    for (const char* key : {"min", "max", "step"})
      if (fs.contains(key)) to_text(fs[key], path_key(fs_path, key), texts, false);
    if (fs.contains("list") && fs["list"].is_array()) {
      auto list_path = path_key(fs_path, "list");
      for (size_t k = 0; k < fs["list"].size(); ++k)
        to_text(fs["list"][k], path_index(list_path, k), texts, true);
    }
  }
}

void normalize_settings(json& spec, const char* section, const Texts& texts) {
  if (!spec.contains(section) || !spec[section].is_object()) return;
  auto& algorithm = spec[section];
  if (!algorithm.contains("algorithmSettings") || !algorithm["algorithmSettings"].is_array())
    return;
  auto base = path_key(path_key("spec", section), "algorithmSettings");
  auto& settings = algorithm["algorithmSettings"];
  for (size_t i = 0; i < settings.size(); ++i)
    if (settings[i].is_object() && settings[i].contains("value"))
      to_text(settings[i]["value"], path_key(path_index(base, i), "value"), texts, true);
}

}  // namespace

void normalize_katib_strings(json& document, const Texts& texts) {
  if (!document.is_object() || !document.contains("spec") || !document["spec"].is_object()) return;
  auto& spec = document["spec"];
  if (spec.contains("parameters"))
    normalize_parameters(spec["parameters"], "spec.parameters", texts);
  if (spec.contains("nasConfig") && spec["nasConfig"].is_object() &&
      spec["nasConfig"].contains("operations") && spec["nasConfig"]["operations"].is_array()) {
    auto& operations = spec["nasConfig"]["operations"];
    for (size_t i = 0; i < operations.size(); ++i)
      if (operations[i].is_object() && operations[i].contains("parameters"))
        normalize_parameters(operations[i]["parameters"],
                             path_index("spec.nasConfig.operations", i) + ".parameters", texts);
  }
  normalize_settings(spec, "algorithm", texts);
  normalize_settings(spec, "earlyStopping", texts);
  if (spec.contains("objective") && spec["objective"].is_object()) {
    auto& objective = spec["objective"];
    double goal = 0;
    if (objective.contains("goal") && objective["goal"].is_string() &&
        parse_decimal(objective["goal"].get<std::string>(), goal))
      objective["goal"] = goal;
  }
}

}  // namespace sextant::engine
