// `sextant run --backend local|kubernetes|kfp`: which TrialRunner runs the trials.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/ports/trial_runner.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::cli {

struct BackendOptions {
  std::string backend = "local";  // local | kubernetes | kfp
  std::string kubeconfig;         // "" = $KUBECONFIG, ~/.kube/config, else in-cluster config
  std::string context;            // "" = the kubeconfig's current-context
  std::string namespace_name;     // "" = the spec's metadata.namespace
  std::string advertise_url;      // the push endpoint as workers elsewhere reach it
  std::string kfp_url;            // http(s)://host:port of the KFP API (ml-pipeline)
  std::string kfp_token_file;     // bearer token for KFP ("" = none)
  std::string kfp_pipeline;       // compiled pipeline (YAML or JSON IR); "" = generated
  std::string kfp_experiment_id;
};

// What the runner needs from the engine that is only known once its server listens.
struct BackendContext {
  std::string report_url;          // the push endpoint as this machine reaches it
  std::string artifact_prefix;     // --artifact-prefix, trailing '/' removed
  std::string report_python_path;  // the worker-side Python module's folder (local only)
  std::chrono::milliseconds kill_grace{5000};  // --grace: SIGTERM to SIGKILL (local only)
};

// Throws sextant::Error (kInvalidArgument) for an unknown backend or a missing --kfp-url, and
// what loading the kubeconfig throws (file, context, field).
std::unique_ptr<engine::TrialRunner> make_runner(const BackendOptions& options,
                                                 const BackendContext& context);

}  // namespace sextant::cli
