// Katib's DARTS settings: checks, and the algorithm-settings / search-space / num-layers texts.
#include "algorithms/darts/darts_settings.hpp"

#include <cmath>
#include <functional>

#include "algorithms/common/settings.hpp"
#include "algorithms/nas/python_json.hpp"
#include "engine/model/search_space.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

using nlohmann::json;
using nlohmann::ordered_json;

ordered_json default_settings() {
  // Katib's get_algorithm_settings, in its order; Python ints stay ints, floats print as repr().
  ordered_json settings = ordered_json::object();
  settings["num_epochs"] = 50;
  settings["w_lr"] = 0.025;
  settings["w_lr_min"] = 0.001;
  settings["w_momentum"] = 0.9;
  settings["w_weight_decay"] = 3e-4;
  settings["w_grad_clip"] = 5.0;
  settings["alpha_lr"] = 3e-4;
  settings["alpha_weight_decay"] = 1e-3;
  settings["batch_size"] = 128;
  settings["num_workers"] = 4;
  settings["init_channels"] = 16;
  settings["print_step"] = 50;
  settings["num_nodes"] = 4;
  settings["stem_multiplier"] = 3;
  return settings;
}

struct Rule {
  const char* expected;                        // for the message
  std::function<bool(const std::string&)> ok;  // Katib's test of the value
};

bool integer_at_least(const std::string& text, int64_t min) {
  auto value = engine::parse_whole_number(text);
  return value && *value >= min;
}

bool number_at_least_zero(const std::string& text) {
  auto value = engine::parse_finite_number(text);
  return value && *value >= 0;
}

// The rule of a known setting; nullptr for names Katib does not check.
const Rule* rule_for(const std::string& name) {
  static const Rule kPositive{"an integer > 0",
                              [](const std::string& t) { return integer_at_least(t, 1); }};
  static const Rule kAtLeastOne{"an integer >= 1",
                                [](const std::string& t) { return integer_at_least(t, 1); }};
  static const Rule kNonNegativeInteger{
      "an integer >= 0", [](const std::string& t) { return integer_at_least(t, 0); }};
  static const Rule kNonNegative{"a number >= 0", number_at_least_zero};
  static const Rule kBatch{"an integer >= 1 or \"None\"", [](const std::string& t) {
                             return t == "None" || integer_at_least(t, 1);
                           }};
  if (name == "num_epochs") return &kPositive;
  if (name == "w_lr" || name == "w_lr_min" || name == "alpha_lr" || name == "w_weight_decay" ||
      name == "alpha_weight_decay" || name == "w_momentum" || name == "w_grad_clip")
    return &kNonNegative;
  if (name == "batch_size") return &kBatch;
  if (name == "num_workers") return &kNonNegativeInteger;
  if (name == "init_channels" || name == "print_step" || name == "num_nodes" ||
      name == "stem_multiplier")
    return &kAtLeastOne;
  return nullptr;
}

std::optional<std::string> text_of(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer() || value.is_number_unsigned()) return value.dump();
  if (value.is_number_float()) return engine::format_double(value.get<double>());
  return std::nullopt;
}

}  // namespace

std::vector<std::string> darts_setting_names() {
  std::vector<std::string> names;
  const ordered_json defaults = default_settings();  // items() refers to it: keep it alive
  for (const auto& [name, value] : defaults.items()) names.push_back(name);
  return names;
}

std::vector<engine::SpecProblem> darts_setting_problems(const engine::AlgorithmSpec& algorithm) {
  std::vector<engine::SpecProblem> problems;
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    const Rule* rule = rule_for(setting.name);
    if (rule == nullptr || rule->ok(setting.value)) continue;
    problems.push_back({setting_value_path(i), setting.name + " must be " + rule->expected +
                                                   " (Katib's DARTS); found \"" + setting.value +
                                                   "\""});
  }
  return problems;
}

std::string darts_settings_text(const engine::AlgorithmSpec& algorithm) {
  ordered_json settings = default_settings();
  // A dict assignment: a known name keeps its place, a new one goes last; values stay strings.
  for (const auto& setting : algorithm.settings)
    settings[setting.name] =
        setting.value == "None" ? ordered_json(nullptr) : ordered_json(setting.value);
  return katib_quoted(python_json_dumps(settings));
}

std::string darts_search_space_text(const json& nas_config) {
  ordered_json names = ordered_json::array();
  const json* operations = nas_config.is_object() && nas_config.contains("operations")
                               ? &nas_config["operations"]
                               : nullptr;
  if (operations != nullptr && operations->is_array()) {
    for (const auto& op : *operations) {
      if (!op.is_object() || !op.contains("operationType")) continue;
      const auto type = text_of(op["operationType"]).value_or("");
      if (type == "skip_connection") {
        names.push_back(type);
        continue;
      }
      // Katib reads only the first parameter (the filter size) of an operation.
      if (!op.contains("parameters") || !op["parameters"].is_array() || op["parameters"].empty())
        continue;
      const json& first = op["parameters"][0];
      if (!first.is_object() || !first.contains("feasibleSpace")) continue;
      const json& space = first["feasibleSpace"];
      if (!space.is_object() || !space.contains("list") || !space["list"].is_array()) continue;
      for (const auto& value : space["list"])
        if (auto f = text_of(value)) names.push_back(type + "_" + *f + "x" + *f);
    }
  }
  return katib_quoted(python_json_dumps(names));
}

std::string darts_num_layers_text(const json& nas_config) {
  if (nas_config.is_object() && nas_config.contains("graphConfig")) {
    const json& graph = nas_config["graphConfig"];
    if (graph.is_object() && graph.contains("numLayers") && graph["numLayers"].is_number_integer())
      return std::to_string(graph["numLayers"].get<int64_t>());
  }
  return "0";
}

}  // namespace sextant::algorithms
