// Building a local launch: argv resolution, environment, working dir, metrics-file mapping.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "tests/trials/runner_fixture.hpp"
#include "trials/local/launch_plan.hpp"

using namespace sextant::testing;
using nlohmann::json;
using sextant::engine::CollectorKind;
using sextant::trials::LaunchPlan;
using sextant::trials::local_metrics_path;
using sextant::trials::LocalRunnerOptions;
using sextant::trials::ParserCache;
using sextant::trials::plan_launch;
using sextant::trials::rewrite_container_path;

namespace {

std::map<std::string, std::string> env_map(const LaunchPlan& plan) {
  std::map<std::string, std::string> env;
  for (const auto& e : plan.spawn.env) env[e.substr(0, e.find('='))] = e.substr(e.find('=') + 1);
  return env;
}

}  // namespace

TEST_CASE("launch plan: resolution of the program to exec", "[trials][local]") {
  TempDir dir;
  ParserCache parsers;
  auto plan_for = [&](json command) {
    auto spec = experiment_spec(dir.path(), job_template(command));
    auto launch = launch_for(spec, "t", dir.path());
    return plan_launch(launch, {}, parsers);
  };
  CHECK(plan_for({"/bin/echo", "x"}).spawn.exec_path == "/bin/echo");
  CHECK(plan_for({"./bin/train", "x"}).spawn.exec_path == (dir.path() / "bin/train").string());
  auto sh = plan_for({"sh", "-c", "true"});
  CHECK((sh.spawn.exec_path == "/usr/bin/sh" || sh.spawn.exec_path == "/bin/sh"));
  CHECK(sh.spawn.argv == std::vector<std::string>{"sh", "-c", "true"});
  CHECK(plan_for({"surely-not-a-program-xyz"}).spawn.exec_path == "surely-not-a-program-xyz");
  CHECK(plan_for({"true"}).spawn.cwd == dir.path());
}

TEST_CASE("launch plan: environment of the worker contract", "[trials][local]") {
  TempDir dir;
  ParserCache parsers;
  ::setenv("SEXTANT_REPORT_TOKEN", "leaked-from-parent", 1);
  ::setenv("PYTHONPATH", "/parent/py", 1);
  auto spec = experiment_spec(
      dir.path(), job_template({"true"}, {{"env", {{{"name", "CUSTOM"}, {"value", "hello"}}}}}));
  auto launch = launch_for(spec, "trial-1", dir.path());
  launch.report_url = "http://127.0.0.1:9000/report";
  auto env = env_map(plan_launch(launch, {.report_python_path = "/opt/report"}, parsers));
  CHECK(env["SEXTANT_EXPERIMENT"] == "exp");
  CHECK(env["SEXTANT_TRIAL"] == "trial-1");
  CHECK(env["KATIB_TRIAL_NAME"] == "trial-1");
  CHECK(env["SEXTANT_TRIAL_DIR"] == launch.trial_dir.string());
  CHECK(env["SEXTANT_ARTIFACT_DIR"] == launch.artifact_dir.string());
  CHECK(env["SEXTANT_REPORT_URL"] == "http://127.0.0.1:9000/report");
  CHECK(env.count("SEXTANT_REPORT_TOKEN") == 0);  // empty token: not set, and not inherited
  CHECK(env.count("SEXTANT_METRICS_FILE") == 0);
  CHECK(env["PYTHONPATH"] == "/opt/report:/parent/py");
  CHECK(env["CUSTOM"] == "hello");
  CHECK(env.count("PATH") == 1);  // the engine's environment is passed on
  ::unsetenv("SEXTANT_REPORT_TOKEN");
  ::unsetenv("PYTHONPATH");
}

TEST_CASE("launch plan: File collector maps and rewrites the container path", "[trials][local]") {
  TempDir dir;
  ParserCache parsers;
  auto spec = experiment_spec(
      dir.path(), job_template({"python3", "mnist.py", "--log-path=/katib/mnist.log",
                                "/katib/mnist.log.bak", "/x/katib/mnist.log", "/katib/mnist.logs"},
                               {{"env", {{{"name", "LOG"}, {"value", "/katib/mnist.log"}}}}}));
  spec.metrics_collector.kind = CollectorKind::kFile;
  spec.metrics_collector.file_path = "/katib/mnist.log";
  spec.metrics_collector.file_path_kind = "File";
  auto launch = launch_for(spec, "t", dir.path());
  auto plan = plan_launch(launch, {}, parsers);
  std::string local = (launch.trial_dir / "metrics/katib/mnist.log").string();
  CHECK(plan.metrics_path == local);
  CHECK(std::filesystem::is_directory(launch.trial_dir / "metrics/katib"));
  CHECK(plan.spawn.argv == std::vector<std::string>{"python3", "mnist.py", "--log-path=" + local,
                                                    "/katib/mnist.log.bak", "/x/katib/mnist.log",
                                                    "/katib/mnist.logs"});
  auto env = env_map(plan);
  CHECK(env["SEXTANT_METRICS_FILE"] == local);
  CHECK(env["LOG"] == local);
  CHECK(plan.text_parser);
  CHECK_FALSE(plan.json_parser);
}

TEST_CASE("launch plan: container path rewriting and mapping rules", "[trials][local]") {
  CHECK(rewrite_container_path("--dir=/out/tf", "/out/tf", "/l") == "--dir=/l");
  CHECK(rewrite_container_path("/out/tf/events.1", "/out/tf", "/l") == "/l/events.1");
  CHECK(rewrite_container_path("/out/tfx /out/tf", "/out/tf", "/l") == "/out/tfx /l");
  CHECK(rewrite_container_path("a:/out/tf:b", "/out/tf", "/l") == "a:/l:b");
  CHECK(local_metrics_path("/t", "/var/log/katib/metrics.log") ==
        "/t/metrics/var/log/katib/metrics.log");
  CHECK(local_metrics_path("/t", "/var/log/katib/tfevent/") == "/t/metrics/var/log/katib/tfevent");
  CHECK_THROWS_WITH(local_metrics_path("/t", "relative/x.log"), Catch::Contains("absolute"));
  CHECK_THROWS_WITH(local_metrics_path("/t", "/a/../../etc/passwd"), Catch::Contains("'..'"));
}

TEST_CASE("launch plan: collectors without a local implementation are refused", "[trials][local]") {
  TempDir dir;
  ParserCache parsers;
  auto spec = experiment_spec(dir.path(), job_template({"true"}));
  auto launch = launch_for(spec, "t", dir.path());
  spec.metrics_collector.kind = CollectorKind::kPrometheusMetric;
  CHECK_THROWS_WITH(
      plan_launch(launch, {}, parsers),
      Catch::Contains("collector kind PrometheusMetric is not supported for local trials"));
  spec.metrics_collector.kind = CollectorKind::kPush;
  auto plan = plan_launch(launch, {}, parsers);
  CHECK_FALSE(plan.text_parser);
  CHECK_FALSE(plan.json_parser);
}

TEST_CASE("launch plan: parsers are compiled once per experiment", "[trials][local]") {
  ParserCache parsers;
  auto a = parsers.text({"loss"}, {});
  auto b = parsers.text({"loss"}, {});
  auto c = parsers.text({"loss", "acc"}, {});
  CHECK(a == b);
  CHECK(a != c);
}
