// End-to-end: Katib's own median-stop and Hyperband examples, with only their trial command
// replaced by examples/mlp-digits/train.py, run to completion.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/e2e/run_support.hpp"
#include "tests/support/shared_dir.hpp"

using namespace sextant::testing;

namespace {

const std::string kTrainPy = std::string(SEXTANT_SOURCE_DIR) + "/examples/mlp-digits/train.py";

Ran run_katib(const TempDir& dir, const std::string& spec_text, const std::string& name) {
  auto spec = dir.write(name + ".yaml", spec_text);
  auto db = (dir / "katib.db").string();
  Ran r;
  r.run = run_sextant({"--db", db, "run", "-f", spec, "--progress", "lines", "--grace", "1"});
  r.experiment =
      json::parse(run_sextant({"--db", db, "get", "experiment", name, "-o", "json"}).out);
  r.trials = json::parse(run_sextant({"--db", db, "get", "trials", name, "-o", "json"}).out);
  return r;
}

}  // namespace

TEST_CASE("Katib's median-stop example runs with the MLP example as its trial", "[e2e]") {
  TempDir dir;
  auto spec = katib_spec("early-stopping_median-stop.yaml",
                         {{"\"python3\"", "\"/usr/bin/python3\""},
                          {"\"/opt/pytorch-mnist/mnist.py\"", "\"" + kTrainPy + "\""},
                          {"\"--epochs=1\"", "\"--epochs=8\""}});
  auto r = run_katib(dir, spec, "median-stop");
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  const auto& status = r.experiment["status"];
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentMaxTrialsReached");
  CHECK(status["trials"] == 15);
  CHECK(status["trialsSucceeded"].get<int>() + status["trialsEarlyStopped"].get<int>() == 15);
  // Every early-stopped trial was stopped before its last epoch, by the median rule.
  for (const auto& t : r.trials) {
    if (last_state(t) != "EarlyStopped") continue;
    const auto& last = t["status"]["conditions"].back();
    CHECK(last["reason"] == "TrialEarlyStopped");
    CHECK_THAT(last["message"].get<std::string>(), Catch::Contains("(medianstop)"));
  }
}

TEST_CASE("Katib's Hyperband example runs with the MLP example as its trial", "[e2e]") {
  TempDir dir;
  auto spec = katib_spec("hp-tuning_hyperband.yaml",
                         {{"\"python3\"", "\"/usr/bin/python3\""},
                          {"\"/opt/pytorch-mnist/mnist.py\"", "\"" + kTrainPy + "\""}});
  auto r = run_katib(dir, spec, "hyperband");
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  // Katib's maxTrialCount 2 ends it after the first bracket's rung 0 (r_l 2, eta 2: 2 configs
  // at 1 epoch).
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentMaxTrialsReached");
  REQUIRE(r.trials.size() == 2);
  for (const auto& t : r.trials) {
    CHECK(last_state(t) == "Succeeded");
    for (const auto& a : t["spec"]["parameterAssignments"])
      if (a["name"] == "num-epochs") CHECK(a["value"] == "1");
  }
}
