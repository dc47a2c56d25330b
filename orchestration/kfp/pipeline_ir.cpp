// Building and filling Kubeflow Pipelines v2 IR for trials (see pipeline_ir.hpp).
#include "orchestration/kfp/pipeline_ir.hpp"

#include <cmath>

#include "engine/error.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::orchestration {
namespace {

using nlohmann::json;

// The container named `name`, depth first (the same one the local runner would run).
const json* find_container(const json& node, const std::string& name) {
  if (node.is_object()) {
    if (node.contains("containers") && node["containers"].is_array())
      for (const auto& c : node["containers"])
        if (c.is_object() && c.value("name", "") == name) return &c;
    for (const auto& [key, child] : node.items())
      if (const json* found = find_container(child, name)) return found;
  } else if (node.is_array()) {
    for (const auto& child : node)
      if (const json* found = find_container(child, name)) return found;
  }
  return nullptr;
}

json typed_value(const std::string& name, const std::string& type, const std::string& text) {
  auto bad = [&](const char* expected) {
    return Error(ErrorCode::kInvalidArgument, "pipeline parameter \"" + name + "\" is " + type +
                                                  "; \"" + text + "\" is not " + expected);
  };
  if (type == "NUMBER_DOUBLE") {
    auto v = engine::parse_finite_number(text);
    if (!v) throw bad("a number");
    return *v;
  }
  if (type == "NUMBER_INTEGER") {
    auto v = engine::parse_finite_number(text);
    if (!v || std::floor(*v) != *v) throw bad("an integer");
    return static_cast<int64_t>(*v);
  }
  if (type == "BOOLEAN") {
    if (text == "true" || text == "True") return true;
    if (text == "false" || text == "False") return false;
    throw bad("true or false");
  }
  return text;  // STRING, and types sextant passes through as text
}

}  // namespace

json pipeline_for_container(const json& trial_object, const std::string& primary_container_name,
                            const std::string& pipeline_name) {
  const json* container = trial_object.contains("spec")
                              ? find_container(trial_object["spec"], primary_container_name)
                              : nullptr;
  if (!container)
    throw Error(ErrorCode::kInvalidArgument,
                "no container named \"" + primary_container_name + "\" in the trial's " +
                    trial_object.value("kind", std::string("object")) +
                    " to run as a Kubeflow Pipelines step",
                "spec.trialTemplate.primaryContainerName");
  json executor = {{"image", container->value("image", "")}};
  for (const char* key : {"command", "args", "env"})
    if (container->contains(key)) executor[key] = (*container)[key];
  if (container->contains("resources")) {
    const json& limits = (*container)["resources"].value("limits", json::object());
    json resources = json::object();
    if (limits.contains("cpu")) resources["resourceCpuLimit"] = limits["cpu"];
    if (limits.contains("memory")) resources["resourceMemoryLimit"] = limits["memory"];
    if (!resources.empty()) executor["resources"] = resources;
  }
  const std::string step = "trial";
  return {
      {"pipelineInfo", {{"name", pipeline_name}}},
      {"schemaVersion", "2.1.0"},
      {"sdkVersion", "sextant"},
      {"components", {{"comp-" + step, {{"executorLabel", "exec-" + step}}}}},
      {"deploymentSpec", {{"executors", {{"exec-" + step, {{"container", executor}}}}}}},
      {"root",
       {{"dag",
         {{"tasks",
           {{step,
             {{"taskInfo", {{"name", step}}},
              {"componentRef", {{"name", "comp-" + step}}},
              {"cachingOptions", {{"enableCache", false}}}}}}}}}}},
  };
}

json pipeline_for_dag(const Pipeline& pipeline, const std::vector<trials::EnvVar>& env,
                      const std::string& pipeline_name) {
  json components = json::object(), executors = json::object(), tasks = json::object();
  for (const auto& step : pipeline.steps) {
    if (!step.inputs.empty() || !step.outputs.empty())
      throw Error(ErrorCode::kInvalidArgument,
                  "step \"" + step.name + "\" passes values between steps, which a generated "
                  "Kubeflow pipeline cannot express; compile the pipeline with the KFP SDK and "
                  "pass it with --kfp-pipeline",
                  step.field_path);
    // Task and component names in KFP IR are lower-case DNS-like; step names already are.
    const std::string id = step.name;
    json container = {{"image", "sextant-step"}};
    std::vector<std::string> argv = step.command;
    if (step.script) {
      if (argv.empty()) argv = {"sh"};
      argv.push_back("-c");
      argv.push_back(*step.script);
      argv.insert(argv.end(), step.script_args.begin(), step.script_args.end());
    }
    if (argv.empty())
      throw Error(ErrorCode::kInvalidArgument, "step \"" + step.name + "\" has no command",
                  step.field_path);
    container["command"] = json::array({argv.front()});
    container["args"] = json(std::vector<std::string>(argv.begin() + 1, argv.end()));
    json env_list = json::array();
    for (const auto& e : step.env) env_list.push_back({{"name", e.name}, {"value", e.value}});
    for (const auto& e : env) {
      bool set_by_step = false;
      for (const auto& own : step.env) set_by_step = set_by_step || own.name == e.name;
      if (!set_by_step) env_list.push_back({{"name", e.name}, {"value", e.value}});
    }
    container["env"] = env_list;
    components["comp-" + id] = {{"executorLabel", "exec-" + id}};
    executors["exec-" + id] = {{"container", container}};
    tasks[id] = {{"taskInfo", {{"name", id}}},
                 {"componentRef", {{"name", "comp-" + id}}},
                 {"cachingOptions", {{"enableCache", false}}}};
    if (!step.dependencies.empty()) tasks[id]["dependentTasks"] = step.dependencies;
  }
  return {{"pipelineInfo", {{"name", pipeline_name}}},
          {"schemaVersion", "2.1.0"},
          {"sdkVersion", "sextant"},
          {"components", components},
          {"deploymentSpec", {{"executors", executors}}},
          {"root", {{"dag", {{"tasks", tasks}}}}}};
}

json runtime_parameters(const json& pipeline_spec, const std::map<std::string, std::string>& values,
                        const std::map<std::string, std::string>& sextant_values) {
  json declared = json::object();
  if (pipeline_spec.contains("root") && pipeline_spec["root"].contains("inputDefinitions"))
    declared = pipeline_spec["root"]["inputDefinitions"].value("parameters", json::object());
  json out = json::object();
  for (const auto& [name, text] : values) {
    if (!declared.contains(name)) {
      std::string known;
      for (const auto& [k, v] : declared.items()) known += (known.empty() ? "" : ", ") + k;
      throw Error(ErrorCode::kInvalidArgument,
                  "the pipeline declares no parameter \"" + name + "\" for the trial's value (it "
                  "declares: " + (known.empty() ? "none" : known) + ")",
                  "root.inputDefinitions.parameters");
    }
    out[name] = typed_value(name, declared[name].value("parameterType", "STRING"), text);
  }
  for (const auto& [name, text] : sextant_values)
    if (declared.contains(name)) out[name] = text;
  return out;
}

}  // namespace sextant::orchestration
