// From reported values to Katib's per-metric summary (min, max, latest) and the objective.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::engine {

// Folds one more value (in report order) into a metric summary: numeric values update min and
// max; every value becomes latest (Katib section 5.8).
void fold_value(MetricSummary& summary, const std::string& value);

// Summaries for every metric the objective names, from a trial's stored points.
std::vector<MetricSummary> summarize(const ObjectiveSpec& objective,
                                     const std::vector<ObservationPoint>& points);

// The strategy-selected value of a metric (min/max fall back to latest when unavailable), as
// Katib hands it to algorithms. Empty when the metric was never reported.
std::string strategy_value(const ObjectiveSpec& objective, const std::vector<MetricSummary>& metrics,
                           const std::string& metric);

// Sets trial.observation-derived objective_text and objective (numeric when it parses).
void derive_objective(const ObjectiveSpec& objective, Trial& trial);

// True when `candidate` is strictly better than `incumbent` in the objective's direction.
bool is_better(ObjectiveType type, double candidate, double incumbent);

}  // namespace sextant::engine
