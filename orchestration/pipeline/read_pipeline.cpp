// Reading a pipeline object: dispatch by kind, shared field access, ordering and checks.
#include <algorithm>
#include <cctype>
#include <set>

#include "engine/error.hpp"
#include "orchestration/pipeline/pipeline.hpp"
#include "orchestration/pipeline/reader_support.hpp"
#include "trials/template/primary_container.hpp"

namespace sextant::orchestration {
namespace pipeline_detail {

ContainerArgv read_container_argv(const json& c, const std::string& path, const Substitution& sub,
                                  PipelineStep& step) {
  std::map<std::string, std::string> env_values;
  const json& env = array_member(c, "env", path);
  for (size_t i = 0; i < env.size(); ++i) {
    std::string p = path + ".env[" + std::to_string(i) + "]";
    auto name = string_member(env[i], "name", p);
    if (!name) fail(p + ".name", "an env entry needs a name");
    reject(env[i], "valueFrom", p, "valueFrom cannot be resolved locally");
    std::string value = trials::expand_kubernetes_references(
        sub(string_member(env[i], "value", p).value_or(""), p + ".value"), env_values);
    env_values[*name] = value;
    step.env.push_back({*name, value});
  }
  ContainerArgv out;
  for (const char* key : {"command", "args"}) {
    std::vector<std::string> parts = string_list(c, key, path);
    auto& target = std::string(key) == "command" ? out.command : out.args;
    for (size_t i = 0; i < parts.size(); ++i)
      target.push_back(trials::expand_kubernetes_references(
          sub(parts[i], path + "." + key + "[" + std::to_string(i) + "]"), env_values));
  }
  return out;
}

void fail(const std::string& path, const std::string& message) {
  throw Error(ErrorCode::kInvalidArgument, message, path);
}

const json* member(const json& object, const std::string& key, const std::string& path) {
  if (!object.is_object()) fail(path, "expected an object, found " + object.dump());
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return nullptr;
  return &*it;
}

std::optional<std::string> string_member(const json& object, const std::string& key,
                                         const std::string& path) {
  const json* value = member(object, key, path);
  if (!value) return std::nullopt;
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number() || value->is_boolean()) return value->dump();
  fail(path + "." + key, "expected a string, found " + value->dump());
}

std::vector<std::string> string_list(const json& object, const std::string& key,
                                     const std::string& path) {
  std::vector<std::string> out;
  const json& list = array_member(object, key, path);
  for (size_t i = 0; i < list.size(); ++i) {
    const json& item = list[i];
    if (item.is_string())
      out.push_back(item.get<std::string>());
    else if (item.is_number() || item.is_boolean())
      out.push_back(item.dump());
    else
      fail(path + "." + key + "[" + std::to_string(i) + "]",
           "expected a string, found " + item.dump());
  }
  return out;
}

const json& array_member(const json& object, const std::string& key, const std::string& path) {
  static const json kEmpty = json::array();
  const json* value = member(object, key, path);
  if (!value) return kEmpty;
  if (!value->is_array()) fail(path + "." + key, "expected a list, found " + value->dump());
  return *value;
}

void reject(const json& object, const std::string& key, const std::string& path,
            const std::string& why) {
  const json* value = member(object, key, path);
  if (!value || (value->is_array() && value->empty()) || (value->is_object() && value->empty()))
    return;
  fail(path + "." + key, why);
}

std::string substitute(const std::string& text, const std::string& open, const std::string& close,
                       const std::function<std::optional<std::string>(
                           const std::string& body, const std::string& whole)>& lookup) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t at = text.find(open, pos);
    if (at == std::string::npos) break;
    size_t end = text.find(close, at + open.size());
    if (end == std::string::npos) break;
    // The innermost opening before the close: "$(( $(params.n) * 2 ))" holds $(params.n).
    size_t inner = text.rfind(open, end - 1);
    if (inner != std::string::npos && inner > at) at = inner;
    std::string whole = text.substr(at, end + close.size() - at);
    std::string body = text.substr(at + open.size(), end - at - open.size());
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.front())))
      body.erase(body.begin());
    while (!body.empty() && std::isspace(static_cast<unsigned char>(body.back()))) body.pop_back();
    out.append(text, pos, at - pos);
    auto value = lookup(body, whole);
    out += value ? *value : whole;
    pos = end + close.size();
  }
  out.append(text, pos, std::string::npos);
  return out;
}

bool labels_match(const std::map<std::string, std::string>& labels,
                  const std::map<std::string, std::string>& wanted) {
  for (const auto& [key, value] : wanted) {
    auto it = labels.find(key);
    if (it == labels.end() || it->second != value) return false;
  }
  return true;
}

std::optional<int64_t> parse_go_duration(const std::string& text, const std::string& path) {
  if (text == "0" || text.empty()) return std::nullopt;
  double total = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t start = pos;
    while (pos < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[pos])) || text[pos] == '.'))
      ++pos;
    size_t unit_start = pos;
    while (pos < text.size() && std::isalpha(static_cast<unsigned char>(text[pos]))) ++pos;
    std::string number = text.substr(start, unit_start - start);
    std::string unit = text.substr(unit_start, pos - unit_start);
    double scale = unit == "h"    ? 3600
                   : unit == "m"  ? 60
                   : unit == "s"  ? 1
                   : unit == "ms" ? 1e-3
                                  : -1;
    if (number.empty() || scale < 0)
      fail(path, "expected a duration such as 1h30m or 90s, found \"" + text + "\"");
    total += std::stod(number) * scale;
  }
  int64_t seconds = static_cast<int64_t>(total + 0.999);
  if (seconds <= 0) return std::nullopt;
  return seconds;
}

void finish_pipeline(Pipeline& pipeline, const PrimarySelector& primary) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < pipeline.steps.size(); ++i) {
    const auto& step = pipeline.steps[i];
    if (!index.emplace(step.name, i).second)
      fail(step.field_path, "two steps are named \"" + step.name + "\"");
  }
  for (auto& step : pipeline.steps) {
    for (const auto& input : step.inputs)
      if (std::find(step.dependencies.begin(), step.dependencies.end(), input.step) ==
          step.dependencies.end())
        step.dependencies.push_back(input.step);
    for (const auto& dep : step.dependencies) {
      if (!index.count(dep))
        fail(step.field_path, "depends on \"" + dep + "\", which is not a step of this pipeline");
      if (dep == step.name) fail(step.field_path, "depends on itself");
    }
  }
  // Kahn's order, stable: among ready steps the one defined first goes first.
  std::vector<PipelineStep> ordered;
  std::vector<bool> placed(pipeline.steps.size(), false);
  std::set<std::string> done;
  while (ordered.size() < pipeline.steps.size()) {
    bool progressed = false;
    for (size_t i = 0; i < pipeline.steps.size(); ++i) {
      if (placed[i]) continue;
      const auto& deps = pipeline.steps[i].dependencies;
      if (std::all_of(deps.begin(), deps.end(), [&](const auto& d) { return done.count(d); })) {
        placed[i] = true;
        done.insert(pipeline.steps[i].name);
        ordered.push_back(pipeline.steps[i]);
        progressed = true;
      }
    }
    if (!progressed) {
      std::string cycle;
      for (size_t i = 0; i < pipeline.steps.size(); ++i)
        if (!placed[i]) cycle += (cycle.empty() ? "" : ", ") + pipeline.steps[i].name;
      fail(pipeline.kind == "Workflow" ? "spec.templates" : "spec.pipelineSpec.tasks",
           "the dependencies form a cycle among: " + cycle);
    }
  }
  pipeline.steps = std::move(ordered);
  if (primary.pod_labels.empty() && primary.container_name.empty()) return;
  bool any = std::any_of(pipeline.steps.begin(), pipeline.steps.end(),
                         [](const auto& s) { return s.primary; });
  if (!any) {
    std::string labels;
    for (const auto& [k, v] : primary.pod_labels)
      labels += (labels.empty() ? "" : ", ") + k + ": " + v;
    std::string have;
    for (const auto& s : pipeline.steps)
      have += (have.empty() ? "" : ", ") + s.name + " (container " + s.container + ")";
    fail("spec.trialTemplate", "no step of the " + pipeline.kind + " matches primaryPodLabels {" +
                                   labels + "} and primaryContainerName \"" +
                                   primary.container_name +
                                   "\", so no step's output holds the metrics; steps: " + have);
  }
}

}  // namespace pipeline_detail

bool is_pipeline_object(const nlohmann::json& object) {
  if (!object.is_object()) return false;
  auto api = object.value("apiVersion", std::string());
  auto kind = object.value("kind", std::string());
  return (kind == "Workflow" && api.rfind("argoproj.io/", 0) == 0) ||
         (kind == "PipelineRun" && api.rfind("tekton.dev/", 0) == 0);
}

Pipeline read_pipeline(const nlohmann::json& object, const PrimarySelector& primary) {
  if (!is_pipeline_object(object))
    pipeline_detail::fail("kind",
                          "expected an Argo Workflow (argoproj.io) or a Tekton PipelineRun "
                          "(tekton.dev), found " +
                              object.value("apiVersion", std::string("?")) + " " +
                              object.value("kind", std::string("?")));
  Pipeline pipeline = object["kind"] == "Workflow"
                          ? pipeline_detail::read_argo_workflow(object, primary)
                          : pipeline_detail::read_tekton_pipeline_run(object, primary);
  pipeline_detail::finish_pipeline(pipeline, primary);
  return pipeline;
}

}  // namespace sextant::orchestration
