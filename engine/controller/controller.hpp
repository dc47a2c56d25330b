// The controller: a reconcile loop with Katib's semantics, woken by trial events.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "engine/controller/experiment_status.hpp"
#include "engine/controller/trial_directories.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/ports/early_stopper.hpp"
#include "engine/ports/trial_runner.hpp"
#include "engine/spec/experiment_spec.hpp"
#include "engine/store/store.hpp"

namespace sextant::engine {

// What the controller shows to its observer (the CLI's progress view) after every change.
struct ProgressSnapshot {
  const ExperimentSpec* spec = nullptr;
  TrialCounts counts;
  const Trial* best = nullptr;        // may be null
  std::vector<const Trial*> running;  // active trials
  double started_at = 0;
};

class ControllerObserver {
 public:
  virtual ~ControllerObserver() = default;
  virtual void on_trial_started(const Trial& trial) { (void)trial; }
  virtual void on_trial_completed(const Trial& trial, const Trial* best) {
    (void)trial;
    (void)best;
  }
  virtual void on_progress(const ProgressSnapshot& snapshot) { (void)snapshot; }
  virtual void on_message(const std::string& line) { (void)line; }
};

struct ControllerOptions {
  std::filesystem::path runs_dir;  // trial directories: <runs_dir>/<experiment>/<trial>
  std::string report_url;          // push endpoint base URL handed to workers ("" = none)
  std::chrono::milliseconds kill_grace{5000};
  // How often on_progress fires without events (live views refresh elapsed time); 0 = never.
  std::chrono::milliseconds progress_interval{0};
  // spec.earlyStopping's rule (null = none). It judges running trials as their objective values
  // arrive; a stopped trial gets kill_grace between SIGTERM and SIGKILL.
  const EarlyStopper* early_stopper = nullptr;
  // Where trial artifacts live for promotion: "" = the local artifact directory; otherwise a URI
  // prefix (s3://bucket/path, pvc://claim/path) under which a trial's is <prefix>/<exp>/<trial>.
  std::string artifact_prefix;
};

struct RunOutcome {
  ExperimentStatus status;
  bool interrupted = false;  // stopped by request_stop() before completion
};

// Contract: run() drives one experiment until it completes or is stopped. All store writes
// happen on the thread that calls run(); runner threads and the push endpoint only enqueue
// events through the TrialEvents interface, which wakes the loop (no polling sleep).
// Assignments are stored as trials (state Created, deterministic names) before they start.
class Controller : public TrialEvents {
 public:
  Controller(Store& store, const ExperimentSpec& spec, Algorithm& algorithm, TrialRunner& runner,
             ControllerOptions options, ControllerObserver* observer = nullptr);

  RunOutcome run();

  // Thread-safe. First call: stop creating trials, terminate running ones (SIGTERM, grace,
  // SIGKILL) and record them Killed; run() then returns with interrupted=true.
  void request_stop();
  // Thread-safe. Kill running trials immediately.
  void request_kill();

  // TrialEvents (any thread)
  void on_metrics(std::vector<MetricReport> reports) override;
  void on_exit(TrialExit exit) override;

  // The push endpoint's token check (any thread).
  std::optional<std::string> token_for(const std::string& trial) const;

 private:
  using Event = std::variant<std::vector<MetricReport>, TrialExit>;
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kObservationDelay{50};

  void load_or_create();
  void recover_interrupted_trials();
  bool adopt(Trial& t);
  TrialLaunch make_launch(const Trial& t, const TrialDirectories::Paths& paths);
  // Applies queued events; stores intermediate values now when flush_now, else batched.
  void handle_events(std::deque<Event>& events, bool flush_now = false);
  void handle_metrics(std::vector<MetricReport>& reports, std::vector<ObservationPoint>& points);
  // Asks the early-stopping rule about each trial that just reported a new objective step.
  void judge(const std::vector<std::string>& trial_names);
  void load_curves();
  void handle_exit(const TrialExit& exit);
  void finalize_trial(Trial& trial, const TrialExit& exit);
  bool reconcile();  // returns true when the experiment completed
  // Stores up to `count` new trials; returns the algorithm's error message if suggest() failed.
  std::optional<std::string> create_trials(int count);
  void launch(Trial& trial);
  void stop_active_trials(std::chrono::milliseconds grace, const std::string& why);
  void save_status();
  void notify_progress();
  std::string next_trial_name() const;
  std::string trial_name_for(int64_t sequence) const;
  std::vector<std::string> upcoming_trial_names() const;
  Trial* find(const std::string& name);

  Store& store_;
  const ExperimentSpec& spec_;
  Algorithm& algorithm_;
  TrialRunner& runner_;
  ControllerOptions options_;
  ControllerObserver* observer_;

  ExperimentStatus status_;
  std::vector<Trial> trials_;  // creation order; the algorithm's history
  std::map<std::string, size_t> index_;
  std::map<std::pair<std::string, std::string>, int64_t> next_step_;  // (trial, metric) -> step
  std::map<std::string, std::string> cancel_reason_;  // trials we are stopping, and why
  std::map<std::string, std::string> stop_message_;   // early-stopped trials: the rule's words
  LearningCurves curves_;                             // objective values, for the rule
  std::set<std::string> advice_shown_;                // the rule's advice, each shown once
  std::set<std::string> reordered_;                   // trials that reported a step out of order
  bool exhausted_ = false;
  std::vector<ObservationPoint> unsaved_points_;  // reported, not yet in the store
  std::optional<Clock::time_point> flush_due_;
  std::unique_ptr<TrialDirectories> directories_;

  mutable std::mutex mutex_;  // guards queue_, tokens_, stop flags
  std::condition_variable wake_;
  std::deque<Event> queue_;
  std::map<std::string, std::string> tokens_;
  bool stop_requested_ = false;
  bool kill_requested_ = false;
};

}  // namespace sextant::engine
