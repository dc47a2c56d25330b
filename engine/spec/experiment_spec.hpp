// The Katib v1beta1 Experiment spec, typed, after defaulting and validation.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model/search_space.hpp"

namespace sextant::engine {

enum class ObjectiveType { kMinimize, kMaximize };
enum class MetricStrategy { kMin, kMax, kLatest };

const char* to_string(ObjectiveType type);          // "minimize" | "maximize"
const char* to_string(MetricStrategy strategy);     // "min" | "max" | "latest"

struct ObjectiveSpec {
  ObjectiveType type = ObjectiveType::kMinimize;
  std::optional<double> goal;
  std::string objective_metric_name;
  std::vector<std::string> additional_metric_names;
  // After defaulting every metric (objective and additional) has an entry.
  std::vector<std::pair<std::string, MetricStrategy>> metric_strategies;

  MetricStrategy strategy_for(const std::string& metric) const;
  // Objective first, then the additional metrics: the metrics a collector looks for.
  std::vector<std::string> all_metric_names() const;
};

struct AlgorithmSetting {
  std::string name;
  std::string value;
};

struct AlgorithmSpec {
  std::string algorithm_name;
  std::vector<AlgorithmSetting> settings;

  const std::string* setting(const std::string& name) const {
    for (const auto& s : settings)
      if (s.name == name) return &s.value;
    return nullptr;
  }
};

enum class CollectorKind { kStdOut, kFile, kTensorFlowEvent, kPrometheusMetric, kCustom, kPush };
enum class FileFormat { kText, kJson };
const char* to_string(CollectorKind kind);  // Katib spelling: "StdOut", "File", ...
const char* to_string(FileFormat format);   // "TEXT" | "JSON"

struct MetricsCollectorSpec {
  CollectorKind kind = CollectorKind::kStdOut;
  std::string file_path;            // source.fileSystemPath.path (absolute, as in the container)
  std::string file_path_kind;       // "File" | "Directory"
  FileFormat format = FileFormat::kText;
  std::vector<std::string> filters; // source.filter.metricsFormat; empty = Katib's default regex
};

struct TrialParameterSpec {
  std::string name;
  std::string description;
  std::string reference;
};

struct ConfigMapSource {
  std::string config_map_name;
  std::string config_map_namespace;
  std::string template_path;
};

struct TrialTemplate {
  bool retain = false;
  std::optional<nlohmann::json> trial_spec;   // inline Kubernetes object
  std::optional<ConfigMapSource> config_map;  // template from a ConfigMap
  std::vector<TrialParameterSpec> trial_parameters;
  std::map<std::string, std::string> primary_pod_labels;
  std::string primary_container_name;
  std::string success_condition;
  std::string failure_condition;
};

// spec.promotion, a sextant extension (Katib has no such field): after the experiment succeeds,
// its best trial's model is promoted when it beats the production version by `margin`.
struct PromotionSpec {
  std::string model;               // registry and served name (a DNS-1123 label)
  std::string target = "local";    // "local" | "kserve"
  double margin = 0;               // objective units, absolute, >= 0
  int canary_traffic_percent = 0;  // kserve: 1..99 first, then all; 0 = all at once
  std::string serving_url;         // local: the running `sextant serve` ("" = the default one)
};

struct ExperimentSpec {
  std::string name;
  std::string namespace_name = "default";
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;

  SearchSpace parameters;
  ObjectiveSpec objective;
  AlgorithmSpec algorithm;
  std::optional<AlgorithmSpec> early_stopping;
  TrialTemplate trial_template;
  int parallel_trial_count = 3;
  std::optional<int> max_trial_count;
  std::optional<int> max_failed_trial_count;
  MetricsCollectorSpec metrics_collector;
  std::string resume_policy = "Never";
  std::optional<nlohmann::json> nas_config;
  std::optional<PromotionSpec> promotion;  // sextant extension; absent in Katib specs

  // The whole Experiment object after Katib's defaulting: what `validate -o yaml|json`
  // prints and what the store keeps. The typed fields above are derived from it.
  nlohmann::json document;
  // Where the spec came from; relative trial commands resolve against code_dir.
  std::string source_file;
  std::filesystem::path code_dir;
};

}  // namespace sextant::engine
