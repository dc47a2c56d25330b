// The quality bench's bridge: from a JSON setup line to an ExperimentSpec and a running Algorithm,
// through the same readers and factory checks the engine uses for a Katib Experiment.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/ports/algorithm.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::bench {

// The built-in algorithms, registered once (algorithms/builtin.hpp).
const engine::AlgorithmRegistry& builtin_registry();

// {"ok":true,"registered":[names],"settings":{name:[known settings]}}: what the driver needs
// to know before setting an algorithm up (whether it takes random_state).
nlohmann::json describe_registry();

// An algorithm made from a setup line, or the reasons it could not be made.
struct BridgeSetup {
  engine::ExperimentSpec spec;
  std::unique_ptr<engine::Algorithm> algorithm;
  std::string error;                          // empty when algorithm is set
  std::vector<engine::SpecProblem> problems;  // spec reader and factory validate() findings
};

// setup = {"algorithm": "tpe",
//          "settings": {"random_state": "3"}   (or [{"name": ..., "value": ...}], Katib's form),
//          "parameters": [ Katib spec.parameters entries ],
//          "objective": "minimize" | "maximize"  (default minimize)}
// Reads parameters, objective and algorithm with the engine's spec readers, then runs the
// factory's validate() and, when it finds nothing, create(). Never throws.
BridgeSetup make_algorithm(const nlohmann::json& setup);

// The metric the bridge reports values under (the spec's objectiveMetricName).
inline constexpr const char* kObjectiveMetric = "objective";

}  // namespace sextant::bench
