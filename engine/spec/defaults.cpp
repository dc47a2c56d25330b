// Katib's defaulting rules, applied to the document before it is validated and typed.
#include "engine/spec/defaults.hpp"

#include <set>
#include <string>

namespace sextant::engine {

namespace {

using nlohmann::json;

// kubeflow/katib: pkg/apis/controller/experiments/v1beta1/constants.go
constexpr const char* kJobSuccess = R"(status.conditions.#(type=="Complete")#|#(status=="True")#)";
constexpr const char* kJobFailure = R"(status.conditions.#(type=="Failed")#|#(status=="True")#)";
constexpr const char* kKubeflowSuccess =
    R"(status.conditions.#(type=="Succeeded")#|#(status=="True")#)";
constexpr const char* kDefaultMetricsFile = "/var/log/katib/metrics.log";
constexpr const char* kDefaultTfEventDir = "/var/log/katib/tfevent/";
constexpr const char* kDefaultPrometheusPath = "/metrics";
constexpr int kDefaultPrometheusPort = 8080;

// Go's "field is nil or empty": absent, null, or (for strings) "".
bool unset(const json& object, const char* key) {
  auto it = object.find(key);
  return it == object.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty());
}

// The map at object[key], created when absent or null; nullptr when something else is there.
json* child_map(json& object, const char* key) {
  auto& v = object[key];
  if (v.is_null()) v = json::object();
  return v.is_object() ? &v : nullptr;
}

void default_objective(json& objective) {
  auto type = objective.value("type", json()).is_string() ? objective["type"].get<std::string>()
                                                          : std::string();
  // Katib: min for minimize, max for maximize, latest otherwise; additional metrics get the
  // same rule (the Go comment says "latest", the code uses the objective type).
  std::string rule = type == "minimize" ? "min" : type == "maximize" ? "max" : "latest";
  auto& strategies = objective["metricStrategies"];
  if (strategies.is_null()) strategies = json::array();
  if (!strategies.is_array()) return;
  std::set<std::string> have;
  for (const auto& s : strategies)
    if (s.is_object() && s.contains("name") && s["name"].is_string())
      have.insert(s["name"].get<std::string>());
  std::vector<std::string> metrics;
  if (objective.contains("objectiveMetricName") && objective["objectiveMetricName"].is_string())
    metrics.push_back(objective["objectiveMetricName"].get<std::string>());
  if (objective.contains("additionalMetricNames") && objective["additionalMetricNames"].is_array())
    for (const auto& m : objective["additionalMetricNames"])
      if (m.is_string()) metrics.push_back(m.get<std::string>());
  for (const auto& m : metrics)
    if (!m.empty() && have.insert(m).second) strategies.push_back({{"name", m}, {"value", rule}});
  if (strategies.empty()) objective.erase("metricStrategies");
}

void default_trial_template(json& trial_template) {
  auto it = trial_template.find("trialSpec");
  if (it == trial_template.end() || !it->is_object()) return;  // ConfigMap sources: not defaulted
  auto kind_it = it->find("kind");
  if (kind_it == it->end() || !kind_it->is_string()) return;
  const auto kind = kind_it->get<std::string>();
  const char* success = nullptr;
  const char* failure = kJobFailure;
  json labels;
  if (kind == "Job") {
    success = kJobSuccess;
  } else if (kind == "TFJob" || kind == "PyTorchJob" || kind == "XGBoostJob" || kind == "MPIJob") {
    success = kKubeflowSuccess;
    labels = {{"training.kubeflow.org/job-role", "master"}};
  } else if (kind == "TrainJob") {
    success = kJobSuccess;
    labels = {{"jobset.sigs.k8s.io/replicatedjob-name", "node"},
              {"batch.kubernetes.io/job-completion-index", "0"}};
  } else {
    return;
  }
  if (unset(trial_template, "successCondition")) trial_template["successCondition"] = success;
  if (unset(trial_template, "failureCondition")) trial_template["failureCondition"] = failure;
  auto labels_it = trial_template.find("primaryPodLabels");
  if (!labels.is_null() && (labels_it == trial_template.end() || labels_it->is_null()))
    trial_template["primaryPodLabels"] = labels;
}

void default_metrics_collector(json& spec) {
  json* collector_spec = child_map(spec, "metricsCollectorSpec");
  if (collector_spec == nullptr) return;
  auto& collector = (*collector_spec)["collector"];
  if (collector.is_null()) collector = {{"kind", "StdOut"}};
  if (!collector.is_object() || !collector.contains("kind") || !collector["kind"].is_string())
    return;
  const auto kind = collector["kind"].get<std::string>();
  if (kind != "File" && kind != "TensorFlowEvent" && kind != "PrometheusMetric") return;
  json* source = child_map(*collector_spec, "source");
  if (source == nullptr) return;
  if (kind == "PrometheusMetric") {
    if (unset(*source, "httpGet"))
      (*source)["httpGet"] = {{"path", kDefaultPrometheusPath}, {"port", kDefaultPrometheusPort}};
    return;
  }
  if (kind == "TensorFlowEvent") {
    if (unset(*source, "fileSystemPath"))
      (*source)["fileSystemPath"] = {{"kind", "Directory"}, {"path", kDefaultTfEventDir}};
    return;
  }
  if (unset(*source, "fileSystemPath"))
    (*source)["fileSystemPath"] = {{"kind", "File"}, {"path", kDefaultMetricsFile}};
  auto& fs = (*source)["fileSystemPath"];
  if (fs.is_object() && unset(fs, "format")) fs["format"] = "TEXT";
}

void default_parameters(json& spec) {
  auto it = spec.find("parameters");
  if (it == spec.end() || !it->is_array()) return;
  for (auto& p : *it) {
    if (!p.is_object()) continue;
    auto fs = p.find("feasibleSpace");
    // An absent feasibleSpace stays absent so that it is reported, rather than hidden behind a
    // defaulted distribution as in Katib.
    if (fs == p.end() || !fs->is_object()) continue;
    if (unset(*fs, "distribution")) (*fs)["distribution"] = "uniform";
  }
}

}  // namespace

void apply_katib_defaults(json& document) {
  if (!document.is_object()) return;
  if (json* metadata = child_map(document, "metadata"))
    if (unset(*metadata, "namespace")) (*metadata)["namespace"] = "default";
  auto spec_it = document.find("spec");
  if (spec_it == document.end() || !spec_it->is_object()) return;
  json& spec = *spec_it;
  if (unset(spec, "parallelTrialCount")) spec["parallelTrialCount"] = 3;
  if (unset(spec, "resumePolicy")) spec["resumePolicy"] = "Never";
  if (auto o = spec.find("objective"); o != spec.end() && o->is_object()) default_objective(*o);
  if (auto t = spec.find("trialTemplate"); t != spec.end() && t->is_object())
    default_trial_template(*t);
  default_metrics_collector(spec);
  default_parameters(spec);
}

}  // namespace sextant::engine
