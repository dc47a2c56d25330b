// spec.metricsCollectorSpec: collector kind, file source, filters.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

// Katib's rules: a known kind; File needs fileSystemPath of kind File with an absolute path and
// format TEXT or JSON, and JSON forbids filters; TensorFlowEvent needs a Directory with an
// absolute path and no format; PrometheusMetric needs a positive port and a path starting with
// "/"; Custom needs customCollector; every filter compiles and has two capture groups (metric
// name, value). An absent spec is StdOut with Katib's default regex.
MetricsCollectorSpec read_metrics_collector(const nlohmann::json* value, const std::string& path,
                                            ProblemList& problems);

}  // namespace sextant::engine
