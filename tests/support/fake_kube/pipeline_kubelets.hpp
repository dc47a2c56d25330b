// Kubelets for the fake API server that run Argo Workflows and Tekton PipelineRuns with the
// local pipeline executor (orchestration/pipeline), as their controllers would on a cluster.
#pragma once

#include "tests/support/fake_kube/fake_kube_api.hpp"

namespace sextant::testing {

// What a cluster shows while a Workflow (or PipelineRun) runs, in the fake's terms:
// - the object turns Running (Argo status.phase, startedAt; Tekton condition Succeeded=Unknown)
//   and its steps run as local processes in <work_dir>/pipelines/<namespace>/<name>, in the
//   fake's work_dir as their code directory;
// - each step then shows as a pod named <name>-<step>, labelled as Argo or Tekton label them
//   (workflows.argoproj.io/workflow, tekton.dev/pipelineRun and pipelineTask), plus the
//   template's own pod labels and the object's pod labels (Argo spec.podMetadata; Tekton copies
//   the PipelineRun's labels), whose container ("main" for Argo, "step-<name>" for Tekton)
//   terminated with the step's exit code and whose log is the step's output;
// - the object ends Succeeded or Failed (Argo phase and message; Tekton condition
//   Succeeded=True/False with reason and message), as Katib's GJSON conditions expect.
// Pods appear when their step has finished (this fake does not stream pipeline logs live).
// Deleting the object stops the run.
void run_workflow_kubelet(FakeKubeApi& api, const ObjectKey& key);
void run_pipeline_run_kubelet(FakeKubeApi& api, const ObjectKey& key);

// Registers both (argoproj.io/v1alpha1 Workflow, tekton.dev/v1beta1 and v1 PipelineRun).
void register_pipeline_kubelets(FakeKubeApi& api);

}  // namespace sextant::testing
