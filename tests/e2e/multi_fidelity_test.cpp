// End-to-end: Hyperband, ASHA and PBT runs whose trials resume from their parent's checkpoint.
#include <map>

#include <catch2/catch.hpp>

#include "tests/e2e/run_support.hpp"

using namespace sextant::testing;

namespace {

// A worker that trains from its checkpoint ($SEXTANT_CHECKPOINT_DIR/epoch) up to `epochs`,
// reporting the first epoch it trains (first_epoch) and loss = x + 1/epoch per epoch.
const char* kResumingWorker =
    "ckpt=\"$SEXTANT_CHECKPOINT_DIR/epoch\"; done=0; [ -f \"$ckpt\" ] && done=$(cat \"$ckpt\"); "
    "echo \"first_epoch=$((done + 1))\"; e=$done; "
    "while [ $e -lt ${trialParameters.epochs} ]; do e=$((e + 1)); "
    "echo \"epoch=$e loss=$(awk \"BEGIN{print ${trialParameters.x} + 1/$e}\")\"; "
    "echo $e > \"$ckpt\"; done";

SpecOptions resuming_experiment(const std::string& algorithm, const std::string& settings) {
  SpecOptions o;
  o.name = algorithm;
  o.algorithm = algorithm;
  o.settings = settings;
  o.parallel = 3;
  o.extra_objective = "    additionalMetricNames: [first_epoch]\n";
  o.parameters +=
      "    - name: epochs\n      parameterType: int\n      feasibleSpace:\n"
      "        min: \"1\"\n        max: \"9\"\n";
  o.trial_parameters = {"x", "epochs"};
  o.command = {"/bin/sh", "-c", kResumingWorker};
  return o;
}

std::string label(const json& trial, const std::string& key) {
  const auto& labels = trial["metadata"]["labels"];
  return labels.contains(key) ? labels[key].get<std::string>() : "";
}

std::string parameter(const json& trial, const std::string& name) {
  for (const auto& a : trial["spec"]["parameterAssignments"])
    if (a["name"] == name) return a["value"];
  return "";
}

std::string metric_latest(const json& trial, const std::string& name) {
  for (const auto& m : trial["status"]["observation"]["metrics"])
    if (m["name"] == name) return m["latest"];
  return "";
}

// Every trial that continues another starts at the epoch after its parent's last one, so the
// controller copied the parent's checkpoint; returns how many trials resumed.
int check_resumed_from_parents(const json& trials) {
  std::map<std::string, const json*> by_name;
  for (const auto& t : trials) by_name[t["metadata"]["name"]] = &t;
  int resumed = 0;
  for (const auto& t : trials) {
    std::string parent = label(t, "sextant/resume-from");
    if (parent.empty()) {
      CHECK(metric_latest(t, "first_epoch") == "1");
      continue;
    }
    REQUIRE(by_name.count(parent));
    const json& p = *by_name[parent];
    INFO(t["metadata"]["name"] << " continues " << parent);
    CHECK(parameter(t, "x") == parameter(p, "x"));
    CHECK(std::stoi(metric_latest(t, "first_epoch")) == std::stoi(parameter(p, "epochs")) + 1);
    ++resumed;
  }
  return resumed;
}

}  // namespace

TEST_CASE("hyperband runs its brackets, resumes promotions, and ends by itself", "[e2e]") {
  TempDir dir;
  auto o = resuming_experiment("hyperband",
                               "      - name: r_l\n        value: \"9\"\n"
                               "      - name: eta\n        value: \"3\"\n"
                               "      - name: resource_name\n        value: epochs\n");
  o.max_trials = 100;
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentSuggestionEndReached");
  // Brackets for r_l 9, eta 3: 9@1 -> 3@3 -> 1@9, 5@3 -> 1@9, 3@9.
  REQUIRE(r.trials.size() == 22);
  std::map<std::string, int> by_epochs;
  for (const auto& t : r.trials) {
    CHECK(last_state(t) == "Succeeded");
    ++by_epochs[parameter(t, "epochs")];
  }
  CHECK(by_epochs == std::map<std::string, int>{{"1", 9}, {"3", 8}, {"9", 5}});
  CHECK(check_resumed_from_parents(r.trials) == 3 + 1 + 1);  // promotions of brackets 2 and 1
}

TEST_CASE("asha as an algorithm promotes into resumed trials", "[e2e]") {
  TempDir dir;
  auto o = resuming_experiment("asha",
                               "      - name: resource_name\n        value: epochs\n"
                               "      - name: min_resource\n        value: \"1\"\n"
                               "      - name: max_resource\n        value: \"9\"\n");
  o.max_trials = 24;
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  REQUIRE(r.trials.size() == 24);
  CHECK(check_resumed_from_parents(r.trials) >= 3);
  int top = 0;
  for (const auto& t : r.trials) top += parameter(t, "epochs") == "9";
  CHECK(top >= 1);
}

TEST_CASE("pbt copies the parent's checkpoint directory into each new generation", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.name = "pbt";
  o.algorithm = "pbt";
  o.settings =
      "      - name: n_population\n        value: \"5\"\n"
      "      - name: truncation_threshold\n        value: \"0.4\"\n"
      "      - name: suggestion_trial_dir\n        value: /var/log/katib/checkpoints/\n";
  o.parallel = 5;
  o.max_trials = 15;
  o.extra_objective = "    additionalMetricNames: [lineage]\n";
  // The command names Katib's container path; locally it is the trial's checkpoint directory.
  // Each trial counts the lines its ancestors wrote (lineage), then adds its own.
  o.command = {"/bin/sh", "-c",
               "d=/var/log/katib/checkpoints; test \"$d\" = \"$SEXTANT_CHECKPOINT_DIR\" || exit 9; "
               "n=$(cat $d/history 2>/dev/null | wc -l); echo lineage=$n; "
               "echo ${trialParameters.x} >> $d/history; echo loss=${trialParameters.x}"};
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  REQUIRE(r.trials.size() == 15);
  for (const auto& t : r.trials) {
    CHECK(last_state(t) == "Succeeded");
    std::string generation = label(t, "pbt.suggestion.katib.kubeflow.org/generation");
    CHECK(metric_latest(t, "lineage") == generation);
    CHECK(label(t, "pbt.suggestion.katib.kubeflow.org/parent") == label(t, "sextant/resume-from"));
  }
}

TEST_CASE("a checkpoint that cannot be copied fails the child trial, not the experiment", "[e2e]") {
  TempDir dir;
  auto o = resuming_experiment("hyperband",
                               "      - name: r_l\n        value: \"9\"\n"
                               "      - name: eta\n        value: \"3\"\n"
                               "      - name: resource_name\n        value: epochs\n");
  o.max_trials = 100;
  // Every trial leaves a dangling symlink in its checkpoint: copying it for a child fails.
  o.command[2] = std::string(kResumingWorker) +
                 "; ln -sf /nonexistent/weights \"$SEXTANT_CHECKPOINT_DIR/broken\"";
  auto r = run_spec(dir, o);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentSuggestionEndReached");
  int failed = 0;
  for (const auto& t : r.trials) {
    if (last_state(t) != "Failed") continue;
    ++failed;
    CHECK(!label(t, "sextant/resume-from").empty());
    CHECK_THAT(t["status"]["conditions"].back()["message"].get<std::string>(),
               Catch::StartsWith("StartError: cannot copy the checkpoint of trial " +
                                 label(t, "sextant/resume-from")));
  }
  CHECK(failed >= 1);
}
