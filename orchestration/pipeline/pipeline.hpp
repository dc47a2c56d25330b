// The pipeline model: steps of an Argo Workflow or a Tekton PipelineRun, as host processes.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "trials/template/primary_container.hpp"

namespace sextant::orchestration {

// A value a step reads at run time from a step that ran before it.
struct StepInput {
  std::string placeholder;  // replaced in command, env and script: "{{tasks.a.outputs.result}}"
  std::string step;         // the producing step (also one of the consumer's dependencies)
  std::string output;       // the producer's output name; "" = its stdout (Argo outputs.result)
};

// A value a step produces in a file (Argo output parameter, Tekton result).
struct StepOutput {
  std::string name;
  // Where the step writes it, as a container path ("/tmp/out.txt", "/tekton/results/x"). The
  // executor maps it to <run_dir>/steps/<group>/<path> and rewrites whole-path occurrences in
  // the step's command, env and script, so the step writes the local file.
  std::string container_path;
  std::optional<std::string> default_value;  // Argo valueFrom.default: used when the file is absent
};

struct PipelineStep {
  std::string name;       // unique; its log is <run_dir>/steps/<name>.log
  std::string group;      // the pod: Argo step/task name, Tekton task; files go to steps/<group>/
  std::string container;  // the container name a cluster gives it: "main", "step-<name>"
  std::map<std::string, std::string> pod_labels;  // labels the cluster's pod would carry
  std::vector<std::string> command;               // argv (command then args); may be empty with
                                                  // a script that starts with "#!"
  std::vector<trials::EnvVar> env;                // added to the run's environment
  std::string working_dir;                        // "" = the code directory
  std::optional<std::string> script;     // written to steps/<group>/<name>.script, run as command +
                                         // file (or exec'd itself when command is empty)
  std::vector<std::string> script_args;  // after the script file (Argo script args)
  std::vector<std::string> dependencies;  // step names that must succeed first
  std::vector<StepInput> inputs;
  std::vector<StepOutput> outputs;
  bool primary = false;    // its output is the trial's (metrics are parsed from it)
  std::string field_path;  // where it is defined, for messages: "spec.templates[1]"
};

// Steps in an order where each comes after its dependencies.
struct Pipeline {
  std::string kind;  // "Workflow" or "PipelineRun"
  std::string name;  // metadata.name
  std::vector<PipelineStep> steps;
  // Argo spec.activeDeadlineSeconds, Tekton spec.timeout / spec.timeouts.pipeline.
  std::optional<int64_t> deadline_seconds;
};

// Katib's rule for the pod and container that hold the metrics (katib.md 1.5): a step is
// primary when its pod carries every one of `pod_labels` (none given: every pod) and its
// container is named `container_name` (an Argo step's container is "main"; its template's
// container.name is accepted too). Both empty: no step is primary.
struct PrimarySelector {
  std::map<std::string, std::string> pod_labels;
  std::string container_name;
};

// True for an Argo Workflow (argoproj.io/*) or a Tekton PipelineRun (tekton.dev/*).
bool is_pipeline_object(const nlohmann::json& object);

// Reads a rendered Argo Workflow or Tekton PipelineRun into a Pipeline.
// Argo: the entrypoint is a dag (tasks, dependencies, `depends` as `a && b.Succeeded`), a steps
// template (groups run one after another, the steps of a group in parallel) or a single
// container/script template; tasks refer to container or script templates;
// spec.arguments.parameters, inputs.parameters (with defaults), {{workflow.parameters.x}},
// {{workflow.name}}, {{inputs.parameters.x}}, {{tasks|steps.X.outputs.parameters.y}} and
// {{tasks|steps.X.outputs.result}}; output parameters with valueFrom.path (and default).
// Tekton: spec.pipelineSpec with tasks carrying an embedded taskSpec (steps with
// command/args/script/env/workingDir, params with defaults, results), runAfter, spec.params,
// $(params.x), $(tasks.X.results.y), $(results.y.path), $(context.pipelineRun.name).
// Anything else that changes what runs (templateRef, taskRef, loops, conditions, volumes,
// workspaces, artifacts, nested dag/steps templates, unknown references) throws sextant::Error
// (kInvalidArgument) naming the field path. Also throws when a selector is given and no step
// matches it, or when the steps do not form a DAG.
Pipeline read_pipeline(const nlohmann::json& object, const PrimarySelector& primary);

}  // namespace sextant::orchestration
