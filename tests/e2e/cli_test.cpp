// End-to-end: validate (conformance and bad input), get/best/logs output formats, exit codes.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.hpp"
#include "tests/e2e/spec_builder.hpp"
#include "tests/support/shared_dir.hpp"

using nlohmann::json;
using namespace sextant::testing;

TEST_CASE("validate accepts the Katib conformance files and rejects the invalid one", "[e2e]") {
  auto dir = require_conformance_dir();
  int checked = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml") continue;
    auto file = entry.path().filename().string();
    auto r = run_sextant({"validate", "-f", entry.path().string(), "-o", "json"});
    INFO(file << "\n" << r.err);
    ++checked;
    if (file == "e2e_invalid-experiment.yaml") {
      CHECK(r.exit_code == 2);
      CHECK_THAT(r.err, Catch::Contains("spec.algorithm.algorithmName"));
      CHECK_THAT(r.err, Catch::Contains("random"));
      CHECK_THAT(r.err, Catch::Contains("grid"));
      continue;
    }
    if (r.exit_code == 0) {
      auto doc = json::parse(r.out);
      CHECK(doc["kind"] == "Experiment");
      CHECK(doc["spec"]["parallelTrialCount"].is_number());
      CHECK(doc["spec"]["resumePolicy"].is_string());
      continue;
    }
    // Only an algorithm this build does not implement yet may reject a conformance file.
    CHECK(r.exit_code == 2);
    CHECK_THAT(r.err, Catch::Contains("not implemented yet"));
    CHECK_THAT(r.err, Catch::Contains("\n1 error in the spec"));
  }
  CHECK(checked >= 15);
}

TEST_CASE("validate lists every error with file, line, column and path", "[e2e]") {
  TempDir dir;
  auto file = dir.write("bad.yaml", R"(apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: bad
spec:
  objective:
    type: minimize
    objectiveMetricName: loss
  algorithm:
    algorithmName: random
    algorithmSettings:
      - name: no_such_setting
        value: "1"
  parallelTrialCount: "three"
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace:
        min: "0.5"
        max: "0.1"
    - name: opt
      parameterType: categorical
      feasibleSpace:
        list: []
  trialTemplate:
    primaryContainerName: main
    trialParameters:
      - name: lr
        reference: lr
      - name: opt
        reference: opt
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: main
                image: x
                command: ["train", "--lr=${trialParameters.lr}", "--opt=${trialParameters.opt}"]
)");
  auto r = run_sextant({"validate", "-f", file});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(file + ":12:"));  // the unknown setting
  CHECK_THAT(r.err, Catch::Contains("no_such_setting"));
  CHECK_THAT(r.err, Catch::Contains("random_state"));  // the known settings are listed
  CHECK_THAT(r.err, Catch::Contains("spec.parallelTrialCount"));
  CHECK_THAT(r.err, Catch::Contains("three"));
  CHECK_THAT(r.err, Catch::Contains("spec.parameters[0].feasibleSpace"));
  CHECK_THAT(r.err, Catch::Contains("spec.parameters[1].feasibleSpace.list"));
}

TEST_CASE("validate locates malformed YAML and refuses a missing file", "[e2e]") {
  TempDir dir;
  auto file = dir.write("broken.yaml", "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nspec:\n  objective: [unclosed\n");
  auto r = run_sextant({"validate", "-f", file});
  CHECK(r.exit_code == 2);
  CHECK_THAT(r.err, Catch::Contains(file + ":"));
  auto missing = run_sextant({"validate", "-f", (dir / "nope.yaml").string()});
  CHECK(missing.exit_code == 3);
}

TEST_CASE("get, best and logs print records in every format", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.name = "formats";
  o.max_trials = 3;
  o.command = {"/bin/sh", "-c", "echo hello from ${trialParameters.x}; echo loss=${trialParameters.x}"};
  auto spec = dir.write("formats.yaml", build_spec(o));
  auto db = (dir / "f.db").string();
  REQUIRE(run_sextant({"--db", db, "run", "-f", spec, "--progress", "none"}).exit_code == 0);

  auto table = run_sextant({"--db", db, "get", "experiments"});
  CHECK(table.exit_code == 0);
  CHECK_THAT(table.out, Catch::Contains("formats"));
  CHECK_THAT(table.out, Catch::Contains("Succeeded"));

  auto csv = run_sextant({"--db", db, "get", "trials", "formats", "-o", "csv"});
  CHECK(csv.exit_code == 0);
  CHECK(std::count(csv.out.begin(), csv.out.end(), '\n') == 4);  // header + 3 trials
  CHECK(csv.out.rfind("NAME,STATE,loss,x,", 0) == 0);

  auto yaml = run_sextant({"--db", db, "get", "experiment", "formats", "-o", "yaml"});
  CHECK(yaml.exit_code == 0);
  CHECK_THAT(yaml.out, Catch::Contains("currentOptimalTrial:"));

  auto best = run_sextant({"--db", db, "best", "formats", "-o", "json"});
  REQUIRE(best.exit_code == 0);
  auto b = json::parse(best.out);
  std::string trial = b["bestTrialName"];
  auto logs = run_sextant({"--db", db, "logs", trial});
  CHECK(logs.exit_code == 0);
  CHECK_THAT(logs.out, Catch::Contains("hello from " + b["parameterAssignments"][0]["value"].get<std::string>()));

  CHECK(run_sextant({"--db", db, "get", "experiment", "nope"}).exit_code == 3);
  CHECK(run_sextant({"--db", db, "logs", "nope-12345678"}).exit_code == 3);
  CHECK(run_sextant({"--db", db, "get", "experiments", "-o", "xml"}).exit_code == 2);
  CHECK(run_sextant({"--db", (dir / "absent.db").string(), "get", "experiments"}).exit_code == 3);
}
