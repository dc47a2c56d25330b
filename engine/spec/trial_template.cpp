// Reading and checking spec.trialTemplate.
#include "engine/spec/trial_template.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "engine/spec/field_path.hpp"
#include "engine/spec/field_reader.hpp"

namespace sextant::engine {

namespace {

using nlohmann::json;

constexpr const char* kPlaceholderPrefix = "${trialParameters.";

void scan_text(const std::string& text, const std::string& path, std::vector<PlaceholderUse>& out) {
  const std::string prefix = kPlaceholderPrefix;
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    auto close = text.find('}', at);
    if (close == std::string::npos) break;
    out.push_back({text.substr(at + prefix.size(), close - at - prefix.size()), path});
  }
}

void scan(const json& value, const std::string& path, std::vector<PlaceholderUse>& out) {
  if (value.is_string())
    scan_text(value.get<std::string>(), path, out);
  else if (value.is_array())
    for (size_t i = 0; i < value.size(); ++i) scan(value[i], path_index(path, i), out);
  else if (value.is_object())
    for (const auto& [k, v] : value.items()) {
      scan_text(k, path_key(path, k), out);
      scan(v, path_key(path, k), out);
    }
}

// "${trialSpec.Labels[key]}" -> ("Labels", "key"); plain ones -> ("Name", "").
bool parse_metadata_reference(const std::string& ref, std::string& field, std::string& key) {
  static const std::regex kPlain(R"(^\$\{trialSpec\.(Name|Namespace|Kind|APIVersion)\}$)");
  static const std::regex kKeyed(R"(^\$\{trialSpec\.(Labels|Annotations)\[([^\]]+)\]\}$)");
  std::smatch m;
  if (std::regex_match(ref, m, kPlain)) {
    field = m[1];
    key.clear();
    return true;
  }
  if (std::regex_match(ref, m, kKeyed)) {
    field = m[1];
    key = m[2];
    return true;
  }
  return false;
}

void check_trial_spec(const FieldReader& tt, const json& trial_spec, TrialTemplate& out) {
  ProblemList& problems = tt.problems();
  FieldReader ts(&trial_spec, tt.field("trialSpec"), problems);
  if (!ts.ok()) return;
  auto api_version = ts.name("apiVersion");
  auto kind = ts.name("kind");
  FieldReader metadata(ts.get("metadata"), ts.field("metadata"), problems, Need::kOptional);
  for (const char* key : {"name", "namespace"})
    if (metadata.has(key))
      problems.add(metadata.field(key),
                   "must not be set: each trial's object is named after the trial, in the "
                   "experiment's namespace");
  out.trial_spec = trial_spec;
  // The local runner and the cluster both start the primary container of a batch/v1 Job; a
  // name that matches none of its containers would only fail once trials run.
  if (!api_version || !kind || *api_version != "batch/v1" || *kind != "Job") return;
  const json* containers = nullptr;
  if (trial_spec.contains("spec") && trial_spec["spec"].is_object()) {
    const json& spec = trial_spec["spec"];
    if (spec.contains("template") && spec["template"].is_object() &&
        spec["template"].contains("spec") && spec["template"]["spec"].is_object() &&
        spec["template"]["spec"].contains("containers"))
      containers = &spec["template"]["spec"]["containers"];
  }
  auto containers_path = ts.field("spec") + ".template.spec.containers";
  if (containers == nullptr || !containers->is_array() || containers->empty()) {
    problems.add(containers == nullptr ? ts.path() : containers_path,
                 "a batch/v1 Job needs a non-empty spec.template.spec.containers list");
    return;
  }
  if (out.primary_container_name.empty()) return;
  std::vector<std::string> names;
  for (const auto& c : *containers)
    if (c.is_object() && c.contains("name") && c["name"].is_string())
      names.push_back(c["name"].get<std::string>());
  if (std::find(names.begin(), names.end(), out.primary_container_name) == names.end())
    problems.add(tt.field("primaryContainerName"),
                 "no container named " + quote(out.primary_container_name) + " in " +
                     containers_path + " (found: " + join_names(names) + ")");
}

void check_config_map(const FieldReader& tt, TrialTemplate& out) {
  FieldReader cm(tt.get("configMap"), tt.field("configMap"), tt.problems());
  if (!cm.ok()) return;
  cm.reject_unknown({"configMapName", "configMapNamespace", "templatePath"});
  ConfigMapSource source;
  if (auto v = cm.name("configMapName")) source.config_map_name = *v;
  if (auto v = cm.name("configMapNamespace")) source.config_map_namespace = *v;
  if (auto v = cm.name("templatePath")) source.template_path = *v;
  out.config_map = source;
}

void check_trial_parameters(const FieldReader& tt, TrialTemplate& out) {
  ProblemList& problems = tt.problems();
  const json* list = tt.list("trialParameters", Need::kRequired);
  if (list == nullptr) return;
  std::map<std::string, size_t> names, references;
  const json* labels = nullptr;
  const json* annotations = nullptr;
  if (out.trial_spec && out.trial_spec->contains("metadata") &&
      (*out.trial_spec)["metadata"].is_object()) {
    const json& metadata = (*out.trial_spec)["metadata"];
    if (metadata.contains("labels")) labels = &metadata["labels"];
    if (metadata.contains("annotations")) annotations = &metadata["annotations"];
  }
  for (size_t i = 0; i < list->size(); ++i) {
    FieldReader p(&(*list)[i], path_index(tt.field("trialParameters"), i), problems);
    if (!p.ok()) continue;
    p.reject_unknown({"name", "description", "reference"});
    TrialParameterSpec param;
    auto name = p.name("name");
    auto reference = p.name("reference");
    if (auto description = p.string("description")) param.description = *description;
    if (name) {
      param.name = *name;
      if (name->find_first_of("{}") != std::string::npos)
        problems.add(p.field("name"), "must not contain { or }, found " + quote(*name));
      else if (auto [it, ok] = names.emplace(*name, i); !ok)
        problems.add(p.field("name"), "duplicate trial parameter name " + quote(*name));
    }
    if (reference) {
      param.reference = *reference;
      if (auto [it, ok] = references.emplace(*reference, i); !ok)
        problems.add(p.field("reference"), "duplicate reference " + quote(*reference) + " (also " +
                                               path_index(tt.field("trialParameters"), it->second) +
                                               ")");
      std::string field, key;
      if (reference->rfind("${trialSpec.", 0) == 0) {
        if (!parse_metadata_reference(*reference, field, key)) {
          problems.add(p.field("reference"),
                       "unknown trialSpec reference " + quote(*reference) +
                           "; expected ${trialSpec.Name}, ${trialSpec.Namespace}, "
                           "${trialSpec.Kind}, ${trialSpec.APIVersion}, "
                           "${trialSpec.Labels[key]} or ${trialSpec.Annotations[key]}");
        } else if (!key.empty() && out.trial_spec) {
          const json* map = field == "Labels" ? labels : annotations;
          if (map == nullptr || !map->is_object() || !map->contains(key))
            problems.add(p.field("reference"),
                         "trialSpec.metadata." +
                             std::string(field == "Labels" ? "labels" : "annotations") +
                             " has no key " + quote(key));
        }
      }
    }
    out.trial_parameters.push_back(param);
  }
}

void check_placeholders(const FieldReader& tt, const TrialTemplate& out) {
  if (!out.trial_spec) return;  // a configMap template can only be read on the cluster
  ProblemList& problems = tt.problems();
  auto uses = find_placeholders(*out.trial_spec, tt.field("trialSpec"));
  std::map<std::string, bool> declared;
  // Names with braces were reported already; their placeholders cannot be matched.
  for (const auto& p : out.trial_parameters)
    if (!p.name.empty() && p.name.find_first_of("{}") == std::string::npos)
      declared[p.name] = false;
  for (const auto& use : uses) {
    auto it = declared.find(use.name);
    if (it == declared.end())
      problems.add(use.path, "${trialParameters." + use.name + "} is not declared in " +
                                 tt.field("trialParameters"));
    else
      it->second = true;
  }
  for (size_t i = 0; i < out.trial_parameters.size(); ++i) {
    const auto& name = out.trial_parameters[i].name;
    if (!name.empty() && declared.count(name) && !declared[name])
      problems.add(path_key(path_index(tt.field("trialParameters"), i), "name"),
                   "${trialParameters." + name + "} does not appear in " + tt.field("trialSpec"));
  }
}

}  // namespace

std::vector<PlaceholderUse> find_placeholders(const json& trial_spec, const std::string& path) {
  std::vector<PlaceholderUse> out;
  scan(trial_spec, path, out);
  return out;
}

bool is_metadata_reference(const std::string& reference) {
  std::string field, key;
  return parse_metadata_reference(reference, field, key);
}

TrialTemplate read_trial_template(const json* value, const std::string& path,
                                  ProblemList& problems) {
  TrialTemplate out;
  FieldReader tt(value, path, problems);
  if (!tt.ok()) return out;
  tt.reject_unknown({"retain", "trialSpec", "configMap", "trialParameters", "primaryPodLabels",
                     "primaryContainerName", "successCondition", "failureCondition"});
  out.retain = tt.boolean("retain").value_or(false);
  if (auto name = tt.name("primaryContainerName")) out.primary_container_name = *name;
  out.primary_pod_labels = tt.string_map("primaryPodLabels");

  const json* trial_spec = tt.get("trialSpec");
  bool has_config_map = tt.has("configMap");
  if (trial_spec == nullptr && !has_config_map)
    problems.add(path, "one of trialSpec or configMap is required");
  if (trial_spec != nullptr && has_config_map)
    problems.add(tt.field("configMap"), "must not be set together with trialSpec");
  if (trial_spec != nullptr)
    check_trial_spec(tt, *trial_spec, out);
  else if (has_config_map)
    check_config_map(tt, out);

  for (const char* key : {"successCondition", "failureCondition"}) {
    auto condition = tt.string(key);
    if (condition && !condition->empty()) {
      (key[0] == 's' ? out.success_condition : out.failure_condition) = *condition;
    } else if (!tt.has(key) || condition) {
      problems.add(tt.field(key),
                   "is required: Katib supplies it only for trialSpec kinds Job, TFJob, "
                   "PyTorchJob, XGBoostJob, MPIJob and TrainJob");
    }
  }
  check_trial_parameters(tt, out);
  check_placeholders(tt, out);
  return out;
}

}  // namespace sextant::engine
