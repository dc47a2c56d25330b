// medianstop on recorded learning curves: trials that must be stopped, trials that must not.
#include <catch2/catch.hpp>

#include "algorithms/medianstop/median_stop.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::MedianStop;
using algorithms::MedianStopFactory;
using engine::LearningCurves;
using engine::ObjectiveType;
using engine::StopDecision;
using engine::Trial;
using engine::TrialState;

// Validation accuracy per epoch of an MLP on digits (steps 1..8), recorded from
// examples/mlp-digits: three healthy runs and a learning rate too small to learn.
const std::vector<double> kGoodA = {0.62, 0.81, 0.88, 0.91, 0.93, 0.94, 0.95, 0.95};
const std::vector<double> kGoodB = {0.55, 0.78, 0.86, 0.90, 0.92, 0.94, 0.94, 0.95};
const std::vector<double> kGoodC = {0.58, 0.80, 0.87, 0.90, 0.93, 0.93, 0.94, 0.96};
const std::vector<double> kTooSlow = {0.11, 0.13, 0.16, 0.19, 0.22, 0.25, 0.28, 0.31};
// Starts slow, then catches up: a late bloomer that beats the median from step 4 on.
const std::vector<double> kLateBloomer = {0.30, 0.60, 0.85, 0.92, 0.95, 0.96, 0.96, 0.97};

struct Experiment {
  std::vector<Trial> trials;
  LearningCurves curves;

  // Adds a trial that reported `values` at steps 1..size (or the first `upto` of them).
  Trial& add(TrialState state, const std::vector<double>& values, size_t upto = 0) {
    trials.push_back(make_trial(trials.size(), {}, state));
    if (upto == 0) upto = values.size();
    for (size_t i = 0; i < upto; ++i)
      curves.add(trials.back().name, static_cast<int64_t>(i + 1), values[i]);
    return trials.back();
  }
};

MedianStop rule(int min_trials, int start_step, ObjectiveType type = ObjectiveType::kMaximize) {
  return MedianStop({min_trials, start_step}, type, "accuracy");
}

std::vector<double> negated(std::vector<double> values) {
  for (auto& v : values) v = -v;
  return values;
}

}  // namespace

TEST_CASE("medianstop: a trial far below the finished trials is stopped at start_step") {
  Experiment e;
  e.add(TrialState::kSucceeded, kGoodA);
  e.add(TrialState::kSucceeded, kGoodB);
  e.add(TrialState::kSucceeded, kGoodC);
  Trial slow = e.add(TrialState::kRunning, kTooSlow, 3);
  auto medianstop = rule(3, 3);
  StopDecision d = medianstop.evaluate(slow, e.trials, e.curves);
  REQUIRE(d.stop);
  CHECK_THAT(d.message, Catch::Contains("accuracy 0.16 (best so far at step 3)") &&
                            Catch::Contains("median 0.87 of the 3 finished trials"));
}

TEST_CASE("medianstop: nothing is decided before start_step or below min_trials_required") {
  Experiment e;
  e.add(TrialState::kSucceeded, kGoodA);
  e.add(TrialState::kSucceeded, kGoodB);
  Trial slow = e.add(TrialState::kRunning, kTooSlow, 3);
  CHECK_FALSE(rule(2, 4).evaluate(slow, e.trials, e.curves).stop);  // 3 reports < start_step 4
  CHECK_FALSE(rule(3, 3).evaluate(slow, e.trials, e.curves).stop);  // 2 peers < 3
  CHECK(rule(2, 3).evaluate(slow, e.trials, e.curves).stop);
}

TEST_CASE("medianstop: a late bloomer is judged at every step and kept once it catches up") {
  Experiment e;
  e.add(TrialState::kSucceeded, kGoodA);
  e.add(TrialState::kSucceeded, kGoodB);
  e.add(TrialState::kSucceeded, kGoodC);
  auto medianstop = rule(3, 1);
  // At step 1 and 2 it is behind; Katib would check once at start_step and stop it there.
  Trial bloomer = e.add(TrialState::kRunning, kLateBloomer, 2);
  CHECK(medianstop.evaluate(bloomer, e.trials, e.curves).stop);
  // With start_step 4 it is first judged at step 4, where it leads: it must run on.
  for (size_t step = 4; step <= kLateBloomer.size(); ++step) {
    Experiment later;
    later.add(TrialState::kSucceeded, kGoodA);
    later.add(TrialState::kSucceeded, kGoodB);
    later.add(TrialState::kSucceeded, kGoodC);
    Trial t = later.add(TrialState::kRunning, kLateBloomer, step);
    CHECK_FALSE(rule(3, 4).evaluate(t, later.trials, later.curves).stop);
  }
}

TEST_CASE("medianstop: a healthy trial is never stopped, a bad one is stopped at every step") {
  Experiment e;
  e.add(TrialState::kSucceeded, kGoodA);
  e.add(TrialState::kSucceeded, kGoodB);
  e.add(TrialState::kSucceeded, kGoodC);
  auto medianstop = rule(3, 2);
  for (size_t step = 2; step <= 8; ++step) {
    Experiment run = e;
    Trial good = run.add(TrialState::kRunning, kGoodA, step);
    CHECK_FALSE(medianstop.evaluate(good, run.trials, run.curves).stop);
    Experiment run2 = e;
    Trial slow = run2.add(TrialState::kRunning, kTooSlow, step);
    CHECK(medianstop.evaluate(slow, run2.trials, run2.curves).stop);
  }
}

TEST_CASE("medianstop: minimize compares the lowest loss so far with the median") {
  Experiment e;
  e.add(TrialState::kSucceeded, negated(kGoodA));
  e.add(TrialState::kSucceeded, negated(kGoodB));
  e.add(TrialState::kSucceeded, negated(kGoodC));
  Trial slow = e.add(TrialState::kRunning, negated(kTooSlow), 4);
  Trial good = e.add(TrialState::kRunning, negated(kLateBloomer), 4);
  auto medianstop = rule(3, 4, ObjectiveType::kMinimize);
  CHECK(medianstop.evaluate(slow, e.trials, e.curves).stop);
  CHECK_FALSE(medianstop.evaluate(good, e.trials, e.curves).stop);
}

TEST_CASE("medianstop: peers are finished trials that reached the step") {
  Experiment e;
  // Running trials, failed ones and trials that stopped before step 3 are not peers.
  e.add(TrialState::kRunning, kGoodA);
  e.add(TrialState::kFailed, kGoodB);
  e.add(TrialState::kEarlyStopped, kGoodC, 2);
  Trial slow = e.add(TrialState::kRunning, kTooSlow, 3);
  CHECK_FALSE(rule(1, 3).evaluate(slow, e.trials, e.curves).stop);
  // An early-stopped trial that did reach step 3 counts.
  e.add(TrialState::kEarlyStopped, kGoodA, 3);
  CHECK(rule(1, 3).evaluate(slow, e.trials, e.curves).stop);
}

TEST_CASE("medianstop: sparse reports use the peer's last value at or before the step") {
  Experiment e;
  for (int k = 0; k < 3; ++k) {
    e.trials.push_back(make_trial(e.trials.size(), {}, TrialState::kSucceeded));
    e.curves.add(e.trials.back().name, 2, 0.5);  // reports at steps 2 and 10 only
    e.curves.add(e.trials.back().name, 10, 0.9);
  }
  Trial t = e.add(TrialState::kRunning, {0.3, 0.35, 0.4, 0.45, 0.48}, 5);
  // At step 5 the peers' value is the one from step 2 (0.5); 0.48 is below it.
  StopDecision d = rule(3, 5).evaluate(t, e.trials, e.curves);
  REQUIRE(d.stop);
  CHECK_THAT(d.message, Catch::Contains("median 0.5 "));
}

TEST_CASE("medianstop: an even number of peers takes the mean of the middle two") {
  Experiment e;
  e.add(TrialState::kSucceeded, {0.2, 0.2});
  e.add(TrialState::kSucceeded, {0.4, 0.4});
  e.add(TrialState::kSucceeded, {0.6, 0.6});
  e.add(TrialState::kSucceeded, {0.8, 0.8});
  Trial below = e.add(TrialState::kRunning, {0.49, 0.49});
  Trial at = e.add(TrialState::kRunning, {0.5, 0.5});
  CHECK(rule(4, 2).evaluate(below, e.trials, e.curves).stop);
  CHECK_FALSE(rule(4, 2).evaluate(at, e.trials, e.curves).stop);  // strictly worse only
}

TEST_CASE("medianstop: start_step beyond the trials' length is reported as advice") {
  Experiment e;
  e.add(TrialState::kSucceeded, kGoodA);  // 8 reports each
  e.add(TrialState::kSucceeded, kGoodB);
  Trial t = e.add(TrialState::kRunning, kTooSlow, 3);
  StopDecision d = rule(2, 50).evaluate(t, e.trials, e.curves);
  CHECK_FALSE(d.stop);
  CHECK(d.message ==
        "medianstop: start_step is 50 but finished trials report at most 8 values of "
        "\"accuracy\", so no trial can be stopped; lower start_step "
        "(spec.earlyStopping.algorithmSettings)");
  CHECK(rule(3, 50).evaluate(t, e.trials, e.curves).message.empty());  // too few finished yet
  CHECK(rule(2, 8).evaluate(t, e.trials, e.curves).message.empty());   // reachable
}

TEST_CASE("medianstop: settings are Katib's, checked with their paths") {
  MedianStopFactory factory;
  auto spec = make_spec("random", {double_param("x", 0, 1)});
  spec.objective.type = ObjectiveType::kMaximize;
  spec.early_stopping = engine::AlgorithmSpec{"medianstop", {}};
  CHECK(factory.validate(spec).empty());

  spec.early_stopping->settings = {
      {"min_trials_required", "0"}, {"start_step", "two"}, {"patience", "3"}};
  auto problems = factory.validate(spec);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].path == "spec.earlyStopping.algorithmSettings[2].name");
  CHECK_THAT(problems[0].message,
             Catch::Contains("known settings: min_trials_required, start_step"));
  CHECK(problems[1].path == "spec.earlyStopping.algorithmSettings[0].value");
  CHECK(problems[1].message ==
        "min_trials_required must be an integer between 1 and 2147483647; "
        "found \"0\"");
  CHECK(problems[2].path == "spec.earlyStopping.algorithmSettings[1].value");

  // Katib's defaults when absent: min_trials_required 3, start_step 4.
  spec.early_stopping->settings = {};
  auto made = factory.create(spec);
  Experiment e;
  e.add(TrialState::kSucceeded, kGoodA);
  e.add(TrialState::kSucceeded, kGoodB);
  Trial t3 = e.add(TrialState::kRunning, kTooSlow, 4);
  CHECK_FALSE(made->evaluate(t3, e.trials, e.curves).stop);  // only 2 peers
  e.add(TrialState::kSucceeded, kGoodC);
  Trial t4 = e.add(TrialState::kRunning, kTooSlow, 3);
  CHECK_FALSE(made->evaluate(t4, e.trials, e.curves).stop);  // 3 reports < 4
  Trial t5 = e.add(TrialState::kRunning, kTooSlow, 4);
  CHECK(made->evaluate(t5, e.trials, e.curves).stop);
}

}  // namespace sextant::test
