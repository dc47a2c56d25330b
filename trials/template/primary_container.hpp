// Reading the primary container (command, env, working dir, time limit) out of a trial object.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sextant::trials {

struct EnvVar {
  std::string name;
  std::string value;
  bool operator==(const EnvVar&) const = default;
};

// What a local run needs from the primary container of a rendered trial object.
struct PrimaryContainer {
  std::vector<std::string> command;  // command then args, $(VAR) references expanded
  std::vector<EnvVar> env;           // the container's env list, in order, values expanded
  std::string working_dir;           // "" when not set
  std::optional<int64_t> active_deadline_seconds;
  std::vector<std::string> notes;  // what was ignored locally (valueFrom, envFrom), for the log
};

// Finds the container named `primary_container_name` and reads it with Kubernetes semantics:
// args are appended to command; $(VAR) in command, args and env values expands to the
// container's env (earlier entries only, for env), $$ is a literal $, unknown references stay.
// - batch Job: spec.template.spec.containers; the time limit is the smaller of the Job's and
//   the pod template's activeDeadlineSeconds.
// - Argo Workflow, Tekton PipelineRun: error (they have no single primary container; the local
//   runner runs them as pipelines through orchestration/pipeline instead).
// - Any other kind (PyTorchJob, TFJob, XGBoostJob, MPIJob, custom resources): the first
//   container with that name in a depth-first walk of the object (keys in sorted order, so
//   PyTorchJob's Master comes before Worker), so a training-operator spec runs as one process;
//   the time limit is spec.runPolicy.activeDeadlineSeconds or the enclosing pod spec's.
// env entries with valueFrom and envFrom sources cannot be resolved locally; they are skipped
// with a note. Throws sextant::Error (kInvalidArgument) naming the field: container not found,
// no command ("locally the image entrypoint is not available"), malformed fields.
PrimaryContainer primary_container(const nlohmann::json& trial_object,
                                   const std::string& primary_container_name);

// primary_container(...).command.
std::vector<std::string> primary_command(const nlohmann::json& trial_object,
                                         const std::string& primary_container_name);

// Kubernetes $(VAR) expansion over `vars`.
std::string expand_kubernetes_references(const std::string& text,
                                         const std::map<std::string, std::string>& vars);

}  // namespace sextant::trials
