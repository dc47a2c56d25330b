// The stopping methods the replay compares, and the Katib Experiment each one runs as.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/ports/algorithm.hpp"
#include "engine/ports/early_stopper.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::bench {

struct Setting {
  std::string name;
  std::string value;
};

// One row of the comparison: an algorithm (by its registry name), optionally an early-stopping
// rule, and how the run's budget is set.
struct Method {
  std::string label;  // row name in the report
  std::string algorithm;
  std::vector<Setting> algorithm_settings;  // random_state is added per seed when known
  std::string rule;                         // spec.earlyStopping.algorithmName; "" = none
  std::vector<Setting> rule_settings;
  bool resource = false;      // multi-fidelity: adds the int parameter `epochs` [1, table epochs]
  bool own_budget = false;    // no maxTrialCount: the algorithm ends the run (Hyperband)
  bool fill_configs = false;  // maxTrialCount raised per seed until `configs` rows are trained
};

// The parameter names of the replay's search space.
inline constexpr const char* kConfigParameter = "config";  // row of the table, [0, rows-1]
inline constexpr const char* kEpochsParameter = "epochs";  // resource: epochs to train to

// none, medianstop (Katib defaults 3/4 and the upstream example's 1/2), asha-rule, hyperband,
// asha; `epochs` is the table's length (27).
std::vector<Method> default_methods(int epochs);

// The registries the replay draws from: every built-in algorithm and rule.
const engine::AlgorithmRegistry& algorithm_registry();
const engine::EarlyStopperRegistry& rule_registry();

// Empty when the method's algorithm and rule are registered; otherwise why it cannot run,
// naming what is registered.
std::string unavailable_reason(const Method& method);

// The Experiment document (JSON text, which the YAML reader accepts) of one run.
struct RunShape {
  uint64_t seed = 0;
  int rows = 0;     // table rows: `config` is in [0, rows-1]
  int epochs = 0;   // table epochs: trials without a resource train this many
  int workers = 4;  // parallelTrialCount
  std::optional<int> max_trials;
};
std::string experiment_text(const Method& method, const RunShape& shape);

// Through engine::parse_experiment with the built-in registries (defaults, Katib's validation,
// the algorithm's and the rule's validate()). Throws SpecError with every problem found.
engine::ExperimentSpec parse_run_spec(const Method& method, const RunShape& shape);

}  // namespace sextant::bench
