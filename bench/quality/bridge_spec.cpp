// Setup line -> ExperimentSpec -> validate() -> create(), with the engine's own readers.
#include "bench/quality/bridge_spec.hpp"

#include "algorithms/builtin.hpp"
#include "engine/spec/algorithm_spec.hpp"
#include "engine/spec/objective.hpp"
#include "engine/spec/parameters.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::bench {

using nlohmann::json;

const engine::AlgorithmRegistry& builtin_registry() {
  static const engine::AlgorithmRegistry registry = [] {
    engine::AlgorithmRegistry r;
    algorithms::register_builtin_algorithms(r);
    return r;
  }();
  return registry;
}

nlohmann::json describe_registry() {
  const auto& registry = builtin_registry();
  json settings = json::object();
  for (const auto& name : registry.names()) settings[name] = registry.find(name)->known_settings();
  return {{"ok", true}, {"registered", registry.names()}, {"settings", settings}};
}

namespace {

// Settings as Katib's [{name, value}] list; a {name: value} map is accepted for convenience.
json katib_settings(const json& settings) {
  if (!settings.is_object()) return settings;  // a list, or something the reader rejects
  json list = json::array();
  for (const auto& [name, value] : settings.items())
    list.push_back({{"name", name}, {"value", value.is_string() ? value : json(value.dump())}});
  return list;
}

BridgeSetup failed(BridgeSetup setup, std::string error) {
  setup.algorithm.reset();
  setup.error = std::move(error);
  return setup;
}

}  // namespace

BridgeSetup make_algorithm(const json& setup) {
  BridgeSetup out;
  if (!setup.is_object()) return failed(std::move(out), "the setup line must be a JSON object");
  for (const auto& [key, value] : setup.items())
    if (key != "op" && key != "algorithm" && key != "settings" && key != "parameters" &&
        key != "objective")
      return failed(std::move(out), "unknown setup field \"" + key +
                                        "\"; expected algorithm, settings, parameters, objective");

  engine::ProblemList problems;
  // The spec sections the algorithms read, through the same readers as a Katib document.
  json algorithm = {{"algorithmName", setup.value("algorithm", json())},
                    {"algorithmSettings", katib_settings(setup.value("settings", json::array()))}};
  if (auto read = engine::read_algorithm_spec(&algorithm, "spec.algorithm", true, problems))
    out.spec.algorithm = *read;
  const json parameters = setup.value("parameters", json());
  out.spec.parameters.parameters = engine::read_parameters(parameters, "spec.parameters", problems);
  const json objective = {{"type", setup.value("objective", json("minimize"))},
                          {"objectiveMetricName", kObjectiveMetric}};
  out.spec.objective = engine::read_objective(&objective, "spec.objective", problems);
  out.spec.name = "quality-bench";
  out.spec.parallel_trial_count = 1;

  const auto& registry = builtin_registry();
  if (problems.empty()) {
    const auto* factory = registry.find(out.spec.algorithm.algorithm_name);
    if (factory == nullptr)
      return failed(std::move(out), "unknown algorithm \"" + out.spec.algorithm.algorithm_name +
                                        "\"; registered: " + engine::join_names(registry.names()));
    problems.add_all(factory->validate(out.spec));
    if (problems.empty()) {
      try {
        out.algorithm = factory->create(out.spec);
      } catch (const std::exception& e) {
        return failed(std::move(out), std::string("create() threw: ") + e.what());
      }
      return out;
    }
  }
  out.problems = problems.items();
  std::string message = "the setup has " + std::to_string(out.problems.size()) + " problem(s):";
  for (const auto& p : out.problems) message += " " + p.path + ": " + p.message + ";";
  return failed(std::move(out), message);
}

}  // namespace sextant::bench
