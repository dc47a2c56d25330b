// The sequential replay loop over the NAS table.
#include "bench/nas/nas_replay_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <unordered_set>

#include "algorithms/nas/nas_space.hpp"
#include "engine/controller/metrics_summary.hpp"
#include "engine/error.hpp"

namespace sextant::bench::nas {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const engine::ExperimentSpec& spec, size_t trials, const std::string& what) {
  throw Error(ErrorCode::kInternal, "replay of " + spec.source_file + " after " +
                                        std::to_string(trials) + " trials: " + what);
}

}  // namespace

RunResult replay_run(const engine::ExperimentSpec& spec, engine::Algorithm& algorithm,
                     const NasTable& table) {
  RunResult result;
  std::vector<engine::Trial>& trials = result.history;
  std::unordered_set<std::string> seen;
  const int budget = spec.max_trial_count.value_or(0);
  if (budget <= 0) fail(spec, 0, "the replay needs a maxTrialCount");
  while (static_cast<int>(trials.size()) < budget) {
    const auto started = Clock::now();
    engine::SuggestResult suggested = algorithm.suggest(trials, 1);
    result.suggest_us.push_back(
        std::chrono::duration<double, std::micro>(Clock::now() - started).count());
    if (suggested.suggestions.size() > 1)
      fail(spec, trials.size(),
           "suggest() returned " + std::to_string(suggested.suggestions.size()) +
               " suggestions for 1 free slot");
    if (suggested.suggestions.empty()) {
      result.completion = "SuggestionEndReached";  // nothing runs: it never will
      break;
    }
    engine::Trial t;
    t.sequence = static_cast<int64_t>(trials.size()) + 1;
    t.name = spec.name + "-" + std::to_string(t.sequence);
    t.experiment = spec.name;
    t.assignment = std::move(suggested.suggestions.front().assignment);
    t.labels = std::move(suggested.suggestions.front().labels);
    const std::string* architecture =
        engine::find_value(t.assignment, algorithms::kArchitectureAssignment);
    if (architecture == nullptr)
      fail(spec, trials.size(), "trial " + t.name + " has no `architecture` assignment");
    const double* accuracy = table.find(*architecture);
    if (accuracy == nullptr)
      fail(spec, trials.size(),
           "trial " + t.name + ": architecture \"" + *architecture + "\" is not in the table");
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", *accuracy);  // train_arch.py's last line
    t.observation.push_back({spec.objective.objective_metric_name});
    engine::fold_value(t.observation.front(), text);
    engine::derive_objective(spec.objective, t);
    t.state = engine::TrialState::kSucceeded;
    t.reason = "TrialSucceeded";
    if (!t.objective) fail(spec, trials.size(), "trial " + t.name + " derived no objective");
    result.best_accuracy = std::max(result.best_accuracy, *t.objective);
    seen.insert(*architecture);
    trials.push_back(std::move(t));
    if (suggested.exhausted && static_cast<int>(trials.size()) < budget) {
      result.completion = "SuggestionEndReached";
      break;
    }
  }
  if (result.completion.empty()) result.completion = "MaxTrialsReached";
  result.evaluations = static_cast<int>(trials.size());
  result.distinct = static_cast<int>(seen.size());
  // Where the search spends its late trials: a method that learned samples better ones.
  const size_t late = std::max<size_t>(1, trials.size() / 4);
  if (!trials.empty()) {
    double sum = 0;
    for (size_t i = trials.size() - late; i < trials.size(); ++i) sum += *trials[i].objective;
    result.late_mean = sum / static_cast<double>(late);
  }
  return result;
}

}  // namespace sextant::bench::nas
