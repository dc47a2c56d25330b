// Reading a Tekton PipelineRun with an embedded pipelineSpec into a Pipeline.
#include <set>

#include "orchestration/pipeline/reader_support.hpp"

namespace sextant::orchestration::pipeline_detail {
namespace {

using Values = std::map<std::string, std::string>;

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.rfind(prefix, 0) == 0;
}

// Tekton's $(...) substitution. `tasks` (pipeline task params only) lists the tasks whose
// results may be read; such references are recorded in `inputs` and left for the executor.
// Unknown Tekton variables throw; anything else ($(VAR) of the container's env) stays.
std::string resolve(const std::string& text, const std::string& path, const Values& values,
                    const std::set<std::string>* tasks, std::vector<StepInput>& inputs) {
  return substitute(
      text, "$(", ")",
      [&](const std::string& body, const std::string& whole) -> std::optional<std::string> {
        auto it = values.find(body);
        if (it != values.end()) return it->second;
        if (starts_with(body, "tasks.")) {
          if (!tasks)
            fail(path,
                 whole + " is only available in a pipeline task's params; pass it as a param");
          std::string rest = body.substr(6);
          size_t dot = rest.find('.');
          std::string producer = rest.substr(0, dot);
          std::string what = dot == std::string::npos ? "" : rest.substr(dot + 1);
          if (!starts_with(what, "results.") || what.size() <= 8)
            fail(path, whole + ": only $(tasks.NAME.results.RESULT) is supported locally");
          if (!tasks->count(producer))
            fail(path, whole + ": \"" + producer + "\" is not a task of this pipeline");
          inputs.push_back({whole, producer, what.substr(8)});
          return std::nullopt;
        }
        for (const char* reserved :
             {"params.", "params[", "results.", "context.", "workspaces.", "steps.", "step."})
          if (starts_with(body, reserved)) fail(path, "cannot resolve " + whole + " locally");
        return std::nullopt;
      });
}

std::string param_value(const json& item, const std::string& key, const std::string& path) {
  const json* v = member(item, key, path);
  if (v && (v->is_array() || v->is_object()))
    fail(path + "." + key, "array and object params are not supported locally");
  return string_member(item, key, path).value_or("");
}

}  // namespace

Pipeline read_tekton_pipeline_run(const json& object, const PrimarySelector& primary) {
  Pipeline pipeline;
  pipeline.kind = "PipelineRun";
  std::string ns = "default";
  if (const json* metadata = member(object, "metadata", "")) {
    pipeline.name = string_member(*metadata, "name", "metadata").value_or("");
    if (pipeline.name.empty())
      pipeline.name = string_member(*metadata, "generateName", "metadata").value_or("");
    ns = string_member(*metadata, "namespace", "metadata").value_or("default");
  }
  const json* spec = member(object, "spec", "");
  if (!spec) fail("spec", "a PipelineRun needs a spec");
  reject(*spec, "pipelineRef", "spec",
         "pipelineRef is not supported locally: embed the pipeline as spec.pipelineSpec");
  reject(*spec, "workspaces", "spec", "workspaces cannot be mapped locally");
  if (auto timeout = string_member(*spec, "timeout", "spec"))
    pipeline.deadline_seconds = parse_go_duration(*timeout, "spec.timeout");
  if (const json* timeouts = member(*spec, "timeouts", "spec"))
    if (auto t = string_member(*timeouts, "pipeline", "spec.timeouts"))
      pipeline.deadline_seconds = parse_go_duration(*t, "spec.timeouts.pipeline");
  const json* ps = member(*spec, "pipelineSpec", "spec");
  if (!ps) fail("spec.pipelineSpec", "locally a PipelineRun needs an embedded pipelineSpec");
  const std::string pp = "spec.pipelineSpec";
  reject(*ps, "finally", pp, "finally tasks are not supported locally");
  reject(*ps, "workspaces", pp, "workspaces cannot be mapped locally");

  Values run_params;
  const json& params = array_member(*spec, "params", "spec");
  for (size_t i = 0; i < params.size(); ++i) {
    std::string p = "spec.params[" + std::to_string(i) + "]";
    auto name = string_member(params[i], "name", p);
    if (!name) fail(p + ".name", "a param needs a name");
    run_params[*name] = param_value(params[i], "value", p);
  }
  Values values = {{"context.pipelineRun.name", pipeline.name},
                   {"context.pipelineRun.namespace", ns},
                   {"context.pipeline.name", pipeline.name}};
  for (const auto& [k, v] : run_params) values["params." + k] = v;
  const json& declared = array_member(*ps, "params", pp);
  for (size_t i = 0; i < declared.size(); ++i) {
    std::string p = pp + ".params[" + std::to_string(i) + "]";
    auto name = string_member(declared[i], "name", p);
    if (!name) fail(p + ".name", "a param needs a name");
    if (run_params.count(*name)) continue;
    if (!member(declared[i], "default", p))
      fail(p, "pipeline param \"" + *name + "\" gets no value from spec.params and has no default");
    values["params." + *name] = param_value(declared[i], "default", p);
  }

  const json& tasks = array_member(*ps, "tasks", pp);
  std::set<std::string> task_names;
  for (size_t i = 0; i < tasks.size(); ++i)
    if (auto n = string_member(tasks[i], "name", pp + ".tasks[" + std::to_string(i) + "]"))
      task_names.insert(*n);
  std::map<std::string, std::string> last_step;  // task -> its last step's name
  std::vector<bool> first_of_task;               // per step: its deps are still task names
  for (size_t t = 0; t < tasks.size(); ++t) {
    const json& task = tasks[t];
    std::string tp = pp + ".tasks[" + std::to_string(t) + "]";
    auto task_name = string_member(task, "name", tp);
    if (!task_name) fail(tp + ".name", "a task needs a name");
    reject(task, "taskRef", tp, "taskRef is not supported locally: embed the task as taskSpec");
    reject(task, "when", tp, "conditional tasks (when) are not supported locally");
    reject(task, "matrix", tp, "matrix fan-out is not supported locally");
    reject(task, "workspaces", tp, "workspaces cannot be mapped locally");
    reject(task, "pipelineSpec", tp, "nested pipelines are not supported locally");
    std::vector<std::string> run_after = string_list(task, "runAfter", tp);
    for (const auto& r : run_after)
      if (!task_names.count(r))
        fail(tp + ".runAfter", "\"" + r + "\" is not a task of this pipeline");

    std::vector<StepInput> inputs;
    Values task_values = {{"context.pipelineRun.name", pipeline.name},
                          {"context.pipelineRun.namespace", ns},
                          {"context.pipelineTask.retries", "0"},
                          {"context.task.name", *task_name},
                          {"context.taskRun.name", pipeline.name + "-" + *task_name},
                          {"context.taskRun.namespace", ns}};
    Values passed;
    const json& task_params = array_member(task, "params", tp);
    for (size_t i = 0; i < task_params.size(); ++i) {
      std::string p = tp + ".params[" + std::to_string(i) + "]";
      auto name = string_member(task_params[i], "name", p);
      if (!name) fail(p + ".name", "a param needs a name");
      passed[*name] = resolve(param_value(task_params[i], "value", p), p + ".value", values,
                              &task_names, inputs);
    }
    const json* ts = member(task, "taskSpec", tp);
    if (!ts) fail(tp + ".taskSpec", "locally a pipeline task needs an embedded taskSpec");
    std::string tsp = tp + ".taskSpec";
    for (const char* key : {"sidecars", "volumes", "workspaces", "stepTemplate"})
      reject(*ts, key, tsp, std::string(key) + " are not supported locally");
    const json& task_declared = array_member(*ts, "params", tsp);
    for (size_t i = 0; i < task_declared.size(); ++i) {
      std::string p = tsp + ".params[" + std::to_string(i) + "]";
      auto name = string_member(task_declared[i], "name", p);
      if (!name) fail(p + ".name", "a param needs a name");
      auto it = passed.find(*name);
      if (it != passed.end()) {
        task_values["params." + *name] = it->second;
      } else if (member(task_declared[i], "default", p)) {
        task_values["params." + *name] = param_value(task_declared[i], "default", p);
      } else {
        fail(p, "task param \"" + *name + "\" gets no value from " + tp +
                    ".params and has no default");
      }
    }
    std::vector<StepOutput> results;
    const json& declared_results = array_member(*ts, "results", tsp);
    for (size_t i = 0; i < declared_results.size(); ++i) {
      std::string p = tsp + ".results[" + std::to_string(i) + "]";
      auto name = string_member(declared_results[i], "name", p);
      if (!name) fail(p + ".name", "a result needs a name");
      std::string path = "/tekton/results/" + *name;
      task_values["results." + *name + ".path"] = path;
      results.push_back({*name, path, std::nullopt});
    }
    std::map<std::string, std::string> pod_labels = {{"tekton.dev/pipelineTask", *task_name},
                                                     {"tekton.dev/pipelineRun", pipeline.name},
                                                     {"tekton.dev/memberOf", "tasks"}};
    if (const json* meta = member(*ts, "metadata", tsp))
      if (const json* labels = member(*meta, "labels", tsp + ".metadata"))
        for (auto& [k, v] : labels->items())
          pod_labels[k] = v.is_string() ? v.get<std::string>() : v.dump();

    const json& steps = array_member(*ts, "steps", tsp);
    if (steps.empty()) fail(tsp + ".steps", "a task needs at least one step");
    std::string previous;
    for (size_t s = 0; s < steps.size(); ++s) {
      std::string sp = tsp + ".steps[" + std::to_string(s) + "]";
      const json& st = steps[s];
      for (const char* key : {"volumeMounts", "envFrom", "workspaces"})
        reject(st, key, sp, std::string(key) + " cannot be mapped locally");
      std::string step_name =
          string_member(st, "name", sp).value_or("unnamed-" + std::to_string(s));
      PipelineStep step;
      step.name = steps.size() == 1 ? *task_name : *task_name + "." + step_name;
      step.group = *task_name;
      step.container = "step-" + step_name;
      step.pod_labels = pod_labels;
      step.field_path = sp;
      std::vector<StepInput> none;
      auto sub = [&](const std::string& text, const std::string& p) {
        return resolve(text, p, task_values, nullptr, none);
      };
      ContainerArgv argv = read_container_argv(st, sp, sub, step);
      step.command = std::move(argv.command);
      step.command.insert(step.command.end(), argv.args.begin(), argv.args.end());
      if (auto script = string_member(st, "script", sp)) {
        if (!step.command.empty())
          fail(sp, "a step has either a script or command/args, not both (as in Tekton)");
        step.script = sub(*script, sp + ".script");
        // Tekton runs a script without "#!" with sh; one with "#!" is executed itself.
        if (step.script->rfind("#!", 0) != 0) step.command = {"sh"};
      } else if (step.command.empty()) {
        fail(sp + ".command",
             "no command: locally the image's entrypoint is not available, so the step must "
             "say what to run");
      }
      step.working_dir = sub(string_member(st, "workingDir", sp).value_or(""), sp + ".workingDir");
      step.inputs = inputs;
      if (previous.empty()) {
        step.dependencies = run_after;  // task names; mapped to their last steps below
      } else {
        step.dependencies = {previous};
      }
      if (s + 1 == steps.size()) step.outputs = results;
      bool labels_ok = labels_match(step.pod_labels, primary.pod_labels);
      bool container_ok =
          primary.container_name.empty() || primary.container_name == step.container;
      step.primary = !(primary.pod_labels.empty() && primary.container_name.empty()) && labels_ok &&
                     container_ok;
      previous = step.name;
      first_of_task.push_back(s == 0);
      pipeline.steps.push_back(std::move(step));
    }
    last_step[*task_name] = previous;
  }
  // Task-level names (runAfter, results) become the producing task's last step.
  for (size_t i = 0; i < pipeline.steps.size(); ++i) {
    auto& step = pipeline.steps[i];
    for (auto& input : step.inputs) input.step = last_step.at(input.step);
    if (first_of_task[i])
      for (auto& dep : step.dependencies) dep = last_step.at(dep);
  }
  return pipeline;
}

}  // namespace sextant::orchestration::pipeline_detail
