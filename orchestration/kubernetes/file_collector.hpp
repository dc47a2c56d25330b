// Katib's File metrics collector on a cluster: the trial's metrics file, read by a sidecar in the
// primary pod and streamed to that sidecar's log, where the runner parses it as it parses stdout.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"

namespace sextant::orchestration {

// The sidecar's container name; the runner follows this container's log for metrics.
inline constexpr const char* kFileCollectorContainer = "sextant-metrics-collector";

// Changes every pod template that holds the primary container (a Job's spec.template, each
// replica of a training operator's job) as Katib's webhook does for the File collector:
// - an emptyDir volume mounted at the metrics file's directory in the primary container and in
//   the sidecar (so the file starts empty on every pod attempt);
// - the primary container's command runs through `sh -c` and, when it ends (with its own exit
//   code), leaves a done marker beside the file;
// - the sidecar (the primary container's image, which needs a POSIX sh, as Katib's wrapper
//   does) copies whatever the file gains to its stdout five times a second and ends once the marker
//   is there and the file is read to its end.
// Throws Error(kInvalidArgument) when the primary container is in no pod template (an Argo or
// Tekton step: use StdOut or push there) or has no command to wrap (the image's entrypoint).
void add_file_collector(nlohmann::json& object, const engine::ExperimentSpec& spec);

}  // namespace sextant::orchestration
