// `sextant run --backend kfp` against a loopback fake Kubeflow Pipelines API that runs the
// pipelines' steps as local processes; the steps push their metrics with `sextant report`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.hpp"
#include "tests/support/fake_kfp/fake_kfp.hpp"

namespace sextant::testing {
namespace {

using nlohmann::json;

const std::string kSextant = SEXTANT_BINARY_DIR "/sextant";

struct KfpRun {
  ProcessResult run;
  json experiment;
  json trials;
};

KfpRun run_on_kfp(const TempDir& dir, const FakeKfp& kfp, const SpecOptions& options,
                  std::vector<std::string> extra = {}) {
  auto spec = dir.write(options.name + ".yaml", build_spec(options));
  auto db = (dir / "kfp.db").string();
  std::vector<std::string> args{"--db", db, "run", "-f", spec, "--progress", "lines",
                                "--backend", "kfp", "--kfp-url", kfp.url()};
  args.insert(args.end(), extra.begin(), extra.end());
  KfpRun r;
  r.run = run_sextant(args);
  INFO(r.run.err);
  auto exp = run_sextant({"--db", db, "get", "experiment", options.name, "-o", "json"});
  REQUIRE(exp.exit_code == 0);
  r.experiment = json::parse(exp.out);
  auto trials = run_sextant({"--db", db, "get", "trials", options.name, "-o", "json"});
  REQUIRE(trials.exit_code == 0);
  r.trials = json::parse(trials.out);
  return r;
}

double assigned_x(const json& trial) {
  for (const auto& a : trial["spec"]["parameterAssignments"])
    if (a["name"] == "x") return std::stod(a["value"].get<std::string>());
  FAIL("trial without x");
  return 0;
}

}  // namespace

TEST_CASE("kfp backend: each trial is a run of a pipeline generated from the Job", "[e2e]") {
  TempDir dir;
  FakeKfp kfp({dir.path(), {}, ""});
  SpecOptions options;
  options.name = "kfp-generated";
  options.max_trials = 4;
  options.command = {kSextant, "report", "loss=${trialParameters.x}"};
  auto r = run_on_kfp(dir, kfp, options);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  CHECK(condition(r.experiment, "Succeeded")["reason"] == "ExperimentMaxTrialsReached");
  REQUIRE(r.trials.size() == 4);
  auto runs = kfp.runs();
  REQUIRE(runs.size() == 4);
  for (const auto& trial : r.trials) {
    CHECK(last_state(trial) == "Succeeded");
    // The value the step pushed is the value the trial was given.
    double objective = trial["status"]["observation"]["metrics"][0]["latest"].is_string()
                           ? std::stod(trial["status"]["observation"]["metrics"][0]["latest"]
                                           .get<std::string>())
                           : -1;
    CHECK(objective == Approx(assigned_x(trial)).epsilon(1e-9));
    bool found = false;
    for (const auto& run : runs)
      if (run["display_name"] == trial["metadata"]["name"]) {
        found = true;
        CHECK(run["state"] == "SUCCEEDED");
      }
    CHECK(found);
  }
}

TEST_CASE("kfp backend: a compiled pipeline gets the trial's values as typed runtime parameters",
          "[e2e]") {
  TempDir dir;
  FakeKfp kfp({dir.path(), {}, "kfp-token"});
  auto token = dir.write("token", "kfp-token\n");
  json pipeline = {
      {"pipelineInfo", {{"name", "two-steps"}}},
      {"schemaVersion", "2.1.0"},
      {"components",
       {{"comp-prepare", {{"executorLabel", "exec-prepare"}}},
        {"comp-train", {{"executorLabel", "exec-train"}}}}},
      {"deploymentSpec",
       {{"executors",
         {{"exec-prepare", {{"container", {{"image", "busybox"}, {"command", {"/bin/true"}}}}}},
          {"exec-train",
           {{"container",
             {{"image", "trainer"},
              {"command", {kSextant}},
              {"args", {"report", "loss={{$.inputs.parameters['rate']}}"}},
              {"env",
               {{{"name", "SEXTANT_REPORT_URL"},
                 {"value", "{{$.inputs.parameters['sextant_report_url']}}"}},
                {{"name", "SEXTANT_REPORT_TOKEN"},
                 {"value", "{{$.inputs.parameters['sextant_report_token']}}"}},
                {{"name", "SEXTANT_TRIAL"},
                 {"value", "{{$.inputs.parameters['sextant_trial']}}"}}}}}}}}}}}},
      {"root",
       {{"inputDefinitions",
         {{"parameters",
           {{"rate", {{"parameterType", "NUMBER_DOUBLE"}}},
            {"sextant_report_url", {{"parameterType", "STRING"}}},
            {"sextant_report_token", {{"parameterType", "STRING"}}},
            {"sextant_trial", {{"parameterType", "STRING"}}}}}}},
        {"dag",
         {{"tasks",
           {{"prepare",
             {{"taskInfo", {{"name", "prepare"}}}, {"componentRef", {{"name", "comp-prepare"}}}}},
            {"train",
             {{"taskInfo", {{"name", "train"}}},
              {"componentRef", {{"name", "comp-train"}}},
              {"dependentTasks", {"prepare"}},
              {"inputs",
               {{"parameters",
                 {{"rate", {{"componentInputParameter", "rate"}}},
                  {"sextant_report_url", {{"componentInputParameter", "sextant_report_url"}}},
                  {"sextant_report_token", {{"componentInputParameter", "sextant_report_token"}}},
                  {"sextant_trial", {{"componentInputParameter", "sextant_trial"}}}}}}}}}}}}}}}};
  auto pipeline_file = dir.write("pipeline.json", pipeline.dump(2));

  SpecOptions options;
  options.name = "kfp-compiled";
  options.max_trials = 3;
  options.trial_parameters = {};  // the trialParameter is called "rate", see below
  options.command = {"unused", "${trialParameters.rate}"};
  std::string spec = build_spec(options);
  // trialParameters: rate <- x
  auto at = spec.find("    trialParameters:\n");
  spec.insert(at + std::string("    trialParameters:\n").size(),
              "      - name: rate\n        reference: x\n");
  auto spec_file = dir.write("kfp-compiled.yaml", spec);
  auto db = (dir / "kfp.db").string();
  auto run = run_sextant({"--db", db, "run", "-f", spec_file, "--progress", "lines", "--backend",
                          "kfp", "--kfp-url", kfp.url(), "--kfp-pipeline", pipeline_file,
                          "--kfp-token-file", token});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto runs = kfp.runs();
  REQUIRE(runs.size() == 3);
  for (const auto& r : runs) {
    CHECK(r["state"] == "SUCCEEDED");
    const json& p = r["runtime_config"]["parameters"];
    CHECK(p["rate"].is_number_float());  // typed by the pipeline, not a string
    CHECK(p["sextant_trial"] == r["display_name"]);
  }
  auto trials = json::parse(
      run_sextant({"--db", db, "get", "trials", "kfp-compiled", "-o", "json"}).out);
  for (const auto& t : trials) CHECK(last_state(t) == "Succeeded");
}

TEST_CASE("kfp backend: failed runs fail their trials with KFP's message, bad types fail to start",
          "[e2e]") {
  TempDir dir;
  FakeKfp kfp({dir.path(), {}, ""});
  SECTION("a step that exits non-zero") {
    SpecOptions options;
    options.name = "kfp-failing";
    options.max_trials = 2;
    options.max_failed = 1;
    options.command = {"/bin/sh", "-c", "exit 3", "${trialParameters.x}"};
    auto r = run_on_kfp(dir, kfp, options);
    CHECK(r.run.exit_code == 5);  // experiment failed
    int failed = 0;
    for (const auto& trial : r.trials) {
      const json& last = trial["status"]["conditions"].back();
      if (last["type"] != "Failed") continue;
      ++failed;
      CHECK(last["message"].get<std::string>().find("task trial failed: exited with status 3") !=
            std::string::npos);
    }
    CHECK(failed >= 1);  // the others may be killed when the experiment fails
  }
  SECTION("a pipeline parameter of the wrong type") {
    json pipeline = {{"pipelineInfo", {{"name", "p"}}},
                     {"components", json::object()},
                     {"deploymentSpec", {{"executors", json::object()}}},
                     {"root",
                      {{"inputDefinitions", {{"parameters", {{"x", {{"parameterType", "NUMBER_INTEGER"}}}}}}},
                       {"dag", {{"tasks", json::object()}}}}}};
    auto file = dir.write("p.json", pipeline.dump());
    SpecOptions options;
    options.name = "kfp-badtype";
    options.max_trials = 1;
    options.parallel = 1;
    options.max_failed = 0;
    options.command = {"unused", "${trialParameters.x}"};
    auto r = run_on_kfp(dir, kfp, options, {"--kfp-pipeline", file});
    REQUIRE(!r.trials.empty());
    const json& last = r.trials[0]["status"]["conditions"].back();
    CHECK(last["type"] == "Failed");
    CHECK(last["message"].get<std::string>().find("is NUMBER_INTEGER") != std::string::npos);
    CHECK(kfp.runs().empty());  // refused before anything was sent
  }
}

TEST_CASE("kfp backend: an Argo DAG template becomes one KFP task per step", "[e2e]") {
  TempDir dir;
  FakeKfp kfp({dir.path(), {}, ""});
  std::string spec = R"(apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: kfp-dag
spec:
  objective: {type: minimize, objectiveMetricName: loss}
  algorithm: {algorithmName: random}
  parallelTrialCount: 1
  maxTrialCount: 2
  parameters:
    - name: x
      parameterType: double
      feasibleSpace: {min: "0", max: "1"}
  trialTemplate:
    primaryContainerName: main
    successCondition: status.[@this].#(phase=="Succeeded")#
    failureCondition: status.[@this].#(phase=="Failed")#
    trialParameters:
      - name: x
        reference: x
    trialSpec:
      apiVersion: argoproj.io/v1alpha1
      kind: Workflow
      spec:
        entrypoint: dag
        templates:
          - name: dag
            dag:
              tasks:
                - name: prepare
                  template: prepare
                - name: train
                  template: train
                  dependencies: [prepare]
          - name: prepare
            container:
              image: busybox
              command: [/bin/sh, -c, "test -n \"$SEXTANT_TRIAL\""]
          - name: train
            container:
              image: trainer
              command: [SEXTANT, report, "loss=${trialParameters.x}"]
)";
  spec.replace(spec.find("SEXTANT,"), 7, kSextant);
  auto file = dir.write("kfp-dag.yaml", spec);
  auto db = (dir / "kfp.db").string();
  auto run = run_sextant({"--db", db, "run", "-f", file, "--progress", "lines", "--backend", "kfp",
                          "--kfp-url", kfp.url()});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto runs = kfp.runs();
  REQUIRE(runs.size() == 2);
  for (const auto& r : runs) CHECK(r["state"] == "SUCCEEDED");
  auto trials = json::parse(run_sextant({"--db", db, "get", "trials", "kfp-dag", "-o", "json"}).out);
  for (const auto& t : trials) {
    CHECK(last_state(t) == "Succeeded");
    CHECK(std::stod(t["status"]["observation"]["metrics"][0]["latest"].get<std::string>()) ==
          Approx(assigned_x(t)).epsilon(1e-9));
  }
}

}  // namespace sextant::testing
