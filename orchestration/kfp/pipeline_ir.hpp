// Kubeflow Pipelines v2 IR (PipelineSpec) for a trial: the user's compiled pipeline with the
// trial's runtime parameters, or one generated from the trial's Job.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestration/pipeline/pipeline.hpp"

namespace sextant::orchestration {

// Runtime parameter names sextant fills in when the pipeline declares them, so steps can push
// metrics to the engine (they are also set in the generated pipeline's environment).
inline constexpr const char* kReportUrlParameter = "sextant_report_url";
inline constexpr const char* kReportTokenParameter = "sextant_report_token";
inline constexpr const char* kTrialParameter = "sextant_trial";

// A one-task pipeline that runs the primary container of a rendered Job (or any object with
// that container): image, command, args, env, as KFP's compiler would write it
// (pipelineInfo, schemaVersion 2.1.0, components, deploymentSpec.executors, root.dag), with
// caching disabled (a tuning run must not reuse another trial's result).
// Throws sextant::Error (kInvalidArgument) when the container cannot be found.
nlohmann::json pipeline_for_container(const nlohmann::json& trial_object,
                                      const std::string& primary_container_name,
                                      const std::string& pipeline_name);

// A pipeline with one task per step of a local pipeline (an Argo Workflow or Tekton PipelineRun
// trial template read by read_pipeline()): each step's command, args and env, `env` added to
// every step, dependencies as dependentTasks, a script step as its command + "-c" + the script.
// Values passed between steps (Argo outputs, Tekton results) have no generated equivalent:
// throws sextant::Error (kInvalidArgument) naming the step, pointing to --kfp-pipeline.
nlohmann::json pipeline_for_dag(const Pipeline& pipeline,
                                const std::vector<trials::EnvVar>& env,
                                const std::string& pipeline_name);

// runtime_config.parameters for a run of `pipeline_spec`: every `values` entry must be declared
// in root.inputDefinitions.parameters and is typed by its parameterType (NUMBER_DOUBLE,
// NUMBER_INTEGER, STRING, BOOLEAN); the sextant_* parameters are added when declared.
// Throws sextant::Error (kInvalidArgument) naming the parameter: undeclared (listing the
// declared ones), or a value its type cannot hold ("0.5" for NUMBER_INTEGER).
nlohmann::json runtime_parameters(const nlohmann::json& pipeline_spec,
                                  const std::map<std::string, std::string>& values,
                                  const std::map<std::string, std::string>& sextant_values);

}  // namespace sextant::orchestration
