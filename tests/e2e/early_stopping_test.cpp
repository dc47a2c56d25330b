// End-to-end: early-stopping rules judging real processes as their metrics stream in.
#include <chrono>

#include <catch2/catch.hpp>

#include "tests/e2e/run_support.hpp"

using namespace sextant::testing;

namespace {

// Grid over x = 1..6 with one trial at a time, so trial k has x = k. Trial x = `bad` learns
// nothing; the others climb. Each prints one "epoch=E accuracy=V" line per epoch.
SpecOptions climbing_trials(int bad, const std::string& bad_prefix = "") {
  SpecOptions o;
  o.algorithm = "grid";
  o.objective_type = "maximize";
  o.parallel = 1;
  o.max_trials = 6;
  o.parameters =
      "    - name: x\n      parameterType: int\n      feasibleSpace:\n"
      "        min: \"1\"\n        max: \"6\"\n";
  o.early_stopping =
      "  earlyStopping:\n    algorithmName: medianstop\n    algorithmSettings:\n"
      "      - name: min_trials_required\n        value: \"2\"\n"
      "      - name: start_step\n        value: \"2\"\n";
  std::string script =
      "x=${trialParameters.x}; e=0; "
      "if [ $x = " +
      std::to_string(bad) + " ]; then " + bad_prefix +
      "values='0.10 0.11 0.12 0.13 0.14 0.15'; "
      "else values='0.60 0.70 0.80 0.90 0.95 0.97'; fi; "
      "for v in $values; do e=$((e+1)); echo \"epoch=$e loss=$v\"; sleep 0.15; done";
  o.command = {"/bin/sh", "-c", script};
  return o;
}

// The experiment's events of `type`, from `sextant get events` (run_spec's database).
std::vector<json> events_of(const TempDir& dir, const std::string& experiment,
                            const std::string& type) {
  auto r =
      run_sextant({"--db", (dir / "test.db").string(), "get", "events", experiment, "-o", "json"});
  REQUIRE(r.exit_code == 0);
  std::vector<json> out;
  for (const auto& e : json::parse(r.out))
    if (e["type"] == type) out.push_back(e);
  return out;
}

}  // namespace

TEST_CASE("medianstop stops the trial that learns nothing and lets the others finish", "[e2e]") {
  TempDir dir;
  SpecOptions o = climbing_trials(4);
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  REQUIRE(r.trials.size() == 6);
  for (const auto& t : r.trials) {
    std::string x = t["spec"]["parameterAssignments"][0]["value"];
    const auto& last = t["status"]["conditions"].back();
    INFO("x=" << x << " " << t["status"].dump());
    if (x == "4") {
      CHECK(last["type"] == "EarlyStopped");
      CHECK(last["reason"] == "TrialEarlyStopped");
      CHECK_THAT(last["message"].get<std::string>(),
                 Catch::StartsWith("Trial is early stopped: loss 0.11 (best so far at step 2) "
                                   "is worse than the median 0.7 of the 3 finished trials"));
      // Stopped at its second epoch, not run to the end: far fewer than 6 values.
      CHECK(std::stod(t["status"]["observation"]["metrics"][0]["latest"].get<std::string>()) <
            0.14);
    } else {
      CHECK(last["type"] == "Succeeded");
    }
  }
  CHECK(r.experiment["status"]["trialsEarlyStopped"] == 1);
  CHECK(r.experiment["status"]["trialsSucceeded"] == 5);
  // The decision is in the event log, with the rule's words, for the stopped trial only.
  auto decisions = events_of(dir, o.name, "EarlyStopping");
  REQUIRE(decisions.size() == 1);
  CHECK(decisions[0]["trial"] == r.trials[3]["metadata"]["name"]);
  CHECK_THAT(decisions[0]["message"].get<std::string>(), Catch::EndsWith("(medianstop)"));
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentMaxTrialsReached");
}

TEST_CASE("a stopped trial that ignores SIGTERM is killed after the grace period", "[e2e]") {
  TempDir dir;
  // Trial 3 ignores SIGTERM (its children inherit that) and would otherwise run for a minute.
  SpecOptions o = climbing_trials(3,
                                  "trap '' TERM; echo epoch=1 loss=0.1; echo epoch=2 loss=0.1; "
                                  "sleep 60; ");
  o.max_trials = 3;
  auto started = std::chrono::steady_clock::now();
  auto r = run_spec(dir, o);  // --grace 1
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  REQUIRE(r.trials.size() == 3);
  CHECK(last_state(r.trials[2]) == "EarlyStopped");
  CHECK(r.trials[2]["status"]["conditions"].back()["reason"] == "TrialEarlyStopped");
  CHECK(seconds < 30);  // not the trial's 60 s: SIGKILL came after the 1 s grace
}

TEST_CASE("steps reported out of order or twice are kept and do not disturb the run", "[e2e]") {
  TempDir dir;
  SpecOptions o = climbing_trials(0);
  o.max_trials = 3;
  // Every trial reports step 3 first, then 1 and 2, then repeats step 3 with a new value.
  o.command = {"/bin/sh", "-c",
               "echo x=${trialParameters.x}; echo epoch=3 loss=0.8; echo epoch=1 loss=0.6; "
               "echo epoch=2 loss=0.7; "
               "echo epoch=3 loss=0.85"};
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  for (const auto& t : r.trials) {
    CHECK(last_state(t) == "Succeeded");
    const auto& loss = t["status"]["observation"]["metrics"][0];
    CHECK(loss["max"] == "0.85");
    CHECK(loss["latest"] == "0.85");
  }
  // Each trial's first out-of-order report is recorded once, as an event.
  auto reordered = events_of(dir, o.name, "MetricStepOutOfOrder");
  REQUIRE(reordered.size() == 3);
  CHECK_THAT(reordered[0]["message"].get<std::string>(),
             Catch::StartsWith("loss was reported for step 1, not after the newest step"));
}

TEST_CASE("a restarted engine judges with the learning curves stored before it", "[e2e]") {
  TempDir dir;
  SpecOptions o = climbing_trials(4);
  o.max_trials = 3;  // the first engine runs the three good trials and ends
  auto first = run_spec(dir, o);
  REQUIRE(first.run.exit_code == 0);
  REQUIRE(first.trials.size() == 3);
  o.max_trials = 6;  // a raised budget restarts the experiment in a new engine process
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  REQUIRE(r.trials.size() == 6);
  // Only the curves of the first engine's trials can make the median that stops trial 4.
  CHECK(last_state(r.trials[3]) == "EarlyStopped");
  CHECK_THAT(r.trials[3]["status"]["conditions"].back()["message"].get<std::string>(),
             Catch::Contains("median 0.7 of the 3 finished trials"));
  CHECK(r.experiment["status"]["trialsEarlyStopped"] == 1);
}

TEST_CASE("a start_step beyond the trials' length is said once, and nothing is stopped", "[e2e]") {
  TempDir dir;
  SpecOptions o = climbing_trials(4);
  o.max_trials = 4;
  o.early_stopping =
      "  earlyStopping:\n    algorithmName: medianstop\n    algorithmSettings:\n"
      "      - name: min_trials_required\n        value: \"2\"\n"
      "      - name: start_step\n        value: \"50\"\n";
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  CHECK(r.experiment["status"]["trialsEarlyStopped"] == 0);  // trial 4 learns nothing, yet runs
  auto advice = events_of(dir, o.name, "EarlyStoppingAdvice");
  REQUIRE(advice.size() == 1);
  CHECK_THAT(advice[0]["message"].get<std::string>(),
             Catch::StartsWith("medianstop: start_step is 50 but finished trials report at "
                               "most 6 values of \"loss\""));
  CHECK_THAT(r.run.err, Catch::Contains("medianstop: start_step is 50"));  // shown to the user
}
