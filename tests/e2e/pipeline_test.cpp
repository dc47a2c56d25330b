// End-to-end: Argo Workflow and Tekton PipelineRun trials run locally as DAGs of host processes.
#include <signal.h>

#include <chrono>
#include <regex>
#include <thread>

#include <catch2/catch.hpp>

#include "tests/e2e/run_support.hpp"

using namespace sextant::testing;

namespace {

const std::string kTrain = std::string(SEXTANT_SOURCE_DIR) + "/examples/pipelines/train.py";

struct PipelineRun {
  ProcessResult run;
  json trials;
  std::filesystem::path experiment_dir;  // <runs>/<experiment>
};

PipelineRun run_pipeline_spec(const TempDir& dir, const std::string& spec_file,
                              const std::string& experiment) {
  auto db = (dir / "test.db").string();
  PipelineRun r;
  r.run = run_sextant({"--db", db, "run", "-f", spec_file, "--progress", "lines", "--grace", "1",
                       "--runs-dir", (dir / "runs").string()});
  auto trials = run_sextant({"--db", db, "get", "trials", experiment, "-o", "json"});
  REQUIRE(trials.exit_code == 0);
  r.trials = json::parse(trials.out);
  r.experiment_dir = dir / "runs" / experiment;
  return r;
}

// The value of the last "name=value" line of `text`.
std::string last_value(const std::string& text, const std::string& name) {
  std::regex line("(^|\n)" + name + "=([0-9.eE+-]+)");
  std::string last;
  for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it)
    last = (*it)[2];
  return last;
}

std::string metric(const json& trial, const std::string& name) {
  for (const auto& m : trial["status"]["observation"]["metrics"])
    if (m["name"] == name) return m["latest"];
  return "";
}

}  // namespace

TEST_CASE("Katib's Argo Workflow example runs locally as a pipeline", "[e2e][pipeline]") {
  TempDir dir;
  // Only the training image's program is replaced by a local one.
  auto spec = dir.write("argo.yaml", katib_spec("argo_argo-workflow.yaml",
                                                {{"\"/opt/pytorch-mnist/mnist.py\"", kTrain},
                                                 {"maxTrialCount: 5", "maxTrialCount: 3"}}));
  auto r = run_pipeline_spec(dir, spec, "katib-argo-workflow");
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  REQUIRE(r.trials.size() == 3);
  for (const auto& t : r.trials) {
    std::string name = t["metadata"]["name"];
    INFO(name << " " << t["status"].dump());
    CHECK(last_state(t) == "Succeeded");
    auto steps = r.experiment_dir / name / "steps";
    std::string pre = read_text(steps / "data-preprocessing.log");
    std::string train = read_text(steps / "model-training.log");
    // The preprocessing step's stdout became the training step's --epochs.
    std::smatch epochs;
    REQUIRE(std::regex_search(pre, epochs, std::regex("(^|\n)([0-9]+)\n")));
    CHECK_THAT(train, Catch::Contains("for " + epochs[2].str() + " epochs"));
    // The objective came from the primary (training) step's output, and only from it.
    std::string loss = last_value(train, "loss");
    REQUIRE_FALSE(loss.empty());
    CHECK(std::stod(metric(t, "loss")) == Approx(std::stod(loss)));
    CHECK(std::filesystem::exists(r.experiment_dir / name / "pipeline.json"));
  }
}

TEST_CASE("a Tekton PipelineRun trial passes a task result to the training task",
          "[e2e][pipeline]") {
  TempDir dir;
  auto spec = std::string(SEXTANT_SOURCE_DIR) + "/examples/pipelines/tekton-pipeline-run.yaml";
  auto r = run_pipeline_spec(dir, spec, "tekton-pipeline-run");
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  REQUIRE(r.trials.size() == 4);
  for (const auto& t : r.trials) {
    std::string name = t["metadata"]["name"];
    INFO(name << " " << t["status"].dump());
    CHECK(last_state(t) == "Succeeded");
    auto steps = r.experiment_dir / name / "steps";
    // The result file the first task wrote, mapped from /tekton/results/num-examples-post.
    std::string examples = read_text(steps / "data-preprocessing/tekton/results/num-examples-post");
    REQUIRE_FALSE(examples.empty());
    CHECK(read_text(steps / "data-preprocessing.log") == examples + "\n");
    std::string train = read_text(steps / "model-training.log");
    CHECK_THAT(train,
               Catch::Contains("for " + std::to_string(std::stoi(examples) / 100) + " epochs"));
    CHECK(std::stod(metric(t, "Validation-accuracy")) ==
          Approx(std::stod(last_value(train, "Validation-accuracy"))));
    CHECK_FALSE(metric(t, "Train-accuracy").empty());
  }
}

TEST_CASE("a failing pipeline step fails the trial with the step's name and reason",
          "[e2e][pipeline]") {
  TempDir dir;
  auto spec = dir.write(
      "argo.yaml",
      katib_spec("argo_argo-workflow.yaml",
                 {{"\"/opt/pytorch-mnist/mnist.py\"", kTrain},
                  {"print(60000//random.randint(3000, 30000))", "raise SystemExit('no data here')"},
                  {"maxTrialCount: 5", "maxTrialCount: 2"},
                  {"maxFailedTrialCount: 1", "maxFailedTrialCount: 2"}}));
  auto r = run_pipeline_spec(dir, spec, "katib-argo-workflow");
  INFO(r.run.err);
  REQUIRE(r.trials.size() == 2);
  for (const auto& t : r.trials) {
    std::string name = t["metadata"]["name"];
    const auto& last = t["status"]["conditions"].back();
    INFO(t["status"].dump());
    CHECK(last["type"] == "Failed");
    CHECK_THAT(last["message"].get<std::string>(),
               Catch::Contains("step \"data-preprocessing\" failed: exited with status 1; "
                               "last line: no data here"));
    // The training step never started.
    CHECK_FALSE(std::filesystem::exists(r.experiment_dir / name / "steps/model-training.log"));
  }
}

TEST_CASE("the pipeline driver stops its running steps on SIGTERM", "[e2e][pipeline]") {
  TempDir dir;
  json workflow = {
      {"apiVersion", "argoproj.io/v1alpha1"},
      {"kind", "Workflow"},
      {"metadata", {{"name", "wf"}}},
      {"spec",
       {{"entrypoint", "long"},
        {"templates",
         {{{"name", "long"},
           {"container",
            {{"command", {"/bin/sh", "-c", "echo $$$$ > pid; echo ready; sleep 60"}}}}}}}}}};
  dir.write("pipeline.json", workflow.dump());
  Process driver({sextant_binary(), "pipeline-run", (dir / "pipeline.json").string(),
                  "--primary-container", "main", "--code-dir", dir.path().string(), "--grace",
                  "1"});
  // ($$ is a literal $ in a container command, as Kubernetes reads it.) Wait for the step to
  // start, then stop the driver.
  for (int i = 0; i < 200 && read_text(dir / "steps/long.log").find("ready") == std::string::npos;
       ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  REQUIRE(read_text(dir / "steps/long.log") == "ready\n");
  pid_t step = std::stoi(read_text(dir / "pid"));
  auto started = std::chrono::steady_clock::now();
  driver.signal(SIGTERM);
  auto r = driver.wait(std::chrono::seconds(30));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(r.exit_code == 128 + SIGTERM);
  CHECK(r.out == "ready\n");  // the primary step's output, copied to stdout
  CHECK_THAT(r.err, Catch::Contains("the run was stopped"));
  CHECK(::kill(step, 0) != 0);  // the step is gone
}
