// End-to-end: `sextant run` on real processes, Katib's completion rules, and bad trials.
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.hpp"

using nlohmann::json;
using namespace sextant::testing;


TEST_CASE("run completes with ExperimentMaxTrialsReached and the optimal trial is the best one", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.command = {"/bin/sh", "-c", "echo epoch=1 loss=9; echo loss=${trialParameters.x}"};
  o.max_trials = 5;
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  auto& status = r.experiment["status"];
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentMaxTrialsReached");
  CHECK(condition(r.experiment, "Running")["status"] == "False");
  CHECK(status["trials"] == 5);
  CHECK(status["trialsSucceeded"] == 5);
  REQUIRE(r.trials.size() == 5);
  // loss = x; the strategy for minimize is min, and "epoch=1 loss=9" came first, so min is x.
  double best = 1e9;
  std::string best_name;
  for (const auto& t : r.trials) {
    CHECK(last_state(t) == "Succeeded");
    double x = std::stod(t["spec"]["parameterAssignments"][0]["value"].get<std::string>());
    const auto& loss = t["status"]["observation"]["metrics"][0];
    CHECK(std::stod(loss["min"].get<std::string>()) == Approx(x));
    CHECK(loss["max"] == "9");
    if (x < best) best = x, best_name = t["metadata"]["name"];
  }
  CHECK(status["currentOptimalTrial"]["bestTrialName"] == best_name);
  CHECK(r.experiment["apiVersion"] == "kubeflow.org/v1beta1");
  CHECK(r.experiment["kind"] == "Experiment");
  CHECK(r.experiment["spec"]["parallelTrialCount"] == 2);
}

TEST_CASE("goal reached ends the experiment with ExperimentGoalReached", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.goal = "2";  // every x in [0,1] satisfies loss <= 2
  o.parallel = 1;
  o.max_trials = 10;
  o.command = {"/bin/sh", "-c", "echo loss=${trialParameters.x}"};
  auto r = run_spec(dir, o);
  REQUIRE(r.run.exit_code == 0);
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentGoalReached");
  CHECK(r.experiment["status"]["trials"] == 1);
}

TEST_CASE("grid runs every point once and ends with ExperimentSuggestionEndReached", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.algorithm = "grid";
  o.max_trials = -1;
  o.parameters =
      "    - name: x\n      parameterType: categorical\n      feasibleSpace:\n        list: [\"1\", \"2\", \"3\"]\n"
      "    - name: y\n      parameterType: int\n      feasibleSpace:\n        min: \"1\"\n        max: \"2\"\n";
  o.trial_parameters = {"x", "y"};
  o.command = {"/bin/sh", "-c", "echo loss=${trialParameters.x}${trialParameters.y}"};
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentSuggestionEndReached");
  REQUIRE(r.trials.size() == 6);
  std::set<std::string> seen;
  for (const auto& t : r.trials)
    seen.insert(t["spec"]["parameterAssignments"][0]["value"].get<std::string>() +
                t["spec"]["parameterAssignments"][1]["value"].get<std::string>());
  CHECK(seen == std::set<std::string>{"11", "12", "21", "22", "31", "32"});
  CHECK(r.experiment["status"]["currentOptimalTrial"]["observation"]["metrics"][0]["min"] == "11");
}

TEST_CASE("maxFailedTrialCount 0 fails the experiment on the first failure (exit 5)", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.max_failed = 0;
  o.parallel = 1;
  o.command = {"/bin/sh", "-c", "echo about to fail at ${trialParameters.x}; exit 3"};
  auto r = run_spec(dir, o);
  CHECK(r.run.exit_code == 5);
  CHECK(condition(r.experiment, "Failed")["reason"] == "ExperimentFailed");
  REQUIRE(r.trials.size() == 1);
  CHECK(last_state(r.trials[0]) == "Failed");
  auto message = r.trials[0]["status"]["conditions"].back()["message"].get<std::string>();
  CHECK_THAT(message, Catch::Contains("status 3"));
  CHECK_THAT(message, Catch::Contains("about to fail"));
}

TEST_CASE("a trial without its objective is MetricsUnavailable and counts as failed", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.max_failed = 2;
  o.parallel = 1;
  o.command = {"/bin/sh", "-c", "echo 'garbage ### loss: not=a=number'; echo accuracy=${trialParameters.x}"};
  auto r = run_spec(dir, o);
  CHECK(r.run.exit_code == 5);
  CHECK(r.experiment["status"]["trialMetricsUnavailable"] == 2);
  auto message = r.trials[0]["status"]["conditions"].back()["message"].get<std::string>();
  CHECK(last_state(r.trials[0]) == "MetricsUnavailable");
  CHECK_THAT(message, Catch::Contains("\"loss\""));
}

TEST_CASE("a command that does not exist fails its trial, not the engine", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.max_failed = 2;
  o.command = {"./no-such-training-script", "--x=${trialParameters.x}"};
  auto r = run_spec(dir, o);
  CHECK(r.run.exit_code == 5);
  REQUIRE(r.trials.size() >= 2);
  auto message = r.trials[0]["status"]["conditions"].back()["message"].get<std::string>();
  CHECK_THAT(message, Catch::Contains("no such file"));
  CHECK_THAT(message, Catch::Contains("no-such-training-script"));
}

TEST_CASE("a trial past its activeDeadlineSeconds is stopped and fails", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.max_trials = 1;
  o.parallel = 1;
  o.deadline = "1";
  o.command = {"/bin/sh", "-c", "echo loss=${trialParameters.x}; sleep 60"};
  auto started = std::chrono::steady_clock::now();
  auto r = run_spec(dir, o);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(30));
  REQUIRE(r.trials.size() == 1);
  CHECK(last_state(r.trials[0]) == "Failed");
  CHECK_THAT(r.trials[0]["status"]["conditions"].back()["message"].get<std::string>(),
             Catch::Contains("DeadlineExceeded"));
}

TEST_CASE("a trial killed by a signal fails with the signal named", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.max_trials = 1;
  o.parallel = 1;
  o.command = {"/bin/sh", "-c", "echo loss=${trialParameters.x}; kill -9 $$$$"};
  auto r = run_spec(dir, o);
  REQUIRE(r.trials.size() == 1);
  CHECK(last_state(r.trials[0]) == "Failed");
  CHECK_THAT(r.trials[0]["status"]["conditions"].back()["message"].get<std::string>(),
             Catch::Contains("SIGKILL"));
}

TEST_CASE("maximize with metricStrategies latest uses the last value", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.objective_type = "maximize";
  o.extra_objective = "    metricStrategies:\n      - name: loss\n        value: latest\n";
  o.max_trials = 2;
  o.command = {"/bin/sh", "-c", "echo loss=100; echo loss=${trialParameters.x}"};
  auto r = run_spec(dir, o);
  REQUIRE(r.run.exit_code == 0);
  auto best = r.experiment["status"]["currentOptimalTrial"];
  double value = std::stod(best["observation"]["metrics"][0]["latest"].get<std::string>());
  CHECK(value < 1.0);  // latest (x), not max (100)
}

TEST_CASE("workers report by push with `sextant report`", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.max_trials = 3;
  o.collector = "  metricsCollectorSpec:\n    collector:\n      kind: Push\n";
  o.command = {"/bin/sh", "-c",
               sextant_binary() + " report loss=7 --step 0 && " + sextant_binary() +
                   " report loss=${trialParameters.x} --step 1"};
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  for (const auto& t : r.trials) {
    CHECK(last_state(t) == "Succeeded");
    const auto& loss = t["status"]["observation"]["metrics"][0];
    CHECK(std::stod(loss["max"].get<std::string>()) == 7.0);
    CHECK(std::stod(loss["min"].get<std::string>()) ==
          Approx(std::stod(t["spec"]["parameterAssignments"][0]["value"].get<std::string>())));
  }
}

TEST_CASE("pushes with a wrong token or a NaN are refused and store nothing", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.max_trials = 1;
  o.parallel = 1;
  o.collector = "  metricsCollectorSpec:\n    collector:\n      kind: Push\n";
  const std::string report = sextant_binary() + " report";
  o.command = {"/bin/sh", "-c",
               "SEXTANT_REPORT_TOKEN=wrong " + report + " loss=5; echo wrong-token-exit=$$?; " +
                   report + " loss=nan; echo nan-exit=$$?; " + report +
                   " loss=${trialParameters.x}"};
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  REQUIRE(r.trials.size() == 1);
  const auto& loss = r.trials[0]["status"]["observation"]["metrics"][0];
  CHECK(loss["min"] == loss["max"]);  // only the valid value was stored
  auto db = (dir / "test.db").string();
  auto logs = run_sextant({"--db", db, "logs", r.trials[0]["metadata"]["name"]});
  CHECK_THAT(logs.out, Catch::Contains("401"));
  CHECK_THAT(logs.out, Catch::Contains("wrong-token-exit=2"));  // refused: invalid request
  CHECK_THAT(logs.out, Catch::Contains("nan-exit=2"));
}
