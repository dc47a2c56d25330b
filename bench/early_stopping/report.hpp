// The replay's report: per-method medians and IQRs over seeds, savings vs `none`, TARGET lines.
#pragma once

#include <string>
#include <vector>

#include "bench/early_stopping/methods.hpp"
#include "bench/early_stopping/replay_run.hpp"

namespace sextant::bench {

// One run's numbers (RunResult without the history).
struct RunSummary {
  uint64_t seed = 0;
  int max_trials = 0;  // maxTrialCount used; 0 = none (the algorithm ended the run)
  int64_t epochs = 0;
  double best_final_accuracy = -1;
  int configurations = 0;
  int trials = 0;
  int early_stopped = 0;
  int64_t makespan = 0;
  std::string completion;
};

struct MethodRuns {
  Method method;
  std::string not_run;  // why the method did not run (not registered, spec rejected, error)
  bool seeded = true;   // the algorithm took random_state
  std::vector<RunSummary> runs;
  std::vector<double> evaluate_us;
  std::vector<double> suggest_us;
  std::vector<std::string> advice;  // the rule's distinct advice messages
  std::string trace;                // --trace: the last run's trials
};

struct ReportContext {
  std::string table_file;
  int table_rows = 0;
  int table_epochs = 0;
  double table_seconds_per_epoch = 0;
  std::string table_machine;
  int workers = 0;
  int configs = 0;
  std::string seeds;    // "0..19"
  std::string machine;  // this machine: nproc and CPU model
};

// The method whose runs every other is compared with.
inline constexpr const char* kBaseline = "none";

std::string render_report(const ReportContext& context, const std::vector<MethodRuns>& methods);

// JSON lines, one per run, for re-analysis.
std::string render_raw(const std::vector<MethodRuns>& methods);

}  // namespace sextant::bench
