// Running a Pipeline as host processes: a DAG executor with parallel steps and per-step logs.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "orchestration/pipeline/pipeline.hpp"

namespace sextant::orchestration {

struct PipelineRunOptions {
  // The run's directory (the trial directory): logs go to <run_dir>/steps/<step>.log, a
  // step's files (scripts, outputs) under <run_dir>/steps/<group>/. Created if missing.
  std::filesystem::path run_dir;
  // Where steps run unless they name an existing workingDir, and where relative programs
  // ("bin/train", not "python3") are found. "" = the current directory.
  std::filesystem::path code_dir;
  // The base environment ("NAME=value"); each step adds its own env. Empty = this process's.
  std::vector<std::string> env;
  // Complete lines of the primary steps' stdout and stderr are copied here as they arrive
  // (-1 = nowhere). The driver passes its stdout, where the local runner parses metrics.
  int primary_output_fd = -1;
  // Progress lines ("step \"train\" started"), for a log; may be empty.
  std::function<void(const std::string&)> on_event;
  // Stops the run: running steps get SIGTERM, then SIGKILL after kill_grace; no step starts.
  std::stop_token stop;
  std::chrono::milliseconds kill_grace{3000};
};

enum class StepPhase { kPending, kRunning, kSucceeded, kFailed, kSkipped };
const char* to_string(StepPhase phase);

struct StepResult {
  std::string name;
  StepPhase phase = StepPhase::kPending;
  std::optional<int> exit_code;  // when it exited
  std::string reason;            // for kFailed: Error, Signal, StartError, OutputMissing,
                                 // Cancelled, DeadlineExceeded; for kSkipped: why
  std::string message;           // "exited with status 3; last line: ..."
  std::map<std::string, std::string> outputs;  // output name -> value ("" key: stdout, trimmed)
  std::filesystem::path log;
  std::optional<std::chrono::system_clock::time_point> started, finished;
};

struct PipelineResult {
  bool succeeded = false;
  std::string failed_step;  // the first step that failed ("" when none did)
  std::string reason;       // that step's reason, or Cancelled / DeadlineExceeded for the run
  // "step \"train\" failed: exited with status 3; last line: ..." ("" on success).
  std::string message;
  std::vector<StepResult> steps;  // in pipeline order
};

// Runs `pipeline` to completion on the calling thread (which must outlive the steps: they
// get SIGKILL when it exits, through PR_SET_PDEATHSIG).
// - A step starts once its dependencies succeeded; independent steps run at the same time.
// - Each step is a host process in its own process group: no shell unless it is a script;
//   stdin is /dev/null; stdout and stderr go to its log; argv[0] is resolved like the local
//   runner's (absolute; containing '/': relative to code_dir; else on PATH); "python" that is
//   not on PATH runs as python3 when that is (said in the step's log).
// - Before it starts, a step's container paths (outputs' files, Tekton's /tekton/results/x) are
//   rewritten to files under <run_dir>/steps/<group>/ in its command, env, working dir and
//   script, and its inputs' placeholders are replaced by the producers' values.
// - After it exits 0, its outputs are read from their files (trailing whitespace trimmed; a
//   missing file without default fails the step, reason OutputMissing), and its stdout
//   (trimmed, at most 256 KiB) is its "" output (Argo's outputs.result).
// - A failed step fails the run: no further step starts, running ones finish (as Argo and
//   Tekton do), the rest are kSkipped; the result names the first failed step and why.
// - pipeline.deadline_seconds and options.stop end the run: SIGTERM, SIGKILL after kill_grace.
// Never throws for what steps do; throws sextant::Error only when run_dir cannot be created.
PipelineResult run_pipeline(const Pipeline& pipeline, const PipelineRunOptions& options);

}  // namespace sextant::orchestration
