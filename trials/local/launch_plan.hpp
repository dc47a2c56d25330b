// Turning a TrialLaunch into what to exec: command, environment, directory, limits, collector.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "engine/ports/trial_runner.hpp"
#include "trials/local/process.hpp"
#include "trials/metrics/json_lines_parser.hpp"
#include "trials/metrics/text_metrics_parser.hpp"

namespace sextant::trials {

struct LocalRunnerOptions {
  // Directory prepended to the trial's PYTHONPATH (where the worker-side `sextant_report`
  // module lives); "" leaves PYTHONPATH alone.
  std::string report_python_path;
  // Between SIGTERM and SIGKILL when a deadline passes (cancel() brings its own grace).
  std::chrono::milliseconds kill_grace{5000};
  // How often a File collector's metrics file is checked for new lines while the trial runs.
  std::chrono::milliseconds file_poll_interval{50};
  // The command that runs a pipeline trial (an Argo Workflow or a Tekton PipelineRun) as one
  // process: its argv prefix, e.g. {"/usr/bin/sextant", "pipeline-run"}. Empty: such trials
  // fail to start with a StartError that says so.
  std::vector<std::string> pipeline_driver;
};

// Everything the runner needs to spawn one trial and collect its metrics.
struct LaunchPlan {
  SpawnSpec spawn;  // output_fd is set by the runner
  std::optional<int64_t> deadline_seconds;
  std::vector<std::string> notes;  // written to trial.log before the process starts
  engine::CollectorKind collector = engine::CollectorKind::kStdOut;
  std::shared_ptr<const TextMetricsParser> text_parser;  // StdOut, and File with format TEXT
  std::shared_ptr<const JsonLinesParser> json_parser;    // File with format JSON
  std::filesystem::path metrics_path;  // File, TensorFlowEvent: the local file or directory
  bool metrics_is_directory = false;
  std::vector<std::string> metric_names;  // TensorFlowEvent: read from the event files at the end
};

// Compiled parsers shared by the trials of one experiment (std::regex is slow to build).
class ParserCache {
 public:
  std::shared_ptr<const TextMetricsParser> text(const std::vector<std::string>& names,
                                                const std::vector<std::string>& filters);

 private:
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<const TextMetricsParser>> text_;
};

// Builds the plan (DESIGN.md section 5, the worker contract):
// - the command is the primary container's (trials/template), argv[0] resolved: absolute as
//   is, containing '/' relative to the spec's code_dir, else looked up in the trial's PATH;
// - the working directory is the container's workingDir when it exists on this host, else
//   code_dir;
// - the environment is the engine's, then the container's env, then SEXTANT_EXPERIMENT,
//   SEXTANT_TRIAL, KATIB_TRIAL_NAME, SEXTANT_TRIAL_DIR, SEXTANT_ARTIFACT_DIR,
//   SEXTANT_REPORT_URL and SEXTANT_REPORT_TOKEN (when non-empty), SEXTANT_METRICS_FILE (File
//   collector), SEXTANT_CHECKPOINT_DIR, and PYTHONPATH prefixed with options.report_python_path;
// - spec.algorithm's suggestion_trial_dir (Katib's PBT checkpoint mount), when set, is a
//   container path for the trial's checkpoint directory, rewritten like the metrics path;
// - File collector: the spec's path is a container path; it maps to
//   <trial_dir>/metrics/<path without its leading '/'> (parents created), and every
//   occurrence of the container path in the arguments and env values is rewritten to the
//   local one, so `--log-path=/katib/mnist.log` works unchanged. An occurrence counts only as
//   a whole path (not inside /x/katib/mnist.log or /katib/mnist.log2).
// - a pipeline (Argo Workflow argoproj.io/*, Tekton PipelineRun tekton.dev/*) runs as one
//   process, options.pipeline_driver + [<trial_dir>/pipeline.json, --primary-container NAME,
//   --primary-label K=V..., --code-dir DIR], with the environment above and no time limit of
//   its own (the driver enforces the pipeline's); the rendered object is written to
//   pipeline.json after the metrics and checkpoint path rewrites, applied to every string in it.
// Throws sextant::Error for anything that stops the trial from starting (bad template, no
// command, collector kind without a local implementation); the runner reports it as a
// StartError.
LaunchPlan plan_launch(const engine::TrialLaunch& launch, const LocalRunnerOptions& options,
                       ParserCache& parsers);

// The first executable `program` in the colon-separated `path_var` ("" = /usr/local/bin:/usr/bin:
// /bin), relative entries taken from code_dir; "" when there is none.
std::string find_on_path(const std::string& program, const std::string& path_var,
                         const std::filesystem::path& code_dir);

// Replaces whole-path occurrences of `from` in `text` by `to`.
std::string rewrite_container_path(const std::string& text, const std::string& from,
                                   const std::string& to);

// Where a container path lands under the trial directory.
std::filesystem::path local_metrics_path(const std::filesystem::path& trial_dir,
                                         const std::string& container_path);

}  // namespace sextant::trials
