// Katib's File and TensorFlowEvent collectors on a cluster: a sidecar in the primary pod reads
// what the trial writes and prints it to its own log, which the runner reads through the API.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"

namespace sextant::orchestration {

// The sidecar's container name; the runner follows this container's log for metrics.
inline constexpr const char* kCollectorSidecar = "sextant-metrics-collector";
// TensorFlowEvent: the sidecar's log holds each event file as
// "<kTfEventsFileLine> <path relative to the directory>", its base64 lines, "<kTfEventsEndLine>".
inline constexpr const char* kTfEventsFileLine = "sextant-tfevents-file";
inline constexpr const char* kTfEventsEndLine = "sextant-tfevents-end";

// Changes every pod template that holds the primary container (a Job's spec.template, each
// replica of a training operator's job) as Katib's webhook does for these collectors:
// - an emptyDir volume mounted at the metrics file's directory (File) or at the event directory
//   (TensorFlowEvent) in the primary container and in the sidecar (so it starts empty on every
//   pod attempt);
// - the primary container's command runs through `sh -c` and, when it ends (with its own exit
//   code), leaves a done marker in the mounted directory;
// - the sidecar (the primary container's image, which needs a POSIX sh, as Katib's wrapper
//   does) copies whatever the file gains to its stdout five times a second and ends once the
//   marker is there and the file is read to its end (File); or, once the marker is there,
//   prints every event file below the directory in base64 (TensorFlowEvent; Katib too reads
//   them only at the end), and needs find and base64 in the image.
// Throws Error(kInvalidArgument) when the primary container is in no pod template (an Argo or
// Tekton step: use StdOut or push there) or has no command to wrap (the image's entrypoint).
void add_collector_sidecar(nlohmann::json& object, const engine::ExperimentSpec& spec);

}  // namespace sextant::orchestration
