// The Kubernetes backend: each trial is the object its template describes (Job, Argo Workflow,
// Tekton PipelineRun, any custom resource), created on a cluster and followed there.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "engine/ports/trial_runner.hpp"
#include "orchestration/kubernetes/kube_client.hpp"

namespace sextant::orchestration {

struct KubeRunnerOptions {
  // Where trial objects go; "" = the spec's metadata.namespace.
  std::string namespace_name;
  // The engine's push endpoint as workers in the cluster reach it (SEXTANT_REPORT_URL); "" =
  // workers get none and metrics come from the primary container's log only.
  std::string advertised_report_url;
  // Base of each trial's SEXTANT_ARTIFACT_URI (<prefix>/<experiment>/<trial>); "" = none.
  std::string artifact_prefix;
  // Waits after a failed list/watch (API server unreachable): doubles up to max_backoff.
  std::chrono::milliseconds initial_backoff{250};
  std::chrono::milliseconds max_backoff{5000};
};

// Contract (engine/ports/trial_runner.hpp), on a cluster:
// - start() creates cluster_trial_object() (named after the trial, labelled with the experiment
//   and the trial). A 409 AlreadyExists for an object that carries this trial's label is adopted
//   (a previous engine created it); one that does not is a StartError. Any other refusal (403,
//   422, unreachable after the client's retries) is a StartError with the API server's message.
// - Two watch loops per experiment (trial objects, and pods), each relisting after a 410 or a
//   broken connection and backing off while the API server is away: nothing is lost, because the
//   state is read again from the objects (level-triggered).
// - The trial ends when Katib's failureCondition, then successCondition (GJSON, defaults by
//   kind), matches; its reason and message come from the matched condition. A primary pod stuck
//   on an image (ImagePullBackOff, InvalidImageName, ErrImageNeverPull,
//   CreateContainerConfigError) fails the trial with the kubelet's reason and message. An object
//   deleted by someone else fails it ("Deleted").
// - Metrics: the primary pod's primary container log (StdOut collector: Katib's regex or the
//   spec's filters) streams into on_metrics and into <trial_dir>/trial.log; a reconnect skips
//   what was already read. File and TensorFlowEvent collectors get the sidecar of
//   add_collector_sidecar(), whose log is read instead: the file's TEXT or JSON lines as they
//   come, or the event files at the end (read as the local runner reads them). Workers may also
//   push (the engine's push endpoint).
// - After the end the object is deleted (propagationPolicy Background) unless the template says
//   retain: true. cancel() deletes it and reports "Cancelled".
// - adopt() follows an object a previous engine created; reap_orphan() deletes it.
class KubeRunner final : public engine::TrialRunner {
 public:
  KubeRunner(std::shared_ptr<KubeClient> client, KubeRunnerOptions options);
  ~KubeRunner() override;
  KubeRunner(const KubeRunner&) = delete;
  KubeRunner& operator=(const KubeRunner&) = delete;

  // Returns "kube:<apiVersion>:<kind>:<namespace>:<name>".
  std::string start(const engine::TrialLaunch& launch, engine::TrialEvents& events) override;
  bool adopt(const engine::TrialLaunch& launch, const std::string& handle,
             engine::TrialEvents& events) override;
  void cancel(const std::string& trial, std::chrono::milliseconds grace) override;
  bool reap_orphan(const std::string& trial, const std::string& handle) override;
  std::filesystem::path log_path(const std::filesystem::path& trial_dir) const override;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::orchestration
