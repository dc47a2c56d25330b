// The NAS replay's report: best accuracy and regret per method and budget (median, IQR), the
// Mann-Whitney test against random search, engine time per suggest, TARGET lines.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "bench/nas/nas_methods.hpp"

namespace sextant::bench::nas {

// One run's numbers.
struct RunSummary {
  uint64_t seed = 0;
  int budget = 0;             // maxTrialCount
  double best_accuracy = -1;  // best validation accuracy found
  int evaluations = 0;        // trials completed
  int distinct = 0;           // distinct architectures among them
  double late_mean = -1;      // mean accuracy of the last quarter of the trials
  std::string completion;     // MaxTrialsReached, SuggestionEndReached
};

struct MethodRuns {
  Method method;
  std::string not_run;  // why the method did not run (not registered, spec rejected, error)
  bool seeded = true;   // the algorithm took random_state
  std::map<int, std::vector<RunSummary>> runs;  // by budget
  std::vector<double> suggest_us;               // every suggest() of every run
};

struct ReportContext {
  std::string table_file;
  size_t table_rows = 0;
  double table_best = 0;
  int table_at_best = 0;
  double table_median = 0;
  double table_mean = 0;
  double table_top_percentile = 0;  // the 99th percentile of the table's accuracies
  int table_epochs = 0;
  std::string table_machine;
  double table_median_train_seconds = 0;
  double table_wall_seconds = 0;
  std::vector<int> budgets;
  std::string seeds;    // "0..49"
  std::string machine;  // this machine: nproc and CPU model
  double replay_seconds = 0;
};

// The budget of the targets (issue 5: "beat random search at 100 evaluations").
inline constexpr int kTargetBudget = 100;
inline constexpr double kTargetP = 0.05;
inline constexpr double kSuggestTargetUs = 1000;  // issue 5: under 1 ms per suggestion
inline constexpr double kGoal11Us = 100;          // performance.md goal 11: <= 0.1 ms

std::string render_report(const ReportContext& context, const std::vector<MethodRuns>& methods);

// JSON lines, one per run, for re-analysis.
std::string render_raw(const std::vector<MethodRuns>& methods);

}  // namespace sextant::bench::nas
