// The trial-object renderer handed to the dashboard's REST API.
#include "cli/dashboard_wiring.hpp"

#include "orchestration/kubernetes/trial_object.hpp"

namespace sextant::cli {

engine::TrialObjectRenderer trial_object_renderer() {
  return [](const engine::ExperimentSpec& spec, const engine::Trial& trial) {
    return orchestration::cluster_trial_object(spec, trial.name, trial.assignment, trial.labels,
                                               {});
  };
}

}  // namespace sextant::cli
