// Reading an Argo Workflow (dag, steps, container and script templates) into a Pipeline.
#include <set>

#include "orchestration/pipeline/reader_support.hpp"

namespace sextant::orchestration::pipeline_detail {
namespace {

using Values = std::map<std::string, std::string>;

// What `{{tasks.X...}}` / `{{steps.X...}}` may refer to where a reference is read.
struct Scope {
  std::string prefix;                  // "tasks" (dag), "steps" (steps template), "" (leaf)
  const std::set<std::string>* known;  // producers that run before the consumer
};

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Substitutes `values` in `text`; records run-time references to earlier steps in `inputs`
// (left in place for the executor); throws on references that cannot be resolved.
std::string resolve(const std::string& text, const std::string& path, const Values& values,
                    const Scope& scope, std::vector<StepInput>& inputs) {
  return substitute(
      text, "{{", "}}",
      [&](const std::string& body, const std::string& whole) -> std::optional<std::string> {
        auto it = values.find(body);
        if (it != values.end()) return it->second;
        if (starts_with(body, "="))
          fail(path, "expression templates (" + whole + ") are not supported locally");
        if (starts_with(body, "tasks.") || starts_with(body, "steps.")) {
          std::string prefix = body.substr(0, body.find('.'));
          if (scope.prefix.empty())
            fail(path, whole +
                           " is only available in the dag or steps template that runs this one; "
                           "pass it as an argument");
          if (prefix != scope.prefix)
            fail(path, whole + ": in a " + (scope.prefix == "tasks" ? "dag" : "steps") +
                           " template, refer to other steps as {{" + scope.prefix + ".NAME...}}");
          std::string rest = body.substr(prefix.size() + 1);
          size_t dot = rest.find('.');
          std::string producer = rest.substr(0, dot);
          std::string what = dot == std::string::npos ? "" : rest.substr(dot + 1);
          std::string output;
          if (what == "outputs.result") {
            output = "";
          } else if (starts_with(what, "outputs.parameters.") &&
                     what.size() > std::string("outputs.parameters.").size()) {
            output = what.substr(std::string("outputs.parameters.").size());
          } else {
            fail(path, whole +
                           ": only outputs.result and outputs.parameters.NAME of another step "
                           "are supported locally");
          }
          if (!scope.known->count(producer))
            fail(path, whole + ": \"" + producer + "\" is not a step that runs before this one");
          inputs.push_back({whole, producer, output});
          return std::nullopt;
        }
        for (const char* reserved : {"inputs.", "workflow.", "outputs.", "item", "pod.", "node.",
                                     "retries", "steps", "tasks", "status", "lastRetry."})
          if (starts_with(body, reserved)) fail(path, "cannot resolve " + whole + " locally");
        return std::nullopt;  // not an Argo variable: left as written
      });
}

// Parameters of the form [{name, value}] into `values` under `prefix`.
void read_parameters(const json& list, const std::string& path, const std::string& prefix,
                     Values& values) {
  for (size_t i = 0; i < list.size(); ++i) {
    std::string p = path + "[" + std::to_string(i) + "]";
    auto name = string_member(list[i], "name", p);
    if (!name) fail(p + ".name", "a parameter needs a name");
    auto value = string_member(list[i], "value", p);
    if (!value) value = string_member(list[i], "default", p);
    if (!value) {
      reject(list[i], "valueFrom", p, "valueFrom in workflow arguments is not supported locally");
      fail(p, "parameter \"" + *name + "\" has no value");
    }
    values[prefix + *name] = *value;
  }
}

class ArgoReader {
 public:
  ArgoReader(const json& object, const PrimarySelector& primary)
      : object_(object), primary_(primary) {}

  Pipeline read() {
    Pipeline pipeline;
    pipeline.kind = "Workflow";
    const json* metadata = member(object_, "metadata", "");
    if (metadata) {
      pipeline.name = string_member(*metadata, "name", "metadata").value_or("");
      if (pipeline.name.empty())
        pipeline.name = string_member(*metadata, "generateName", "metadata").value_or("");
      workflow_values_["workflow.namespace"] =
          string_member(*metadata, "namespace", "metadata").value_or("default");
    }
    workflow_values_["workflow.name"] = pipeline.name;
    const json* spec = member(object_, "spec", "");
    if (!spec) fail("spec", "a Workflow needs a spec");
    reject(*spec, "workflowTemplateRef", "spec",
           "workflowTemplateRef is not supported locally: put the templates in the Workflow");
    reject(*spec, "onExit", "spec", "exit handlers are not supported locally");
    reject(*spec, "volumeClaimTemplates", "spec", "volume claims cannot be mapped locally");
    if (const json* args = member(*spec, "arguments", "spec")) {
      reject(*args, "artifacts", "spec.arguments", "artifacts are not supported locally");
      read_parameters(array_member(*args, "parameters", "spec.arguments"),
                      "spec.arguments.parameters", "workflow.parameters.", workflow_values_);
    }
    if (auto deadline = string_member(*spec, "activeDeadlineSeconds", "spec"))
      pipeline.deadline_seconds = std::stoll(*deadline);
    const json& templates = array_member(*spec, "templates", "spec");
    for (size_t i = 0; i < templates.size(); ++i) {
      std::string p = "spec.templates[" + std::to_string(i) + "]";
      auto name = string_member(templates[i], "name", p);
      if (!name) fail(p + ".name", "a template needs a name");
      templates_[*name] = {&templates[i], p};
    }
    auto entry = string_member(*spec, "entrypoint", "spec");
    if (!entry) fail("spec.entrypoint", "a Workflow needs an entrypoint");
    auto it = templates_.find(*entry);
    if (it == templates_.end()) fail("spec.entrypoint", "no template is named \"" + *entry + "\"");
    const auto& [tpl, path] = it->second;
    // The entrypoint's own inputs take the workflow's arguments of the same name.
    Values entry_values = workflow_values_;
    const json* entry_inputs = member(*tpl, "inputs", path);
    if (entry_inputs) {
      const json& params = array_member(*entry_inputs, "parameters", path + ".inputs");
      for (size_t i = 0; i < params.size(); ++i) {
        std::string p = path + ".inputs.parameters[" + std::to_string(i) + "]";
        auto name = string_member(params[i], "name", p).value_or("");
        auto arg = workflow_values_.find("workflow.parameters." + name);
        auto value = arg != workflow_values_.end() ? std::optional(arg->second)
                                                   : string_member(params[i], "value", p);
        if (!value) value = string_member(params[i], "default", p);
        if (!value) fail(p, "input parameter \"" + name + "\" has no value");
        entry_values["inputs.parameters." + name] = *value;
      }
    }
    if (member(*tpl, "dag", path)) {
      read_dag(*member(*tpl, "dag", path), path + ".dag", entry_values, pipeline);
    } else if (member(*tpl, "steps", path)) {
      read_steps(*member(*tpl, "steps", path), path + ".steps", entry_values, pipeline);
    } else {
      Values arguments;
      for (const auto& [key, value] : entry_values)
        if (starts_with(key, "inputs.")) arguments[key] = value;
      pipeline.steps.push_back(leaf(*entry, *entry, arguments, {}, {}, "spec.entrypoint"));
    }
    return pipeline;
  }

 private:
  struct Call {
    std::string name, template_name, path;
    Values arguments;  // "inputs.parameters.x" -> value, resolved in the caller's scope
    std::vector<StepInput> inputs;
    std::vector<std::string> dependencies;
  };

  // A dag task or a step: its name, template and arguments.
  Call read_call(const json& item, const std::string& path, const Values& values,
                 const Scope& scope) {
    Call call;
    call.path = path;
    auto name = string_member(item, "name", path);
    if (!name) fail(path + ".name", "needs a name");
    call.name = *name;
    reject(item, "templateRef", path,
           "templateRef is not supported locally: copy the template into spec.templates");
    reject(item, "inline", path, "inline templates are not supported locally");
    for (const char* loop : {"withItems", "withParam", "withSequence"})
      reject(item, loop, path, "loops are not supported locally");
    reject(item, "when", path, "conditional steps (when) are not supported locally");
    reject(item, "continueOn", path, "continueOn is not supported locally");
    reject(item, "onExit", path, "exit handlers are not supported locally");
    reject(item, "hooks", path, "lifecycle hooks are not supported locally");
    auto tpl = string_member(item, "template", path);
    if (!tpl) fail(path + ".template", "needs a template");
    call.template_name = *tpl;
    if (const json* args = member(item, "arguments", path)) {
      reject(*args, "artifacts", path + ".arguments", "artifacts are not supported locally");
      const json& params = array_member(*args, "parameters", path + ".arguments");
      for (size_t i = 0; i < params.size(); ++i) {
        std::string p = path + ".arguments.parameters[" + std::to_string(i) + "]";
        auto pname = string_member(params[i], "name", p);
        if (!pname) fail(p + ".name", "a parameter needs a name");
        auto value = string_member(params[i], "value", p);
        if (!value) {
          reject(params[i], "valueFrom", p, "valueFrom in arguments is not supported locally");
          fail(p + ".value", "parameter \"" + *pname + "\" has no value");
        }
        call.arguments["inputs.parameters." + *pname] =
            resolve(*value, p + ".value", values, scope, call.inputs);
      }
    }
    return call;
  }

  void read_dag(const json& dag, const std::string& path, const Values& values,
                Pipeline& pipeline) {
    reject(dag, "target", path, "dag targets are not supported locally");
    const json& tasks = array_member(dag, "tasks", path);
    std::set<std::string> names;
    for (size_t i = 0; i < tasks.size(); ++i)
      if (auto n = string_member(tasks[i], "name", path + ".tasks[" + std::to_string(i) + "]"))
        names.insert(*n);
    Scope scope{"tasks", &names};
    for (size_t i = 0; i < tasks.size(); ++i) {
      std::string p = path + ".tasks[" + std::to_string(i) + "]";
      Call call = read_call(tasks[i], p, values, scope);
      call.dependencies = string_list(tasks[i], "dependencies", p);
      if (auto depends = string_member(tasks[i], "depends", p))
        for (auto& d : parse_depends(*depends, p + ".depends")) call.dependencies.push_back(d);
      pipeline.steps.push_back(
          leaf(call.name, call.template_name, call.arguments, call.inputs, call.dependencies, p));
    }
  }

  // `depends` in its plain form: "a && b.Succeeded" (all must succeed).
  static std::vector<std::string> parse_depends(const std::string& text, const std::string& path) {
    std::vector<std::string> out;
    size_t pos = 0;
    while (true) {
      size_t amp = text.find("&&", pos);
      std::string term = text.substr(pos, amp == std::string::npos ? std::string::npos : amp - pos);
      while (!term.empty() && term.front() == ' ') term.erase(term.begin());
      while (!term.empty() && term.back() == ' ') term.pop_back();
      const std::string ok = ".Succeeded";
      if (term.size() > ok.size() && term.compare(term.size() - ok.size(), ok.size(), ok) == 0)
        term.resize(term.size() - ok.size());
      if (term.empty() || term.find_first_of("|!().") != std::string::npos)
        fail(path,
             "only the form \"a && b.Succeeded\" is supported locally, found \"" + text + "\"");
      out.push_back(term);
      if (amp == std::string::npos) break;
      pos = amp + 2;
    }
    return out;
  }

  void read_steps(const json& groups, const std::string& path, const Values& values,
                  Pipeline& pipeline) {
    if (!groups.is_array()) fail(path, "expected a list of step groups");
    std::set<std::string> earlier;
    std::vector<std::string> previous_group;
    for (size_t g = 0; g < groups.size(); ++g) {
      std::string gp = path + "[" + std::to_string(g) + "]";
      if (!groups[g].is_array()) fail(gp, "expected a list of steps (a parallel group)");
      Scope scope{"steps", &earlier};
      std::vector<std::string> group;
      for (size_t i = 0; i < groups[g].size(); ++i) {
        std::string p = gp + "[" + std::to_string(i) + "]";
        Call call = read_call(groups[g][i], p, values, scope);
        pipeline.steps.push_back(
            leaf(call.name, call.template_name, call.arguments, call.inputs, previous_group, p));
        group.push_back(call.name);
      }
      for (const auto& n : group) earlier.insert(n);
      previous_group = std::move(group);
    }
  }

  // A step running a container or script template.
  PipelineStep leaf(const std::string& name, const std::string& template_name,
                    const Values& arguments, const std::vector<StepInput>& inputs,
                    const std::vector<std::string>& dependencies, const std::string& call_path) {
    auto it = templates_.find(template_name);
    if (it == templates_.end())
      fail(call_path + ".template", "no template is named \"" + template_name + "\"");
    const auto& [tpl, path] = it->second;
    if (member(*tpl, "dag", path) || member(*tpl, "steps", path))
      fail(path, "template \"" + template_name +
                     "\" is a dag or steps template called from another one; nested "
                     "dag/steps templates are not supported locally");
    for (const char* kind : {"resource", "suspend", "http", "plugin", "data", "containerSet"})
      reject(*tpl, kind, path, std::string(kind) + " templates are not supported locally");
    reject(*tpl, "volumes", path, "volumes cannot be mapped locally");
    reject(*tpl, "initContainers", path, "init containers are not supported locally");
    reject(*tpl, "sidecars", path, "sidecars are not supported locally");

    PipelineStep step;
    step.name = name;
    step.group = name;
    step.container = "main";
    step.field_path = call_path;
    step.dependencies = dependencies;
    step.inputs = inputs;

    Values values = workflow_values_;
    if (const json* in = member(*tpl, "inputs", path)) {
      reject(*in, "artifacts", path + ".inputs", "input artifacts are not supported locally");
      const json& params = array_member(*in, "parameters", path + ".inputs");
      for (size_t i = 0; i < params.size(); ++i) {
        std::string p = path + ".inputs.parameters[" + std::to_string(i) + "]";
        auto pname = string_member(params[i], "name", p);
        if (!pname) fail(p + ".name", "a parameter needs a name");
        std::string key = "inputs.parameters." + *pname;
        auto arg = arguments.find(key);
        std::optional<std::string> value;
        if (arg != arguments.end()) value = arg->second;
        if (!value) value = string_member(params[i], "value", p);
        if (!value) value = string_member(params[i], "default", p);
        if (!value)
          fail(p, "input parameter \"" + *pname + "\" gets no value from " + call_path +
                      ".arguments and has no default");
        values[key] = *value;
      }
    }
    Scope leaf_scope{"", nullptr};
    std::vector<StepInput> unused;
    auto sub = [&](const std::string& text, const std::string& p) {
      return resolve(text, p, values, leaf_scope, unused);
    };

    if (const json* meta = member(*tpl, "metadata", path))
      if (const json* labels = member(*meta, "labels", path + ".metadata"))
        for (auto& [k, v] : labels->items())
          step.pod_labels[k] =
              sub(v.is_string() ? v.get<std::string>() : v.dump(), path + ".metadata.labels." + k);

    const json* container = member(*tpl, "container", path);
    const json* script = member(*tpl, "script", path);
    if (!container && !script)
      fail(path, "template \"" + template_name + "\" has no container or script");
    std::string cpath = path + (container ? ".container" : ".script");
    const json& c = container ? *container : *script;
    reject(c, "volumeMounts", cpath, "volume mounts cannot be mapped locally");
    reject(c, "envFrom", cpath, "envFrom cannot be resolved locally");
    std::string container_name = string_member(c, "name", cpath).value_or("");

    ContainerArgv argv = read_container_argv(c, cpath, sub, step);
    step.command = std::move(argv.command);
    std::vector<std::string> expanded_args = std::move(argv.args);
    if (script) {
      auto source = string_member(c, "source", cpath);
      if (!source) fail(cpath + ".source", "a script template needs a source");
      step.script = sub(*source, cpath + ".source");
      if (step.command.empty())
        fail(cpath + ".command", "a script template needs a command (the interpreter)");
      step.script_args = std::move(expanded_args);
    } else {
      step.command.insert(step.command.end(), expanded_args.begin(), expanded_args.end());
      if (step.command.empty())
        fail(cpath + ".command",
             "no command: locally the image's entrypoint is not available, so the template "
             "must say what to run");
    }
    step.working_dir =
        sub(string_member(c, "workingDir", cpath).value_or(""), cpath + ".workingDir");

    if (const json* out = member(*tpl, "outputs", path)) {
      reject(*out, "artifacts", path + ".outputs", "output artifacts are not supported locally");
      const json& params = array_member(*out, "parameters", path + ".outputs");
      for (size_t i = 0; i < params.size(); ++i) {
        std::string p = path + ".outputs.parameters[" + std::to_string(i) + "]";
        auto pname = string_member(params[i], "name", p);
        if (!pname) fail(p + ".name", "an output parameter needs a name");
        const json* from = member(params[i], "valueFrom", p);
        if (!from) fail(p + ".valueFrom", "only valueFrom.path is supported locally");
        for (const char* other : {"jsonPath", "jqFilter", "parameter", "expression", "event",
                                  "supplied", "configMapKeyRef"})
          reject(*from, other, p + ".valueFrom", "only valueFrom.path is supported locally");
        auto file = string_member(*from, "path", p + ".valueFrom");
        if (!file || file->empty() || file->front() != '/')
          fail(p + ".valueFrom.path", "expected an absolute path in the container");
        StepOutput output{*pname, sub(*file, p + ".valueFrom.path"),
                          string_member(*from, "default", p + ".valueFrom")};
        step.outputs.push_back(std::move(output));
      }
    }

    bool container_ok = primary_.container_name.empty() || primary_.container_name == "main" ||
                        (!container_name.empty() && primary_.container_name == container_name);
    step.primary = !(primary_.pod_labels.empty() && primary_.container_name.empty()) &&
                   labels_match(step.pod_labels, primary_.pod_labels) && container_ok;
    return step;
  }

  const json& object_;
  const PrimarySelector& primary_;
  Values workflow_values_;
  std::map<std::string, std::pair<const json*, std::string>> templates_;
};

}  // namespace

Pipeline read_argo_workflow(const json& object, const PrimarySelector& primary) {
  return ArgoReader(object, primary).read();
}

}  // namespace sextant::orchestration::pipeline_detail
