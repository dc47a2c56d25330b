// Method table, registry look-ups, and the in-process Experiment each replay run parses.
#include "bench/early_stopping/methods.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "algorithms/builtin.hpp"
#include "bench/common/replay_support.hpp"
#include "engine/spec/spec_loader.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::bench {

using nlohmann::json;

std::vector<Method> default_methods(int epochs) {
  const std::string max = std::to_string(epochs);
  std::vector<Method> methods;
  methods.push_back({"none", "random", {}, "", {}});
  // Katib's defaults, then the upstream median-stop example's (kubeflow/katib
  // examples/v1beta1/early-stopping/median-stop.yaml).
  methods.push_back({"medianstop(3,4)",
                     "random",
                     {},
                     "medianstop",
                     {{"min_trials_required", "3"}, {"start_step", "4"}}});
  methods.push_back({"medianstop(1,2)",
                     "random",
                     {},
                     "medianstop",
                     {{"min_trials_required", "1"}, {"start_step", "2"}}});
  // ASHA with min_resource 1 (the most aggressive) and 3: epoch-1 accuracy ranks the digits
  // MLPs poorly (performance.md section 5), so a grace period of 3 epochs is the usual choice.
  for (const char* min_resource : {"1", "3"})
    methods.push_back(
        {std::string("asha-rule(min ") + min_resource + ")",
         "random",
         {},
         "asha",
         {{"min_resource", min_resource}, {"max_resource", max}, {"reduction_factor", "3"}}});
  Method hyperband{"hyperband",
                   "hyperband",
                   {{"r_l", max}, {"eta", "3"}, {"resource_name", kEpochsParameter}},
                   "",
                   {}};
  hyperband.resource = hyperband.own_budget = true;
  methods.push_back(hyperband);
  for (const char* min_resource : {"1", "3"}) {
    Method asha{std::string("asha(min ") + min_resource + ")",
                "asha",
                {{"max_resource", max},
                 {"min_resource", min_resource},
                 {"reduction_factor", "3"},
                 {"resource_name", kEpochsParameter}},
                "",
                {}};
    asha.resource = asha.fill_configs = true;
    methods.push_back(asha);
  }
  return methods;
}

const engine::AlgorithmRegistry& algorithm_registry() {
  static const engine::AlgorithmRegistry registry = [] {
    engine::AlgorithmRegistry r;
    algorithms::register_builtin_algorithms(r);
    return r;
  }();
  return registry;
}

const engine::EarlyStopperRegistry& rule_registry() {
  static const engine::EarlyStopperRegistry registry = [] {
    engine::EarlyStopperRegistry r;
    algorithms::register_builtin_early_stopping(r);
    return r;
  }();
  return registry;
}

std::string unavailable_reason(const Method& method) {
  std::string why;
  if (algorithm_registry().find(method.algorithm) == nullptr)
    why = "algorithm \"" + method.algorithm +
          "\" is not registered (registered: " + engine::join_names(algorithm_registry().names()) +
          ")";
  if (!method.rule.empty() && rule_registry().find(method.rule) == nullptr) {
    const auto names = rule_registry().names();
    why += std::string(why.empty() ? "" : "; ") + "early-stopping rule \"" + method.rule +
           "\" is not registered (registered: " +
           (names.empty() ? std::string("none") : engine::join_names(names)) + ")";
  }
  return why;
}

namespace {

json settings_list(const std::vector<Setting>& settings) {
  json list = json::array();
  for (const auto& s : settings) list.push_back({{"name", s.name}, {"value", s.value}});
  return list;
}

json int_parameter(const std::string& name, int min, int max) {
  return {{"name", name},
          {"parameterType", "int"},
          {"feasibleSpace", {{"min", std::to_string(min)}, {"max", std::to_string(max)}}}};
}

}  // namespace

std::string experiment_text(const Method& method, const RunShape& shape) {
  auto algorithm_settings = method.algorithm_settings;
  const auto* factory = algorithm_registry().find(method.algorithm);
  if (factory != nullptr) {
    // Seeded when the algorithm takes Katib's random_state; otherwise its runs are not
    // reproducible, which the report says.
    const auto known = factory->known_settings();
    if (std::find(known.begin(), known.end(), "random_state") != known.end())
      algorithm_settings.push_back({"random_state", std::to_string(shape.seed)});
  }
  json parameters = json::array({int_parameter(kConfigParameter, 0, shape.rows - 1)});
  json trial_parameters = json::array({{{"name", kConfigParameter},
                                        {"description", "row of the table"},
                                        {"reference", kConfigParameter}}});
  // Never run: the replay reads the table instead (the row's train.py command is in its config).
  json command = json::array({"/bin/true", "--config=${trialParameters.config}"});
  if (method.resource) {
    parameters.push_back(int_parameter(kEpochsParameter, 1, shape.epochs));
    trial_parameters.push_back({{"name", kEpochsParameter},
                                {"description", "epochs to train to"},
                                {"reference", kEpochsParameter}});
    command.push_back("--epochs=${trialParameters.epochs}");
  } else {
    command.push_back("--epochs=" + std::to_string(shape.epochs));
  }
  json spec = {{"objective", {{"type", "maximize"}, {"objectiveMetricName", "accuracy"}}},
               {"algorithm",
                {{"algorithmName", method.algorithm},
                 {"algorithmSettings", settings_list(algorithm_settings)}}},
               {"parallelTrialCount", shape.workers},
               {"parameters", parameters},
               {"trialTemplate", replay_trial_template(trial_parameters, command)}};
  if (!method.rule.empty())
    spec["earlyStopping"] = {{"algorithmName", method.rule},
                             {"algorithmSettings", settings_list(method.rule_settings)}};
  if (shape.max_trials) {
    spec["maxTrialCount"] = *shape.max_trials;
    spec["maxFailedTrialCount"] = *shape.max_trials;
  }
  json document = {{"apiVersion", "kubeflow.org/v1beta1"},
                   {"kind", "Experiment"},
                   {"metadata", {{"name", "es-replay"}}},
                   {"spec", spec}};
  return document.dump(2);
}

engine::ExperimentSpec parse_run_spec(const Method& method, const RunShape& shape) {
  engine::SpecCatalog catalog{&algorithm_registry(), &rule_registry()};
  return engine::parse_experiment(experiment_text(method, shape),
                                  "replay-" + method.label + ".yaml", "/nonexistent/replay",
                                  catalog);
}

}  // namespace sextant::bench
