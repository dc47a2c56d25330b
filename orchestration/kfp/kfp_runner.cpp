// The Kubeflow Pipelines backend (see kfp_runner.hpp): create runs, poll their state.
#include "orchestration/kfp/kfp_runner.hpp"

#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/error.hpp"
#include "orchestration/kfp/pipeline_ir.hpp"
#include "orchestration/kubernetes/trial_object.hpp"
#include "trials/template/render.hpp"

namespace sextant::orchestration {
namespace {

using nlohmann::json;

constexpr const char* kLogName = "trial.log";
constexpr const char* kRunsPath = "/apis/v2beta1/runs";

json parse_body(const std::string& what, const HttpResult& result) {
  try {
    return json::parse(result.body);
  } catch (const json::exception&) {
    throw Error(ErrorCode::kUnavailable, "kubeflow pipelines: " + what + ": answer is not JSON");
  }
}

// The values a trial's trialParameters take, by trialParameter name (what the pipeline's
// parameters are called), from the assignment (metadata references are not parameters).
std::map<std::string, std::string> trial_values(const engine::ExperimentSpec& spec,
                                                const engine::Assignment& assignment) {
  std::map<std::string, std::string> out;
  for (const auto& p : spec.trial_template.trial_parameters) {
    if (trials::is_metadata_reference(p.reference)) continue;
    for (const auto& a : assignment)
      if (a.name == p.reference) out[p.name] = a.value;
  }
  return out;
}

void append_log(const std::filesystem::path& path, const std::string& text) {
  std::ofstream(path, std::ios::app) << text << '\n';
}

}  // namespace

void throw_kfp_error(const std::string& what, const HttpResult& result) {
  std::string message;
  try {
    json body = json::parse(result.body);
    message = body.value("message", body.value("error", result.body));
  } catch (const json::exception&) {
    message = result.body.substr(0, 300);
  }
  auto code = result.status == 404   ? ErrorCode::kNotFound
              : result.status == 409 ? ErrorCode::kConflict
              : result.status >= 500 || result.status == 429
                  ? ErrorCode::kUnavailable
                  : ErrorCode::kInvalidArgument;
  throw Error(code, "kubeflow pipelines: " + what + ": " + std::to_string(result.status) +
                        (message.empty() ? "" : ": " + message));
}

class KfpRunner::Impl {
 public:
  Impl(std::shared_ptr<HttpClient> client, KfpRunnerOptions options)
      : client_(std::move(client)), options_(std::move(options)) {
    poller_ = std::thread([this] { poll_loop(); });
  }

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    poller_.join();
  }

  std::string start(const engine::TrialLaunch& launch, engine::TrialEvents& events) {
    try {
      const auto& spec = *launch.spec;
      std::map<std::string, std::string> sextant_values{{kTrialParameter, launch.trial}};
      if (!options_.advertised_report_url.empty()) {
        sextant_values[kReportUrlParameter] = options_.advertised_report_url;
        sextant_values[kReportTokenParameter] = launch.report_token;
      }
      json pipeline;
      json parameters = json::object();
      if (options_.pipeline_spec) {
        pipeline = *options_.pipeline_spec;
        parameters =
            runtime_parameters(pipeline, trial_values(spec, launch.assignment), sextant_values);
      } else {
        // The trial's own object, substituted and with the worker environment, as one step.
        TrialWorkerEnv env;
        if (!options_.advertised_report_url.empty())
          env = {options_.advertised_report_url, launch.report_token, ""};
        json object =
            cluster_trial_object(spec, launch.trial, launch.assignment, launch.labels, env);
        if (is_pipeline_object(object)) {
          // An Argo Workflow / Tekton PipelineRun template: one KFP task per step.
          std::vector<trials::EnvVar> step_env{{"SEXTANT_TRIAL", launch.trial},
                                               {"SEXTANT_EXPERIMENT", spec.name}};
          if (!options_.advertised_report_url.empty()) {
            step_env.push_back({"SEXTANT_REPORT_URL", options_.advertised_report_url});
            step_env.push_back({"SEXTANT_REPORT_TOKEN", launch.report_token});
          }
          pipeline = pipeline_for_dag(read_pipeline(object, {}), step_env, spec.name);
        } else {
          pipeline = pipeline_for_container(object, spec.trial_template.primary_container_name,
                                            spec.name);
        }
      }
      json body = {{"display_name", launch.trial},
                   {"description", "sextant experiment " + spec.name + ", trial " + launch.trial},
                   {"pipeline_spec", pipeline},
                   {"runtime_config", {{"parameters", parameters}}}};
      if (!options_.experiment_id.empty()) body["experiment_id"] = options_.experiment_id;
      std::string what = std::string("POST ") + kRunsPath;
      HttpResult result = client_->request("POST", kRunsPath, body.dump());
      if (result.status / 100 != 2) throw_kfp_error(what, result);
      std::string run_id = parse_body(what, result).value("run_id", "");
      if (run_id.empty())
        throw Error(ErrorCode::kUnavailable, "kubeflow pipelines: " + what + ": no run_id");
      append_log(launch.trial_dir / kLogName, "sextant: created Kubeflow Pipelines run " + run_id);
      track(launch, events, run_id);
      return "kfp:" + run_id;
    } catch (const std::exception& e) {
      events.on_exit({launch.trial, false, "StartError", e.what()});
      return "";
    }
  }

  bool adopt(const engine::TrialLaunch& launch, const std::string& handle,
             engine::TrialEvents& events) {
    if (handle.rfind("kfp:", 0) != 0) return false;
    std::string run_id = handle.substr(4);
    HttpResult result = client_->request("GET", std::string(kRunsPath) + "/" + run_id);
    if (result.status == 404) return false;
    if (result.status / 100 != 2) throw_kfp_error("GET run " + run_id, result);
    track(launch, events, run_id);
    return true;
  }

  void cancel(const std::string& trial, std::chrono::milliseconds) {
    std::string run_id;
    {
      std::lock_guard lock(mutex_);
      auto it = runs_.find(trial);
      if (it == runs_.end()) return;
      run_id = it->second.run_id;
      it->second.cancelled = true;
    }
    bool terminating = false;
    try {
      terminating = terminate(run_id);
    } catch (const std::exception& e) {
      // Unreachable: the run may go on over there, but the experiment must not wait for it.
      finish(trial, {trial, false, "Cancelled",
                     "could not terminate Kubeflow Pipelines run " + run_id + ": " + e.what()});
      return;
    }
    if (!terminating) finish(trial, {trial, false, "Cancelled", "run " + run_id + " is gone"});
    wake_.notify_all();  // the poller reports CANCELED when the server has stopped it
  }

  bool reap_orphan(const std::string& handle) {
    if (handle.rfind("kfp:", 0) != 0) return false;
    return terminate(handle.substr(4));
  }

 private:
  struct Run {
    std::string run_id;
    engine::TrialEvents* events = nullptr;
    std::filesystem::path log_path;
    std::string last_state;
    bool cancelled = false;
  };

  void track(const engine::TrialLaunch& launch, engine::TrialEvents& events,
             const std::string& run_id) {
    {
      std::lock_guard lock(mutex_);
      runs_[launch.trial] = Run{run_id, &events, launch.trial_dir / kLogName, "", false};
    }
    wake_.notify_all();
  }

  bool terminate(const std::string& run_id) {
    std::string path = std::string(kRunsPath) + "/" + run_id + ":terminate";
    HttpResult result = client_->request("POST", path, "{}");
    if (result.status == 404) return false;
    if (result.status / 100 != 2) throw_kfp_error("POST " + path, result);
    return true;
  }

  void poll_loop() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
      wake_.wait_for(lock, options_.poll_interval, [&] { return stop_; });
      if (stop_) break;
      std::vector<std::pair<std::string, Run>> active(runs_.begin(), runs_.end());
      lock.unlock();
      for (auto& [trial, run] : active) poll(trial, run);
      lock.lock();
    }
  }

  void poll(const std::string& trial, const Run& run) {
    json state_doc;
    try {
      HttpResult result = client_->request("GET", std::string(kRunsPath) + "/" + run.run_id);
      if (result.status == 404) {
        finish(trial, {trial, false, run.cancelled ? "Cancelled" : "Deleted",
                       "Kubeflow Pipelines run " + run.run_id + " no longer exists"});
        return;
      }
      if (result.status / 100 != 2) return;  // server trouble: ask again next tick
      state_doc = json::parse(result.body);
    } catch (const std::exception&) {
      return;  // unreachable or garbled: ask again next tick
    }
    std::string state = state_doc.value("state", "");
    if (state != run.last_state) {
      append_log(run.log_path, "sextant: run " + run.run_id + " is " + state);
      std::lock_guard lock(mutex_);
      if (auto it = runs_.find(trial); it != runs_.end()) it->second.last_state = state;
    }
    std::string error;
    if (state_doc.contains("error") && state_doc["error"].is_object())
      error = state_doc["error"].value("message", "");
    if (state == "SUCCEEDED") {
      finish(trial, {trial, true, "", ""});
    } else if (state == "FAILED" || state == "SKIPPED") {
      finish(trial, {trial, false, state == "FAILED" ? "Failed" : "Skipped",
                     "Kubeflow Pipelines run " + run.run_id + " " + state +
                         (error.empty() ? "" : ": " + error)});
    } else if (state == "CANCELED") {
      finish(trial, {trial, false, "Cancelled",
                     "Kubeflow Pipelines run " + run.run_id + " was terminated" +
                         (run.cancelled ? "" : " outside sextant")});
    }
  }

  void finish(const std::string& trial, engine::TrialExit exit) {
    engine::TrialEvents* events;
    {
      std::lock_guard lock(mutex_);
      auto it = runs_.find(trial);
      if (it == runs_.end()) return;
      events = it->second.events;
      runs_.erase(it);
    }
    events->on_exit(std::move(exit));
  }

  std::shared_ptr<HttpClient> client_;
  KfpRunnerOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::map<std::string, Run> runs_;
  std::thread poller_;
};

KfpRunner::KfpRunner(std::shared_ptr<HttpClient> client, KfpRunnerOptions options)
    : impl_(std::make_unique<Impl>(std::move(client), std::move(options))) {}

KfpRunner::~KfpRunner() = default;

std::string KfpRunner::start(const engine::TrialLaunch& launch, engine::TrialEvents& events) {
  return impl_->start(launch, events);
}

bool KfpRunner::adopt(const engine::TrialLaunch& launch, const std::string& handle,
                      engine::TrialEvents& events) {
  return impl_->adopt(launch, handle, events);
}

void KfpRunner::cancel(const std::string& trial, std::chrono::milliseconds grace) {
  impl_->cancel(trial, grace);
}

bool KfpRunner::reap_orphan(const std::string&, const std::string& handle) {
  return impl_->reap_orphan(handle);
}

std::filesystem::path KfpRunner::log_path(const std::filesystem::path& trial_dir) const {
  return trial_dir / kLogName;
}

}  // namespace sextant::orchestration
