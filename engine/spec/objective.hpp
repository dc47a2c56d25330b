// spec.objective: type, goal, metric names and strategies.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

// Katib's rules (type minimize/maximize, objectiveMetricName set, additional names without the
// objective) plus: goal is a number, metric names unique, strategies name known metrics with
// min/max/latest once each. Every metric ends up with a strategy (Katib's defaulting rule for
// the ones the document lacks).
ObjectiveSpec read_objective(const nlohmann::json* value, const std::string& path,
                             ProblemList& problems);

}  // namespace sextant::engine
