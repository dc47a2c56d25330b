// The Kubeflow Pipelines backend: each trial is a KFP v2 run (REST v2beta1).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/ports/trial_runner.hpp"
#include "orchestration/http/http_client.hpp"

namespace sextant::orchestration {

struct KfpRunnerOptions {
  // The user's compiled pipeline (IR, YAML or JSON, read by the caller); nullopt = one generated
  // from the trial's Job (its primary container as the single step).
  std::optional<nlohmann::json> pipeline_spec;
  std::string experiment_id;  // KFP experiment the runs belong to; "" = the server's default
  // The engine's push endpoint as the run's pods reach it; "" = none (no metrics would arrive).
  std::string advertised_report_url;
  std::chrono::milliseconds poll_interval{1000};
};

// Contract (engine/ports/trial_runner.hpp), on Kubeflow Pipelines:
// - start() POSTs /apis/v2beta1/runs with display_name = the trial's name, the pipeline spec and
//   runtime_config.parameters: the trial's trialParameters by name, typed by the pipeline's
//   root.inputDefinitions, plus sextant_report_url / sextant_report_token / sextant_trial when
//   the pipeline declares them. A generated pipeline gets SEXTANT_* in its step's environment.
//   The handle is "kfp:<run_id>". A refusal (bad spec, 4xx, unreachable) is a StartError with
//   the server's message.
// - One thread polls the active runs every poll_interval: SUCCEEDED ends the trial; FAILED,
//   CANCELED and SKIPPED end it failed with KFP's state and error message. A poll that fails
//   (server away) is retried on the next tick; nothing is lost.
// - Metrics arrive by push only (KFP keeps step outputs in ML Metadata, out of REST's reach).
// - cancel() POSTs :terminate and reports "Cancelled"; reap_orphan() terminates; adopt() follows
//   a run that is not finished yet.
class KfpRunner final : public engine::TrialRunner {
 public:
  KfpRunner(std::shared_ptr<HttpClient> client, KfpRunnerOptions options);
  ~KfpRunner() override;
  KfpRunner(const KfpRunner&) = delete;
  KfpRunner& operator=(const KfpRunner&) = delete;

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

// Turns a non-2xx KFP answer (a google.rpc.Status-like body) into a sextant::Error naming the
// request: "kubeflow pipelines: POST /apis/v2beta1/runs: 400: <message>".
[[noreturn]] void throw_kfp_error(const std::string& what, const HttpResult& result);

}  // namespace sextant::orchestration
