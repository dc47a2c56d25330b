// trials/report/sextant_report.py run by /usr/bin/python3 against a real push server.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>

#include <catch2/catch.hpp>

#include "tests/trials/report_test_support.hpp"

using sextant::testing::PushServer;
using sextant::testing::ScopedEnv;

namespace {

const std::string kPython = "/usr/bin/python3";

std::string module_dir() {
  return std::string(SEXTANT_SOURCE_DIR) + "/trials/report";
}

struct Run {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command line (the environment is this process's), capturing its output.
Run run(const std::string& command) {
  Run result;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer;
  size_t n;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
    result.output.append(buffer.data(), n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

// python3 -c '<code>' with the module importable; code must not contain single quotes.
Run python(const std::string& code) {
  return run(kPython + " -c 'import sys; sys.path.insert(0, \"" + module_dir() +
             "\"); from sextant_report import report_metrics\n" + code + "'");
}

std::string script() {
  return kPython + " " + module_dir() + "/sextant_report.py";
}

std::map<std::string, std::optional<std::string>> trial_env(const PushServer& server,
                                                            const std::string& token = "tok-1") {
  return {{"SEXTANT_REPORT_URL", server.url()},
          {"SEXTANT_REPORT_TOKEN", token},
          {"SEXTANT_TRIAL", "trial-1"},
          {"KATIB_TRIAL_NAME", std::nullopt}};
}

void require_python() {
  if (!std::filesystem::exists(kPython)) {
    std::fprintf(stderr, "SKIPPED: %s is absent\n", kPython.c_str());
    std::exit(77);
  }
}

}  // namespace

TEST_CASE("report python: report_metrics delivers values and the step") {
  require_python();
  PushServer server;
  ScopedEnv env(trial_env(server));
  auto result = python("report_metrics({\"loss\": 0.12, \"epochs\": 3, \"acc\": \"0.5\"}, step=2)");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  auto reports = server.sink.reports();
  REQUIRE(reports.size() == 3);
  std::map<std::string, std::string> values;
  for (const auto& report : reports) {
    CHECK(report.trial == "trial-1");
    CHECK(report.step == 2);
    values[report.metric] = report.value;
  }
  CHECK(values ==
        std::map<std::string, std::string>{{"loss", "0.12"}, {"epochs", "3"}, {"acc", "0.5"}});
}

TEST_CASE(
    "report python: the command line reports NAME=VALUE arguments, Katib's trial variable works") {
  require_python();
  PushServer server;
  auto values = trial_env(server);
  values["SEXTANT_TRIAL"] = std::nullopt;
  values["KATIB_TRIAL_NAME"] = "trial-1";
  ScopedEnv env(values);
  auto result = run(script() + " loss=0.25 accuracy=1e-3 --step 7");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  auto reports = server.sink.reports();
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].metric == "loss");
  CHECK(reports[0].value == "0.25");
  CHECK(reports[1].metric == "accuracy");
  CHECK(reports[1].value == "0.001");
  CHECK(reports[0].step == 7);
}

TEST_CASE("report python: non-finite values raise ValueError and nothing is sent") {
  require_python();
  PushServer server;
  ScopedEnv env(trial_env(server));
  auto result = python(
      "for bad in [float(\"nan\"), float(\"inf\"), \"-inf\", \"abc\"]:\n"
      "    try:\n"
      "        report_metrics({\"ok\": 1.0, \"loss\": bad})\n"
      "        print(\"accepted\")\n"
      "    except ValueError as error:\n"
      "        print(\"ValueError\", error)\n");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(result.output.find("accepted") == std::string::npos);
  CHECK(result.output.find("ValueError metric 'loss'") != std::string::npos);
  CHECK(server.requests == 0);
  auto cli = run(script() + " loss=nan");
  CHECK(cli.exit_code == 2);
  CHECK(cli.output.find("not a finite number") != std::string::npos);
  CHECK(server.requests == 0);
}

TEST_CASE("report python: a refusal raises RuntimeError with the server's message") {
  require_python();
  PushServer server;
  ScopedEnv env(trial_env(server, "wrong"));
  auto result = python(
      "try:\n"
      "    report_metrics({\"loss\": 1.0})\n"
      "except RuntimeError as error:\n"
      "    print(\"RuntimeError\", error)\n");
  INFO(result.output);
  CHECK(result.output.find("RuntimeError metrics report refused") != std::string::npos);
  CHECK(result.output.find("HTTP 401") != std::string::npos);
  CHECK(result.output.find("not the one of trial") != std::string::npos);
  CHECK(server.sink.calls() == 0);
  CHECK(run(script() + " loss=1").exit_code == 1);
}

TEST_CASE("report python: 503 answers are retried") {
  require_python();
  std::atomic<int> busy = 2;
  PushServer server(
      [&](const sextant::engine::HttpRequest&) -> std::optional<sextant::engine::HttpResponse> {
        if (busy-- > 0) return sextant::engine::error_response(503, "unavailable", "busy");
        return std::nullopt;
      });
  ScopedEnv env(trial_env(server));
  auto result = run(script() + " loss=0.5");
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  CHECK(server.requests == 3);
  CHECK(server.sink.reports().size() == 1);
}

TEST_CASE("report python: without SEXTANT_REPORT_URL it prints name=value lines") {
  require_python();
  ScopedEnv env({{"SEXTANT_REPORT_URL", std::nullopt}});
  auto result = python("report_metrics({\"loss\": 0.12, \"epochs\": 3}, step=1)");
  REQUIRE(result.exit_code == 0);
  CHECK(result.output == "loss=0.12\nepochs=3\n");
  auto cli = run(script() + " accuracy=0.9");
  CHECK(cli.exit_code == 0);
  CHECK(cli.output == "accuracy=0.9\n");
}
