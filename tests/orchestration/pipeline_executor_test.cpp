// The pipeline executor on real host processes: parallelism, order, failure, outputs, stop.
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include <catch2/catch.hpp>

#include "engine/spec/yaml_document.hpp"
#include "orchestration/pipeline/executor.hpp"

using nlohmann::json;
using namespace sextant::orchestration;
using Strings = std::vector<std::string>;

namespace {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "sextant-pipe-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

PipelineStep sh_step(const std::string& name, const std::string& script,
                     Strings dependencies = {}) {
  PipelineStep s;
  s.name = name;
  s.group = name;
  s.container = "main";
  s.command = {"/bin/sh", "-c", script};
  s.dependencies = std::move(dependencies);
  return s;
}

PipelineRunOptions options_in(const TempDir& dir) {
  PipelineRunOptions o;
  o.run_dir = dir.path() / "trial";
  o.code_dir = dir.path();
  o.kill_grace = std::chrono::milliseconds(500);
  return o;
}

const StepResult& result_of(const PipelineResult& r, const std::string& name) {
  for (const auto& s : r.steps)
    if (s.name == name) return s;
  FAIL("no step " << name);
  throw 0;
}

}  // namespace

TEST_CASE("pipeline executor: independent steps run at the same time",
          "[orchestration][pipeline]") {
  TempDir dir;
  // Each step leaves a marker and waits (up to 10 s) for the other's: both can finish only
  // when they run at the same time.
  auto waiter = [&](const std::string& mine, const std::string& other) {
    return "touch " + mine + "; i=0; while [ ! -f " + other +
           " ]; do i=$((i+1)); "
           "[ $i -gt 200 ] && exit 1; sleep 0.05; done; echo saw " +
           other;
  };
  Pipeline p;
  p.kind = "Workflow";
  p.steps = {sh_step("a", waiter("a.marker", "b.marker")),
             sh_step("b", waiter("b.marker", "a.marker"))};
  auto r = run_pipeline(p, options_in(dir));
  INFO(r.message);
  CHECK(r.succeeded);
  CHECK(result_of(r, "a").phase == StepPhase::kSucceeded);
  CHECK(result_of(r, "b").phase == StepPhase::kSucceeded);
  // Each step has its own log, and ran in the code directory.
  CHECK(read_text(dir.path() / "trial/steps/a.log") == "saw b.marker\n");
  CHECK(read_text(dir.path() / "trial/steps/b.log") == "saw a.marker\n");
}

TEST_CASE("pipeline executor: a step starts only after its dependencies succeeded",
          "[orchestration][pipeline]") {
  TempDir dir;
  Pipeline p;
  p.steps = {sh_step("first", "sleep 0.3; echo one > first.out"),
             sh_step("second", "cat first.out; echo two", {"first"})};
  auto r = run_pipeline(p, options_in(dir));
  REQUIRE(r.succeeded);
  CHECK(read_text(dir.path() / "trial/steps/second.log") == "one\ntwo\n");
  CHECK(*result_of(r, "second").started >= *result_of(r, "first").finished);
  CHECK(result_of(r, "second").outputs.at("") == "one\ntwo");  // stdout, trimmed
}

TEST_CASE("pipeline executor: a failed step fails the run and later steps do not start",
          "[orchestration][pipeline]") {
  TempDir dir;
  Pipeline p;
  p.steps = {sh_step("prepare", "echo working; echo boom >&2; exit 3"),
             sh_step("train", "touch trained", {"prepare"})};
  auto r = run_pipeline(p, options_in(dir));
  CHECK_FALSE(r.succeeded);
  CHECK(r.failed_step == "prepare");
  CHECK(r.reason == "Error");
  CHECK(r.message == "step \"prepare\" failed: exited with status 3; last line: boom");
  CHECK(result_of(r, "prepare").exit_code == 3);
  CHECK(result_of(r, "train").phase == StepPhase::kSkipped);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "trained"));
  CHECK_THAT(read_text(dir.path() / "trial/steps/prepare.log"),
             Catch::Contains("working\n") && Catch::Contains("boom\n"));
}

TEST_CASE("pipeline executor: a program that does not exist fails its step at start",
          "[orchestration][pipeline]") {
  TempDir dir;
  Pipeline p;
  PipelineStep s = sh_step("missing", "");
  s.command = {"no-such-program-sextant", "--x"};
  p.steps = {s};
  auto r = run_pipeline(p, options_in(dir));
  CHECK(r.reason == "StartError");
  CHECK_THAT(r.message, Catch::StartsWith("step \"missing\" failed: exec: no such file"));
}

TEST_CASE("pipeline executor: Argo output parameters and results flow into later steps",
          "[orchestration][pipeline]") {
  TempDir dir;
  json wf = sextant::engine::parse_yaml_documents(R"Y(
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: flow}
spec:
  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - {name: produce, template: produce}
          - name: consume
            template: consume
            dependencies: [produce]
            arguments:
              parameters:
                - {name: file, value: "{{tasks.produce.outputs.parameters.answer}}"}
                - {name: out, value: "{{tasks.produce.outputs.result}}"}
    - name: produce
      script:
        command: [sh]
        source: |
          mkdir -p "$(dirname /tmp/answer.txt)"
          echo 42 > /tmp/answer.txt
          echo "printed 7"
      outputs:
        parameters: [{name: answer, valueFrom: {path: /tmp/answer.txt}}]
    - name: consume
      metadata: {labels: {primary: "yes"}}
      inputs: {parameters: [{name: file}, {name: out}]}
      container:
        command: [/bin/sh, -c, 'echo "loss=0.5 file={{inputs.parameters.file}} out={{inputs.parameters.out}}"']
)Y",
                                                  "wf.yaml")
                .at(0)
                .value;
  Pipeline p = read_pipeline(wf, {{{"primary", "yes"}}, "main"});
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  auto options = options_in(dir);
  options.primary_output_fd = fds[1];
  auto r = run_pipeline(p, options);
  ::close(fds[1]);
  std::string primary_out;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) primary_out.append(buf, n);
  ::close(fds[0]);
  INFO(r.message);
  REQUIRE(r.succeeded);
  CHECK(result_of(r, "produce").outputs.at("answer") == "42");
  // The container path was mapped into the step's directory.
  CHECK(read_text(dir.path() / "trial/steps/produce/tmp/answer.txt") == "42\n");
  CHECK(read_text(dir.path() / "trial/steps/consume.log") == "loss=0.5 file=42 out=printed 7\n");
  // Only the primary step's output reaches the primary fd.
  CHECK(primary_out == "loss=0.5 file=42 out=printed 7\n");
}

TEST_CASE("pipeline executor: a missing output file fails its step, a default stands in",
          "[orchestration][pipeline]") {
  TempDir dir;
  Pipeline p;
  PipelineStep s = sh_step("produce", "true");
  s.outputs = {{"x", "/out/x.txt", std::nullopt}};
  p.steps = {s};
  auto r = run_pipeline(p, options_in(dir));
  CHECK(r.reason == "OutputMissing");
  CHECK_THAT(r.message, Catch::Contains("output \"x\" was not written: /out/x.txt"));
  p.steps[0].outputs[0].default_value = "fallback";
  TempDir dir2;
  auto r2 = run_pipeline(p, options_in(dir2));
  REQUIRE(r2.succeeded);
  CHECK(r2.steps[0].outputs.at("x") == "fallback");
}

TEST_CASE("pipeline executor: Tekton results pass between tasks", "[orchestration][pipeline]") {
  TempDir dir;
  json run = sextant::engine::parse_yaml_documents(R"Y(
apiVersion: tekton.dev/v1beta1
kind: PipelineRun
metadata: {name: r}
spec:
  params: [{name: base, value: "5"}]
  pipelineSpec:
    params: [{name: base}]
    tasks:
      - name: prep
        params: [{name: base, value: $(params.base)}]
        taskSpec:
          params: [{name: base}]
          results: [{name: doubled}]
          steps:
            - name: write
              script: |
                #!/bin/sh
                echo $(( $(params.base) * 2 )) > $(results.doubled.path)
      - name: use
        params: [{name: v, value: $(tasks.prep.results.doubled)}]
        taskSpec:
          params: [{name: v}]
          steps:
            - {name: show, command: [/bin/echo, "value=$(params.v)"]}
)Y",
                                                   "run.yaml")
                 .at(0)
                 .value;
  Pipeline p = read_pipeline(run, {});
  auto r = run_pipeline(p, options_in(dir));
  INFO(r.message);
  REQUIRE(r.succeeded);
  CHECK(read_text(dir.path() / "trial/steps/use.log") == "value=10\n");
}

TEST_CASE("pipeline executor: stopping terminates running steps and starts no more",
          "[orchestration][pipeline]") {
  TempDir dir;
  Pipeline p;
  p.steps = {sh_step("long", "sleep 30"), sh_step("after", "touch after", {"long"})};
  std::stop_source stop;
  auto options = options_in(dir);
  options.stop = stop.get_token();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop.request_stop();
  });
  auto started = std::chrono::steady_clock::now();
  auto r = run_pipeline(p, options);
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK_FALSE(r.succeeded);
  CHECK(r.reason == "Cancelled");
  CHECK(result_of(r, "long").phase == StepPhase::kFailed);
  CHECK(result_of(r, "after").phase == StepPhase::kSkipped);
  CHECK_FALSE(std::filesystem::exists(dir.path() / "after"));
}

TEST_CASE("pipeline executor: the pipeline's deadline stops it", "[orchestration][pipeline]") {
  TempDir dir;
  Pipeline p;
  p.deadline_seconds = 1;
  p.steps = {sh_step("long", "trap '' TERM; sleep 30")};  // ignores SIGTERM: SIGKILL follows
  auto started = std::chrono::steady_clock::now();
  auto r = run_pipeline(p, options_in(dir));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK(r.reason == "DeadlineExceeded");
  CHECK_THAT(r.message, Catch::Contains("deadline (1 s)"));
}

TEST_CASE("pipeline executor: \"python\" runs as python3 when only python3 is on PATH",
          "[orchestration][pipeline]") {
  TempDir dir;
  auto bin = dir.path() / "bin";
  std::filesystem::create_directories(bin);
  std::filesystem::create_symlink("/usr/bin/python3", bin / "python3");
  Pipeline p;
  PipelineStep s = sh_step("script", "");
  s.command = {"python"};
  s.script = "print('from python', 6 * 7)\n";
  p.steps = {s};
  auto options = options_in(dir);
  options.env = {"PATH=" + bin.string()};
  auto r = run_pipeline(p, options);
  INFO(r.message);
  REQUIRE(r.succeeded);
  CHECK(r.steps[0].outputs.at("") == "from python 42");
  CHECK(read_text(dir.path() / "trial/steps/script.log") ==
        "sextant: \"python\" is not on PATH; running " + (bin / "python3").string() +
            "\nfrom python 42\n");
}
