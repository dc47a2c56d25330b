// Labels and worker environment on the object a trial runs as (see trial_object.hpp).
#include "orchestration/kubernetes/trial_object.hpp"

#include <cctype>
#include <functional>
#include <vector>

#include "trials/template/render.hpp"

namespace sextant::orchestration {
namespace {

using nlohmann::json;

// Kubernetes label values: at most 63 characters of [A-Za-z0-9._-], alphanumeric at both ends.
// Labels that cannot be one (a trial label holding a long value) are left off the object rather
// than making the API server refuse it.
bool valid_label_value(const std::string& value) {
  if (value.size() > 63) return false;
  if (value.empty()) return true;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(value.front()) || !alnum(value.back())) return false;
  for (char c : value)
    if (!alnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

void add_labels(json& metadata, const std::map<std::string, std::string>& labels) {
  json& target = metadata["labels"];
  if (!target.is_object()) target = json::object();
  for (const auto& [key, value] : labels)
    if (valid_label_value(value)) target[key] = value;
}

void add_env(json& container, const std::vector<std::pair<std::string, std::string>>& env) {
  json& list = container["env"];
  if (!list.is_array()) list = json::array();
  for (const auto& [name, value] : env) {
    bool present = false;
    for (const auto& entry : list)
      if (entry.is_object() && entry.value("name", "") == name) present = true;
    if (!present) list.push_back({{"name", name}, {"value", value}});
  }
}

// Every object named `name` inside a "containers" array or an Argo "container"/"script" template,
// found by a depth-first walk (the same containers the local runner would consider primary).
void for_each_named_container(json& node, const std::string& name,
                              const std::function<void(json&)>& fn) {
  if (node.is_object()) {
    for (auto& [key, child] : node.items()) {
      if (key == "containers" && child.is_array()) {
        for (auto& c : child)
          if (c.is_object() && c.value("name", "") == name) fn(c);
      } else if ((key == "container" || key == "script") && child.is_object() && name == "main") {
        fn(child);  // an Argo template: its pod's container is always "main", whatever its name
      }
      for_each_named_container(child, name, fn);
    }
  } else if (node.is_array()) {
    for (auto& child : node) for_each_named_container(child, name, fn);
  }
}

}  // namespace

json cluster_trial_object(const engine::ExperimentSpec& spec, const std::string& trial,
                          const engine::Assignment& assignment,
                          const std::map<std::string, std::string>& trial_labels,
                          const TrialWorkerEnv& worker_env) {
  json object = trials::render_trial_object(spec, trial, assignment);

  std::map<std::string, std::string> labels = spec.labels;
  for (const auto& [key, value] : trial_labels) labels[key] = value;
  labels[kExperimentLabel] = spec.name;
  labels[kTrialLabel] = trial;
  labels[kManagedByLabel] = kManagedByValue;
  add_labels(object["metadata"], labels);

  const std::map<std::string, std::string> pod_labels{{kExperimentLabel, spec.name},
                                                      {kTrialLabel, trial}};
  const std::string kind = object.value("kind", "");
  const std::string api_version = object.value("apiVersion", "");
  json& body = object["spec"];
  if (body.is_object()) {
    if (api_version.rfind("argoproj.io/", 0) == 0 && kind == "Workflow")
      add_labels(body["podMetadata"], pod_labels);
    else if (body.contains("template") && body["template"].is_object())
      add_labels(body["template"]["metadata"], pod_labels);
  }

  std::vector<std::pair<std::string, std::string>> env{
      {"KATIB_TRIAL_NAME", trial}, {"SEXTANT_EXPERIMENT", spec.name}, {"SEXTANT_TRIAL", trial}};
  if (!worker_env.report_url.empty()) env.emplace_back("SEXTANT_REPORT_URL", worker_env.report_url);
  if (!worker_env.report_token.empty())
    env.emplace_back("SEXTANT_REPORT_TOKEN", worker_env.report_token);
  if (!worker_env.artifact_uri.empty())
    env.emplace_back("SEXTANT_ARTIFACT_URI", worker_env.artifact_uri);
  if (!spec.trial_template.primary_container_name.empty())
    for_each_named_container(body, spec.trial_template.primary_container_name,
                             [&](json& container) { add_env(container, env); });
  return object;
}

std::string trial_selector(const std::string& trial) {
  return std::string(kTrialLabel) + "=" + trial;
}

std::string experiment_selector(const std::string& experiment) {
  return std::string(kExperimentLabel) + "=" + experiment;
}

}  // namespace sextant::orchestration
