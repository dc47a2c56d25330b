// The object a trial runs as on a cluster: Katib's rendered trialSpec plus the labels and
// environment that tie it (and its pods) to the experiment and the trial.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::orchestration {

// Katib's label names: the experiment's on every trial, the trial's on every pod (the webhook's).
inline constexpr const char* kExperimentLabel = "katib.kubeflow.org/experiment";
inline constexpr const char* kTrialLabel = "katib.kubeflow.org/trial";
inline constexpr const char* kManagedByLabel = "app.kubernetes.io/managed-by";
inline constexpr const char* kManagedByValue = "sextant";

// What the trial's workers receive besides their parameters. Empty values are left out.
struct TrialWorkerEnv {
  std::string report_url;    // SEXTANT_REPORT_URL: the engine's advertised push endpoint
  std::string report_token;  // SEXTANT_REPORT_TOKEN
  std::string artifact_uri;  // SEXTANT_ARTIFACT_URI: where the worker saves its model
};

// render_trial_object() (Katib's substitution, name and namespace), then:
// - metadata.labels gets the experiment's labels, kExperimentLabel, kTrialLabel and
//   kManagedByLabel (the trial's own labels, e.g. PBT's generation, too);
// - the pods it makes carry kExperimentLabel and kTrialLabel, as Katib's pod webhook does: a Job's
//   (and any kind's) spec.template.metadata.labels, an Argo Workflow's spec.podMetadata.labels;
//   Tekton copies the PipelineRun's labels to its pods by itself;
// - every container named primaryContainerName gets KATIB_TRIAL_NAME, SEXTANT_EXPERIMENT,
//   SEXTANT_TRIAL and the non-empty TrialWorkerEnv values appended to its env (an entry the
//   template sets itself wins).
// Throws what render_trial_object() throws.
nlohmann::json cluster_trial_object(const engine::ExperimentSpec& spec, const std::string& trial,
                                    const engine::Assignment& assignment,
                                    const std::map<std::string, std::string>& trial_labels,
                                    const TrialWorkerEnv& worker_env);

// The selector of everything sextant made for one trial / one experiment.
std::string trial_selector(const std::string& trial);
std::string experiment_selector(const std::string& experiment);

}  // namespace sextant::orchestration
