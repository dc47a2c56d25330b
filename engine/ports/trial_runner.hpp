// Port: where trials run. The controller hands a stored trial to a runner and hears back
// through TrialEvents (metrics as they stream, and the end of the run).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::engine {

// One metric value as a collector saw it. step is absent when the worker gave none; the engine
// then numbers the reports of that metric 0, 1, 2, ... in arrival order.
struct MetricReport {
  std::string trial;
  std::string metric;
  std::optional<int64_t> step;
  std::string value;
  double time = 0;  // unix seconds; 0 = now
};

// How a trial's process (or pipeline) ended, as the runner saw it. The controller turns this
// plus the collected metrics into the trial's final Katib condition.
struct TrialExit {
  std::string trial;
  bool succeeded = false;  // the job completed (exit status 0)
  std::string reason;      // short cause when not succeeded: "Error", "Signal", "DeadlineExceeded", "StartError", "Cancelled"
  std::string message;     // e.g. "exited with status 3; last line: ..." or "exec: no such file: ./train"
};

// The controller's side. Runners call it from any thread.
class TrialEvents {
 public:
  virtual ~TrialEvents() = default;
  virtual void on_metrics(std::vector<MetricReport> reports) = 0;
  virtual void on_exit(TrialExit exit) = 0;
};

// Everything a runner needs to start one trial.
struct TrialLaunch {
  const ExperimentSpec* spec = nullptr;
  std::string experiment;
  std::string trial;
  Assignment assignment;
  std::map<std::string, std::string> labels;
  std::filesystem::path trial_dir;     // exists; the trial's log and outputs go here
  std::filesystem::path artifact_dir;  // exists; SEXTANT_ARTIFACT_DIR
  std::string report_url;              // push endpoint base, SEXTANT_REPORT_URL ("" = none)
  std::string report_token;            // SEXTANT_REPORT_TOKEN
  // exists; SEXTANT_CHECKPOINT_DIR, and where spec.algorithm's suggestion_trial_dir (Katib's
  // PBT mount) points. A copy of the parent's when the trial continues another (PBT, promotions).
  std::filesystem::path checkpoint_dir;
};

// Contract:
// - start() is idempotent by trial name: starting a trial that this runner already runs does
//   nothing. It returns the runner handle to persist (enough to find the run again after an
//   engine restart). A trial that cannot start is not an exception: the runner reports a
//   TrialExit with reason "StartError" (the experiment goes on).
// - Exactly one on_exit() per started trial, after its last on_metrics().
// - cancel() asks the trial to stop (SIGTERM, then SIGKILL after `grace` locally); on_exit()
//   follows with reason "Cancelled" or the deadline's reason.
// - reap_orphan() is called after an engine restart for a trial the store says was running,
//   with the handle start() returned; it stops whatever is left of that run so the controller
//   can start it again cleanly. It returns true when something was found and stopped.
// - adopt() is tried first, for a runner whose runs outlive the engine (a cluster object): it
//   follows the run the handle describes as if start() had started it, and returns true; the
//   trial then keeps its state and observations. false (the default) means nothing to adopt.
class TrialRunner {
 public:
  virtual ~TrialRunner() = default;
  virtual std::string start(const TrialLaunch& launch, TrialEvents& events) = 0;
  virtual void cancel(const std::string& trial, std::chrono::milliseconds grace) = 0;
  virtual bool reap_orphan(const std::string& trial, const std::string& handle) = 0;
  virtual bool adopt(const TrialLaunch& launch, const std::string& handle, TrialEvents& events) {
    return false;
  }
  // Path of the trial's log (stdout and stderr), for `sextant logs`.
  virtual std::filesystem::path log_path(const std::filesystem::path& trial_dir) const = 0;
};

}  // namespace sextant::engine
