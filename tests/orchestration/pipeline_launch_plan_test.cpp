// A pipeline trial's launch: one driver process, the rendered object written with local paths.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "tests/trials/runner_fixture.hpp"
#include "trials/local/launch_plan.hpp"

using namespace sextant::testing;
using nlohmann::json;
using Strings = std::vector<std::string>;

namespace {

json workflow() {
  return {
      {"apiVersion", "argoproj.io/v1alpha1"},
      {"kind", "Workflow"},
      {"spec",
       {{"entrypoint", "train"},
        {"templates",
         {{{"name", "train"},
           {"metadata", {{"labels", {{"role", "train"}}}}},
           {"container", {{"command", {"python3", "train.py", "--log=/katib/metrics.log"}}}}}}}}}};
}

}  // namespace

TEST_CASE("launch plan: a Workflow trial runs as the pipeline driver",
          "[orchestration][pipeline]") {
  TempDir dir;
  sextant::trials::ParserCache parsers;
  auto spec = experiment_spec(dir.path(), workflow());
  spec.trial_template.primary_pod_labels = {{"role", "train"}};
  spec.metrics_collector.kind = sextant::engine::CollectorKind::kFile;
  spec.metrics_collector.file_path = "/katib/metrics.log";
  auto launch = launch_for(spec, "t1", dir.path());
  sextant::trials::LocalRunnerOptions options;
  options.pipeline_driver = {"/bin/true", "pipeline-run"};
  options.kill_grace = std::chrono::milliseconds(2500);
  auto plan = plan_launch(launch, options, parsers);
  auto file = launch.trial_dir / "pipeline.json";
  // The driver gets 4/5 of the grace for its steps.
  CHECK(plan.spawn.argv == Strings{"/bin/true", "pipeline-run", file.string(),
                                   "--primary-container", "main", "--primary-label", "role=train",
                                   "--grace", "2", "--code-dir", dir.path().string()});
  CHECK(plan.spawn.exec_path == "/bin/true");
  CHECK(plan.spawn.cwd == dir.path());
  json written = json::parse(read_text(file));
  CHECK(written["metadata"]["name"] == "t1");
  // The File collector's container path became the trial's local metrics file everywhere.
  CHECK(written["spec"]["templates"][0]["container"]["command"][2] ==
        "--log=" + plan.metrics_path.string());
  CHECK(plan.metrics_path == launch.trial_dir / "metrics/katib/metrics.log");
  bool has_trial = false;
  for (const auto& e : plan.spawn.env) has_trial |= e == "SEXTANT_TRIAL=t1";
  CHECK(has_trial);

  // A runner without a driver refuses pipeline trials with a clear error.
  CHECK_THROWS_WITH(plan_launch(launch, {}, parsers),
                    Catch::Contains("Workflow trials need the pipeline driver"));
}
