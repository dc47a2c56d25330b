// Katib spellings of the spec's enums, and the objective's metric lookups.
#include "engine/spec/experiment_spec.hpp"

namespace sextant::engine {

const char* to_string(ObjectiveType type) {
  return type == ObjectiveType::kMaximize ? "maximize" : "minimize";
}

const char* to_string(MetricStrategy strategy) {
  switch (strategy) {
    case MetricStrategy::kMin:
      return "min";
    case MetricStrategy::kMax:
      return "max";
    case MetricStrategy::kLatest:
      return "latest";
  }
  return "latest";
}

const char* to_string(CollectorKind kind) {
  switch (kind) {
    case CollectorKind::kStdOut:
      return "StdOut";
    case CollectorKind::kFile:
      return "File";
    case CollectorKind::kTensorFlowEvent:
      return "TensorFlowEvent";
    case CollectorKind::kPrometheusMetric:
      return "PrometheusMetric";
    case CollectorKind::kCustom:
      return "Custom";
    case CollectorKind::kPush:
      return "Push";
  }
  return "StdOut";
}

const char* to_string(FileFormat format) {
  return format == FileFormat::kJson ? "JSON" : "TEXT";
}

MetricStrategy ObjectiveSpec::strategy_for(const std::string& metric) const {
  for (const auto& [name, strategy] : metric_strategies)
    if (name == metric) return strategy;
  // Katib's defaulting rule, for a spec built by hand without defaults.
  return type == ObjectiveType::kMaximize ? MetricStrategy::kMax : MetricStrategy::kMin;
}

std::vector<std::string> ObjectiveSpec::all_metric_names() const {
  std::vector<std::string> names;
  names.push_back(objective_metric_name);
  for (const auto& name : additional_metric_names)
    if (name != objective_metric_name) names.push_back(name);
  return names;
}

}  // namespace sextant::engine
