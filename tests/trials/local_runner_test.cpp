// The local runner with real processes: streaming metrics, exits, deadlines, cancel, logs.
#include <thread>

#include <catch2/catch.hpp>

#include <signal.h>

#include "tests/trials/runner_fixture.hpp"
#include "trials/local/local_runner.hpp"
#include "trials/local/process.hpp"

using namespace sextant::testing;
using nlohmann::json;
using sextant::engine::CollectorKind;
using sextant::engine::FileFormat;
using sextant::trials::LocalRunner;
using sextant::trials::LocalRunnerOptions;
using sextant::trials::RunnerHandle;

namespace {

json sh(const std::string& script) {
  return json::array({"/bin/sh", "-c", script});
}

LocalRunnerOptions fast_options() {
  LocalRunnerOptions options;
  options.kill_grace = std::chrono::milliseconds(100);
  options.file_poll_interval = std::chrono::milliseconds(10);
  return options;
}

}  // namespace

TEST_CASE("local runner: metrics stream while the process runs", "[trials][local]") {
  TempDir dir;
  auto spec = experiment_spec(
      dir.path(), job_template(sh("echo 'epoch 1 loss=1'; while [ ! -f go ]; do sleep 0.01; done; "
                                  "echo 'epoch 2 loss=0.5 accuracy=0.75'")));
  LocalRunner runner(fast_options());
  EventSink sink;
  auto launch = launch_for(spec, "t1", dir.path());
  std::string handle = runner.start(launch, sink);
  CHECK(handle == "env:SEXTANT_TRIAL=t1");  // known before the spawn, found again by /proc scan

  REQUIRE(sink.wait_metric("t1", "loss", "1"));
  CHECK(sink.exit_count("t1") == 0);  // the process is still waiting for "go"
  write_text(dir.path() / "go", "");

  auto exit = sink.wait_exit("t1");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  CHECK(exit->reason.empty());
  auto metrics = sink.metrics("t1");
  REQUIRE(metrics.size() == 3);
  CHECK(metrics[0].value == "1");
  CHECK(metrics[1].metric == "loss");
  CHECK(metrics[1].value == "0.5");
  CHECK(metrics[2].metric == "accuracy");
  for (const auto& m : metrics) {
    CHECK(m.time > 1.6e9);  // stamped on arrival
    CHECK_FALSE(m.step.has_value());
  }
  CHECK_FALSE(sink.metrics_after_exit());
  CHECK(read_text(runner.log_path(launch.trial_dir)) ==
        "epoch 1 loss=1\nepoch 2 loss=0.5 accuracy=0.75\n");
}

TEST_CASE("local runner: a non-zero exit is an Error with the last line", "[trials][local]") {
  TempDir dir;
  auto spec = experiment_spec(
      dir.path(), job_template(sh("echo first; echo 'boom: it broke' >&2; echo; exit 3")));
  LocalRunner runner;
  EventSink sink;
  auto launch = launch_for(spec, "t2", dir.path());
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t2");
  REQUIRE(exit);
  CHECK_FALSE(exit->succeeded);
  CHECK(exit->reason == "Error");
  CHECK(exit->message == "exited with status 3; last line: boom: it broke");
  // stdout and stderr are merged, in order, in trial.log.
  CHECK_THAT(read_text(launch.trial_dir / "trial.log"),
             Catch::StartsWith("first\nboom: it broke\n\n"));
}

TEST_CASE("local runner: a command that cannot exec is a StartError", "[trials][local]") {
  TempDir dir;
  LocalRunner runner;
  EventSink sink;
  auto spec = experiment_spec(dir.path(), job_template({"./missing-train", "--lr=1"}));
  auto launch = launch_for(spec, "t3", dir.path());
  CHECK(runner.start(launch, sink) == sextant::trials::marker_handle("t3"));
  auto exit = sink.wait_exit("t3");
  REQUIRE(exit);
  CHECK(exit->reason == "StartError");
  CHECK(exit->message == "exec: no such file: " + (dir.path() / "missing-train").string());
  CHECK_THAT(read_text(launch.trial_dir / "trial.log"), Catch::Contains("exec: no such file"));

  auto spec2 = experiment_spec(dir.path(), job_template({"surely-not-a-program-xyz"}));
  auto launch2 = launch_for(spec2, "t3b", dir.path());
  runner.start(launch2, sink);
  exit = sink.wait_exit("t3b");
  REQUIRE(exit);
  CHECK(exit->reason == "StartError");
  CHECK(exit->message == "exec: no such file: surely-not-a-program-xyz");

  write_text(dir.path() / "not-executable", "#!/bin/sh\n");
  auto spec3 = experiment_spec(dir.path(), job_template({"./not-executable"}));
  auto launch3 = launch_for(spec3, "t3c", dir.path());
  runner.start(launch3, sink);
  exit = sink.wait_exit("t3c");
  REQUIRE(exit);
  CHECK_THAT(exit->message, Catch::StartsWith("exec: permission denied: "));
}

TEST_CASE("local runner: template and collector problems are StartErrors", "[trials][local]") {
  TempDir dir;
  LocalRunner runner;
  EventSink sink;
  auto spec = experiment_spec(dir.path(), job_template(sh("true")));
  spec.metrics_collector.kind = CollectorKind::kPrometheusMetric;
  auto launch = launch_for(spec, "t4", dir.path());
  CHECK(runner.start(launch, sink) == sextant::trials::marker_handle("t4"));
  auto exit = sink.wait_exit("t4");
  REQUIRE(exit);
  CHECK(exit->reason == "StartError");
  CHECK_THAT(exit->message,
             Catch::Contains("collector kind PrometheusMetric is not supported for local trials"));

  auto no_command = experiment_spec(dir.path(), job_template(json::array()));
  auto launch2 = launch_for(no_command, "t4b", dir.path());
  runner.start(launch2, sink);
  exit = sink.wait_exit("t4b");
  REQUIRE(exit);
  CHECK(exit->reason == "StartError");
  CHECK_THAT(exit->message, Catch::Contains("container main has no command"));
}

TEST_CASE("local runner: activeDeadlineSeconds stops the trial", "[trials][local]") {
  TempDir dir;
  // The shell and its sleep ignore SIGTERM, so the runner must follow up with SIGKILL.
  auto spec = experiment_spec(
      dir.path(), job_template(sh("trap '' TERM; echo loss=2; sleep 30"), json::object()));
  (*spec.trial_template.trial_spec)["spec"]["activeDeadlineSeconds"] = 1;
  LocalRunner runner(fast_options());
  EventSink sink;
  auto launch = launch_for(spec, "t5", dir.path());
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t5", std::chrono::seconds(10));
  REQUIRE(exit);
  CHECK_FALSE(exit->succeeded);
  CHECK(exit->reason == "DeadlineExceeded");
  CHECK_THAT(exit->message, Catch::Contains("activeDeadlineSeconds (1 s)"));
  CHECK(sink.metrics("t5").size() == 1);
  CHECK_THAT(read_text(launch.trial_dir / "trial.log"), Catch::Contains("sending SIGKILL"));
}

TEST_CASE("local runner: a process killed by a signal", "[trials][local]") {
  TempDir dir;
  // Kubernetes reduces $$ to $ in commands, so the shell's own pid is $$$$ here.
  auto spec = experiment_spec(dir.path(), job_template(sh("echo about to die; kill -9 $$$$")));
  LocalRunner runner;
  EventSink sink;
  runner.start(launch_for(spec, "t6", dir.path()), sink);
  auto exit = sink.wait_exit("t6");
  REQUIRE(exit);
  CHECK(exit->reason == "Signal");
  CHECK_THAT(exit->message, Catch::StartsWith("killed by signal SIGKILL (9)"));
}

TEST_CASE("local runner: cancel stops the trial with SIGTERM then SIGKILL", "[trials][local]") {
  TempDir dir;
  LocalRunner runner;
  EventSink sink;
  auto polite = experiment_spec(dir.path(), job_template(sh("echo loss=1; sleep 30")));
  auto stubborn =
      experiment_spec(dir.path(), job_template(sh("trap '' TERM; echo loss=1; sleep 30")));
  runner.start(launch_for(polite, "t7a", dir.path()), sink);
  runner.start(launch_for(stubborn, "t7b", dir.path()), sink);
  REQUIRE(sink.wait_metric("t7a", "loss", "1"));
  REQUIRE(sink.wait_metric("t7b", "loss", "1"));
  runner.cancel("t7a", std::chrono::seconds(30));
  runner.cancel("t7b", std::chrono::milliseconds(50));
  runner.cancel("unknown-trial", std::chrono::milliseconds(0));  // no-op
  for (const char* trial : {"t7a", "t7b"}) {
    auto exit = sink.wait_exit(trial);
    REQUIRE(exit);
    CHECK_FALSE(exit->succeeded);
    CHECK(exit->reason == "Cancelled");
  }
}

TEST_CASE("local runner: the worker's environment", "[trials][local]") {
  TempDir dir;
  auto spec = experiment_spec(
      dir.path(),
      job_template(sh("echo \"E=$SEXTANT_EXPERIMENT T=$SEXTANT_TRIAL K=$KATIB_TRIAL_NAME\"; "
                      "echo \"D=$SEXTANT_TRIAL_DIR\"; echo \"A=$SEXTANT_ARTIFACT_DIR\"; "
                      "echo \"U=$SEXTANT_REPORT_URL TOK=$SEXTANT_REPORT_TOKEN\"; "
                      "echo \"P=$PYTHONPATH C=$CUSTOM M=${SEXTANT_METRICS_FILE-unset}\""),
                   {{"env",
                     {{{"name", "CUSTOM"}, {"value", "hello world"}},
                      {{"name", "POD"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "x"}}}}}}}}}));
  LocalRunnerOptions options;
  options.report_python_path = "/opt/sextant/report";
  LocalRunner runner(options);
  EventSink sink;
  auto launch = launch_for(spec, "t8", dir.path());
  launch.report_url = "http://127.0.0.1:7000";
  launch.report_token = "secret-token";
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t8");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  std::string log = read_text(launch.trial_dir / "trial.log");
  CHECK_THAT(log, Catch::Contains("E=exp T=t8 K=t8\n"));
  CHECK_THAT(log, Catch::Contains("D=" + launch.trial_dir.string() + "\n"));
  CHECK_THAT(log, Catch::Contains("A=" + launch.artifact_dir.string() + "\n"));
  CHECK_THAT(log, Catch::Contains("U=http://127.0.0.1:7000 TOK=secret-token\n"));
  CHECK_THAT(
      log, Catch::Contains("P=/opt/sextant/report") && Catch::Contains("C=hello world M=unset\n"));
  // What could not be honoured locally is said in the log, before the output.
  CHECK_THAT(log, Catch::StartsWith("sextant: env POD") && Catch::Contains("valueFrom"));
}

TEST_CASE("local runner: a relative command runs from the code directory", "[trials][local]") {
  TempDir dir;
  TempDir code;
  write_text(code.path() / "bin/train.sh", "#!/bin/sh\necho \"pwd=$(pwd)\"\necho \"loss=$1\"\n",
             true);
  auto spec = experiment_spec(code.path(), job_template({"./bin/train.sh", "0.25"}));
  LocalRunner runner;
  EventSink sink;
  auto launch = launch_for(spec, "t9", dir.path());
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t9");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  CHECK(sink.wait_metric("t9", "loss", "0.25"));
  CHECK_THAT(read_text(launch.trial_dir / "trial.log"),
             Catch::Contains("pwd=" + code.path().string() + "\n"));
}

TEST_CASE("local runner: File collector follows the rewritten metrics file", "[trials][local]") {
  TempDir dir;
  std::string script =
      "p=\"${1#--log-path=}\"; echo \"{metricName: loss, metricValue: 0.7}\" >> \"$p\"; "
      "while [ ! -f go ]; do sleep 0.01; done; "
      "printf '{metricName: accuracy, metricValue: 0.9}' >> \"$SEXTANT_METRICS_FILE\"; "
      "echo 'loss=0.1 on stdout is not a metric here'";
  auto spec = experiment_spec(
      dir.path(), job_template({"/bin/sh", "-c", script, "sh", "--log-path=/katib/mnist.log"}));
  spec.metrics_collector.kind = CollectorKind::kFile;
  spec.metrics_collector.file_path = "/katib/mnist.log";
  spec.metrics_collector.file_path_kind = "File";
  spec.metrics_collector.filters = {R"({metricName: ([\w|-]+), metricValue: ((-?\d+)(\.\d+)?)})"};
  LocalRunner runner(fast_options());
  EventSink sink;
  auto launch = launch_for(spec, "t10", dir.path());
  runner.start(launch, sink);
  REQUIRE(sink.wait_metric("t10", "loss", "0.7"));  // read while the trial runs
  CHECK(sink.exit_count("t10") == 0);
  write_text(dir.path() / "go", "");
  auto exit = sink.wait_exit("t10");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  auto metrics = sink.metrics("t10");
  REQUIRE(metrics.size() == 2);  // the unterminated last line counts; stdout does not
  CHECK(metrics[1].metric == "accuracy");
  CHECK(metrics[1].value == "0.9");
  CHECK(std::filesystem::exists(launch.trial_dir / "metrics/katib/mnist.log"));
}

TEST_CASE("local runner: the container workingDir is used when it exists", "[trials][local]") {
  TempDir dir;
  TempDir code;
  TempDir work;
  write_text(code.path() / "train.sh", "#!/bin/sh\necho \"pwd=$(pwd)\"\n", true);
  auto spec = experiment_spec(code.path(),
                              job_template({"./train.sh"}, {{"workingDir", work.path().string()}}));
  LocalRunner runner;
  EventSink sink;
  auto launch = launch_for(spec, "t9b", dir.path());
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t9b");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  CHECK_THAT(read_text(launch.trial_dir / "trial.log"),
             Catch::Contains("pwd=" + work.path().string() + "\n"));
}

TEST_CASE("local runner: File collector with a Directory path follows every file",
          "[trials][local]") {
  TempDir dir;
  auto spec = experiment_spec(
      dir.path(), job_template(sh("mkdir -p /katib/out/sub; echo loss=0.4 > /katib/out/a.log; "
                                  "echo accuracy=0.8 > /katib/out/sub/b.log; echo loss=9")));
  spec.metrics_collector.kind = CollectorKind::kFile;
  spec.metrics_collector.file_path = "/katib/out/";
  spec.metrics_collector.file_path_kind = "Directory";
  LocalRunner runner(fast_options());
  EventSink sink;
  auto launch = launch_for(spec, "t10b", dir.path());
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t10b");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  CHECK(sink.wait_metric("t10b", "loss", "0.4", std::chrono::milliseconds(0)));
  CHECK(sink.wait_metric("t10b", "accuracy", "0.8", std::chrono::milliseconds(0)));
  CHECK(sink.metrics("t10b").size() == 2);
}

TEST_CASE("local runner: File collector in JSON format", "[trials][local]") {
  TempDir dir;
  auto spec = experiment_spec(
      dir.path(),
      job_template(sh(
          "echo '{\"loss\": \"0.5\", \"global_step\": \"3\"}' >> /katib/m.json; "
          "echo 'not json' >> /katib/m.json; "
          "echo '{\"loss\": 0.25, \"step\": 4, \"timestamp\": 1700000000.5}' >> /katib/m.json")));
  spec.metrics_collector.kind = CollectorKind::kFile;
  spec.metrics_collector.file_path = "/katib/m.json";
  spec.metrics_collector.file_path_kind = "File";
  spec.metrics_collector.format = FileFormat::kJson;
  LocalRunner runner(fast_options());
  EventSink sink;
  auto launch = launch_for(spec, "t11", dir.path());
  // Left over from an earlier attempt of the same trial: not this attempt's metrics.
  write_text(launch.trial_dir / "metrics/katib/m.json", "{\"loss\": \"99\"}\n");
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t11");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  auto metrics = sink.metrics("t11");
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[0].value == "0.5");
  CHECK(metrics[0].step == 3);
  CHECK(metrics[1].value == "0.25");
  CHECK(metrics[1].step == 4);
  CHECK(metrics[1].time == Approx(1700000000.5));
  CHECK_THAT(read_text(launch.trial_dir / "trial.log"), Catch::Contains("skipped a line"));
}

TEST_CASE("local runner: Push collector does not parse stdout", "[trials][local]") {
  TempDir dir;
  auto spec = experiment_spec(dir.path(), job_template(sh("echo loss=0.3")));
  spec.metrics_collector.kind = CollectorKind::kPush;
  LocalRunner runner;
  EventSink sink;
  auto launch = launch_for(spec, "t12", dir.path());
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t12");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  CHECK(sink.metrics("t12").empty());
  CHECK(read_text(launch.trial_dir / "trial.log") == "loss=0.3\n");
}

TEST_CASE("local runner: orphaned grandchildren are killed after the exit", "[trials][local]") {
  TempDir dir;
  // The background sleep keeps the output pipe open; the exit must not wait for it.
  auto spec =
      experiment_spec(dir.path(), job_template(sh("sleep 30 & echo $! > child.pid; echo loss=4")));
  LocalRunner runner;
  EventSink sink;
  runner.start(launch_for(spec, "t13", dir.path()), sink);
  auto exit = sink.wait_exit("t13");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  CHECK(sink.metrics("t13").size() == 1);
  pid_t grandchild = std::stoi(read_text(dir.path() / "child.pid"));
  CHECK(wait_process_gone(grandchild));
}

TEST_CASE("local runner: start is idempotent by trial name", "[trials][local]") {
  TempDir dir;
  auto spec =
      experiment_spec(dir.path(), job_template(sh("while [ ! -f go ]; do sleep 0.01; done")));
  LocalRunner runner;
  EventSink sink;
  auto launch = launch_for(spec, "t14", dir.path());
  std::string first = runner.start(launch, sink);
  std::string second = runner.start(launch, sink);
  CHECK_FALSE(first.empty());
  CHECK(first == second);
  write_text(dir.path() / "go", "");
  REQUIRE(sink.wait_exit("t14"));
  // A finished trial can be started again (a retry): a new process.
  std::string third = runner.start(launch, sink);
  CHECK(third == first);  // the handle names the trial, not the process
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sink.exit_count("t14") < 2 && std::chrono::steady_clock::now() < until)
    sink.wait_exit("t14", std::chrono::milliseconds(10));
  CHECK(sink.exit_count("t14") == 2);
}

TEST_CASE("local runner: destroying the runner kills running trials", "[trials][local]") {
  TempDir dir;
  auto spec = experiment_spec(dir.path(), job_template({"/bin/sleep", "30"}));
  EventSink sink;
  {
    LocalRunner runner;
    runner.start(launch_for(spec, "t15", dir.path()), sink);
  }
  // The trial is a single process (no shell), which the destructor kills and reaps, so nothing
  // is left to find (kill_marked_processes reports what it finds).
  CHECK_FALSE(sextant::trials::kill_marked_processes("SEXTANT_TRIAL=t15"));
  CHECK(sink.exit_count("t15") == 0);
}

TEST_CASE("local runner: trials get default signals even when the engine blocks or ignores them",
          "[trials][local]") {
  TempDir dir;
  // Ignored SIGTERM and blocked SIGINT in the engine must not reach the trial.
  struct sigaction ignore {
  }, previous{};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGTERM, &ignore, &previous);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &block, &old);
  LocalRunner runner;
  EventSink sink;
  auto spec =
      experiment_spec(dir.path(), job_template(sh("grep -E '^(SigBlk|SigIgn)' /proc/self/status")));
  auto launch = launch_for(spec, "t16", dir.path());
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t16");
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::sigaction(SIGTERM, &previous, nullptr);
  REQUIRE(exit);
  CHECK(exit->succeeded);
  std::string log = read_text(launch.trial_dir / "trial.log");
  CHECK_THAT(log, Catch::Contains("SigBlk:\t0000000000000000"));
  CHECK_THAT(log, Catch::Contains("SigIgn:\t0000000000000000"));
}

TEST_CASE("local runner: TensorFlowEvent collector reads the event files when the trial ends",
          "[trials][local]") {
  TempDir dir;
  // The trial writes its summaries where the spec says (a container path, rewritten locally).
  std::string writer = SEXTANT_SOURCE_DIR "/tests/support/tf_events/write_tf_events.py";
  std::string events =
      R"([{"step": 1, "wall_time": 1, "values": [{"tag": "accuracy", "simple": 0.5}]},)"
      R"( {"step": 2, "wall_time": 2, "values": [{"tag": "accuracy", "float_tensor": 0.75}]}])";
  auto spec = experiment_spec(
      dir.path(), job_template({"/bin/sh", "-c",
                                "mkdir -p /logs/tb/test && /usr/bin/python3 " + writer +
                                    " /logs/tb/test/events.out.tfevents.1 '" + events + "'"}));
  spec.objective.objective_metric_name = "test/accuracy";
  spec.objective.additional_metric_names.clear();
  spec.objective.metric_strategies = {{"test/accuracy", sextant::engine::MetricStrategy::kMax}};
  spec.metrics_collector.kind = CollectorKind::kTensorFlowEvent;
  spec.metrics_collector.file_path = "/logs/tb";
  spec.metrics_collector.file_path_kind = "Directory";
  LocalRunner runner(fast_options());
  EventSink sink;
  auto launch = launch_for(spec, "t-tf", dir.path());
  runner.start(launch, sink);
  auto exit = sink.wait_exit("t-tf");
  REQUIRE(exit);
  CHECK(exit->succeeded);
  auto metrics = sink.metrics("t-tf");
  REQUIRE(metrics.size() == 2);
  CHECK(metrics[0].metric == "test/accuracy");
  CHECK(metrics[0].value == "0.5");
  CHECK(metrics[1].value == "0.75");
  CHECK(metrics[1].step == 2);
  CHECK(std::filesystem::exists(launch.trial_dir / "metrics/logs/tb/test/events.out.tfevents.1"));
}
