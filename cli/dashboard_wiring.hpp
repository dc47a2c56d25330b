// What the dashboard's REST API gets from the CLI: the renderer of trial objects (the runners
// live outside the engine).
#pragma once

#include "engine/api/rest_api.hpp"

namespace sextant::cli {

// The object a trial runs as on a cluster (orchestration::cluster_trial_object), without the
// trial's report token.
engine::TrialObjectRenderer trial_object_renderer();

}  // namespace sextant::cli
