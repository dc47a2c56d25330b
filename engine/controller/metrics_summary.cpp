// Metric summaries and objective derivation with Katib's strategy rules.
#include "engine/controller/metrics_summary.hpp"

namespace sextant::engine {

bool is_better(ObjectiveType type, double candidate, double incumbent) {
  return type == ObjectiveType::kMinimize ? candidate < incumbent : candidate > incumbent;
}

void fold_value(MetricSummary& summary, const std::string& value) {
  summary.latest = value;
  auto number = parse_finite_number(value);
  if (!number) return;
  auto min = parse_finite_number(summary.min);
  auto max = parse_finite_number(summary.max);
  if (!min || *number < *min) summary.min = value;
  if (!max || *number > *max) summary.max = value;
}

std::vector<MetricSummary> summarize(const ObjectiveSpec& objective,
                                     const std::vector<ObservationPoint>& points) {
  std::vector<MetricSummary> out;
  for (const auto& name : objective.all_metric_names()) {
    MetricSummary summary;
    summary.name = name;
    // Points come ordered by (metric, step); step order is report order.
    for (const auto& p : points)
      if (p.metric == name) fold_value(summary, p.value);
    out.push_back(std::move(summary));
  }
  return out;
}

std::string strategy_value(const ObjectiveSpec& objective, const std::vector<MetricSummary>& metrics,
                           const std::string& metric) {
  for (const auto& m : metrics) {
    if (m.name != metric) continue;
    std::string value;
    switch (objective.strategy_for(metric)) {
      case MetricStrategy::kMin: value = m.min != kUnavailable ? m.min : m.latest; break;
      case MetricStrategy::kMax: value = m.max != kUnavailable ? m.max : m.latest; break;
      case MetricStrategy::kLatest: value = m.latest; break;
    }
    return value == kUnavailable ? std::string() : value;
  }
  return {};
}

void derive_objective(const ObjectiveSpec& objective, Trial& trial) {
  trial.objective_text = strategy_value(objective, trial.observation, objective.objective_metric_name);
  trial.objective = parse_finite_number(trial.objective_text);
}

}  // namespace sextant::engine
