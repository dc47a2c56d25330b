// Katib's completion order, counters, optimal trial and condition mechanics.
#include <catch2/catch.hpp>

#include "engine/controller/experiment_status.hpp"
#include "engine/controller/metrics_summary.hpp"

using namespace sextant::engine;

namespace {

Trial done(TrialState state, std::optional<double> objective, const std::string& name = "t") {
  Trial t;
  t.name = name;
  t.state = state;
  t.objective = objective;
  if (objective) t.objective_text = std::to_string(*objective);
  return t;
}

ExperimentSpec spec_with(std::optional<double> goal, std::optional<int> max_trials,
                         std::optional<int> max_failed) {
  ExperimentSpec s;
  s.objective.type = ObjectiveType::kMinimize;
  s.objective.goal = goal;
  s.max_trial_count = max_trials;
  s.max_failed_trial_count = max_failed;
  return s;
}

}  // namespace

TEST_CASE("completion order is goal, then max failed, then max trials", "[unit]") {
  std::vector<Trial> trials = {done(TrialState::kSucceeded, 0.1), done(TrialState::kFailed, {}),
                               done(TrialState::kMetricsUnavailable, {})};
  auto counts = count_trials(trials);
  CHECK(counts.completed() == 3);
  CHECK(counts.failed_for_budget() == 2);
  const Trial* best = &trials[0];
  CHECK(check_completion(spec_with(0.5, 3, 2), counts, best, false) == Completion::kGoalReached);
  CHECK(check_completion(spec_with(0.05, 3, 2), counts, best, false) == Completion::kMaxFailed);
  CHECK(check_completion(spec_with(0.05, 3, 5), counts, best, false) == Completion::kMaxTrials);
  CHECK(check_completion(spec_with({}, 10, {}), counts, best, false) == Completion::kNone);
  CHECK(check_completion(spec_with({}, 10, {}), counts, best, true) == Completion::kSuggestionEnd);
}

TEST_CASE("maxFailedTrialCount 0 fails on the first failure, unset never fails", "[unit]") {
  std::vector<Trial> none = {done(TrialState::kSucceeded, 1.0)};
  std::vector<Trial> one = {done(TrialState::kFailed, {})};
  CHECK(check_completion(spec_with({}, 10, 0), count_trials(none), nullptr, false) == Completion::kNone);
  CHECK(check_completion(spec_with({}, 10, 0), count_trials(one), nullptr, false) == Completion::kMaxFailed);
  CHECK(check_completion(spec_with({}, 10, {}), count_trials(one), nullptr, false) == Completion::kNone);
}

TEST_CASE("exhaustion waits for active trials", "[unit]") {
  std::vector<Trial> trials = {done(TrialState::kRunning, {})};
  CHECK(check_completion(spec_with({}, {}, {}), count_trials(trials), nullptr, true) == Completion::kNone);
}

TEST_CASE("optimal trial: strict improvement, ties keep the first, failures ignored", "[unit]") {
  ObjectiveSpec min_objective;
  min_objective.type = ObjectiveType::kMinimize;
  std::vector<Trial> trials = {done(TrialState::kSucceeded, 0.5, "a"), done(TrialState::kSucceeded, 0.2, "b"),
                               done(TrialState::kSucceeded, 0.2, "c"), done(TrialState::kFailed, 0.0, "d")};
  CHECK(optimal_trial(min_objective, trials)->name == "b");
  ObjectiveSpec max_objective;
  max_objective.type = ObjectiveType::kMaximize;
  CHECK(optimal_trial(max_objective, trials)->name == "a");
  Trial genotype = done(TrialState::kSucceeded, {}, "g");
  genotype.objective_text = "Genotype(normal=[...])";
  trials.push_back(genotype);
  CHECK(optimal_trial(min_objective, trials)->name == "g");  // Katib: non-numeric wins
}

TEST_CASE("condition mechanics follow Katib", "[unit]") {
  ExperimentStatus s;
  s.set_condition("Created", true, "ExperimentCreated", "", 1);
  s.set_condition("Running", true, "ExperimentRunning", "", 2);
  s.set_condition("Running", true, "ExperimentRunning", "", 3);  // no-op
  CHECK(s.conditions.size() == 2);
  CHECK(s.find("Running")->last_update_time == 2);
  s.set_condition("Succeeded", true, "ExperimentMaxTrialsReached", "", 4);
  CHECK_FALSE(s.find("Running")->status);
  CHECK(s.completed());
  CHECK(s.completion_reason() == "ExperimentMaxTrialsReached");
  s.set_condition("Restarting", true, "ExperimentRestarting", "", 5);
  CHECK_FALSE(s.completed());
  auto back = ExperimentStatus::from_json(s.to_json());
  CHECK(back.conditions.size() == s.conditions.size());
  CHECK(back.conditions.back().type == "Restarting");
}

TEST_CASE("metric summaries and strategies follow Katib", "[unit]") {
  MetricSummary m{"loss"};
  for (auto v : {"0.5", "0.2", "garbage", "0.9"}) fold_value(m, v);
  CHECK(m.min == "0.2");
  CHECK(m.max == "0.9");
  CHECK(m.latest == "0.9");
  ObjectiveSpec objective;
  objective.objective_metric_name = "loss";
  objective.metric_strategies = {{"loss", MetricStrategy::kMin}};
  CHECK(strategy_value(objective, {m}, "loss") == "0.2");
  objective.metric_strategies = {{"loss", MetricStrategy::kLatest}};
  CHECK(strategy_value(objective, {m}, "loss") == "0.9");
  MetricSummary only_text{"loss"};
  fold_value(only_text, "Genotype(x)");
  objective.metric_strategies = {{"loss", MetricStrategy::kMin}};
  CHECK(strategy_value(objective, {only_text}, "loss") == "Genotype(x)");  // min falls back to latest
  // Values are numbers the way parse_finite_number reads them: spaced or signed ones count,
  // nan and inf never become min or max.
  MetricSummary lenient{"loss"};
  for (auto v : {"0.5", " +1e-3 ", "nan", "-inf", "inf"}) fold_value(lenient, v);
  CHECK(lenient.min == " +1e-3 ");
  CHECK(lenient.max == "0.5");
  CHECK(lenient.latest == "inf");
}
