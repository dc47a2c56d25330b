// The local runner: each trial is a host process; its output is logged and parsed as it streams.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "engine/ports/trial_runner.hpp"
#include "trials/local/launch_plan.hpp"

namespace sextant::trials {

// Runs the primary container's command of a trial template as a host process (see
// plan_launch() for the command, directory and environment), in its own process group.
//
// One event-loop thread per runner does all the work: it spawns the processes (so
// PR_SET_PDEATHSIG is tied to a thread that lives as long as the runner), reads the merged
// stdout+stderr pipe of every trial, appends it to <trial_dir>/trial.log, parses metrics as lines
// arrive (StdOut collector) or as the metrics file grows (File collector, checked every
// file_poll_interval), notices exits through a pidfd (no polling, no sleeps), and runs deadline and
// kill timers. Every TrialEvents call comes from that thread; a callback may call start() or
// cancel().
//
// Exit reasons: "Error" (exited with status N; last line: ...), "Signal" (killed by signal
// SIGKILL (9)), "DeadlineExceeded" (activeDeadlineSeconds passed: SIGTERM, then SIGKILL after
// kill_grace), "Cancelled" (cancel(): SIGTERM, then SIGKILL after its grace), "StartError"
// (the plan or exec failed; never an exception). After the process exits, whatever is left of
// its process group (orphaned grandchildren) is killed before on_exit().
//
// Destroying the runner kills the process groups of trials still running, without on_exit();
// it must not be destroyed from inside a TrialEvents callback.
class LocalRunner final : public engine::TrialRunner {
 public:
  explicit LocalRunner(LocalRunnerOptions options = {});
  ~LocalRunner() override;
  LocalRunner(const LocalRunner&) = delete;
  LocalRunner& operator=(const LocalRunner&) = delete;

  // Returns "pid:<pid> pgid:<pgid> start:<ticks>", or "" when the trial could not start (its
  // StartError then arrives through events.on_exit()).
  std::string start(const engine::TrialLaunch& launch, engine::TrialEvents& events) override;
  void cancel(const std::string& trial, std::chrono::milliseconds grace) override;
  // SIGKILLs what is left of the run the handle describes; checks the start time so an
  // unrelated process that reuses the pid is never touched. "" returns false; text that is
  // not a handle of this runner throws sextant::Error (kInvalidArgument).
  bool reap_orphan(const std::string& trial, const std::string& handle) override;
  std::filesystem::path log_path(const std::filesystem::path& trial_dir) const override;

 private:
  class Loop;
  std::unique_ptr<Loop> loop_;
};

}  // namespace sextant::trials
