// sextant_report.hpp, the header-only worker reporter, compiled here and used against a real
// push server through the environment a trial would get.
#include <atomic>
#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "tests/trials/report_test_support.hpp"
#include "trials/report/sextant_report.hpp"

using sextant::engine::HttpRequest;
using sextant::engine::HttpResponse;
using sextant::testing::capture_stdout;
using sextant::testing::PushServer;
using sextant::testing::ScopedEnv;

namespace {

std::map<std::string, std::optional<std::string>> trial_env(const PushServer& server,
                                                            const std::string& token = "tok-1") {
  return {{"SEXTANT_REPORT_URL", server.url()},
          {"SEXTANT_REPORT_TOKEN", token},
          {"SEXTANT_TRIAL", "trial-1"},
          {"KATIB_TRIAL_NAME", std::nullopt}};
}

}  // namespace

TEST_CASE("report header: posts exact values and the step for the trial in the environment") {
  PushServer server;
  ScopedEnv env(trial_env(server));
  sextant::report({{"loss", 0.12}, {"third", 1.0 / 3.0}, {"epochs", 7}, {"tiny", -2.5e-300}}, 4);
  auto reports = server.sink.reports();
  REQUIRE(reports.size() == 4);
  std::map<std::string, std::string> values;
  for (const auto& report : reports) {
    CHECK(report.trial == "trial-1");
    CHECK(report.step == 4);
    values[report.metric] = report.value;
  }
  CHECK(values["loss"] == "0.12");
  CHECK(values["epochs"] == "7");
  CHECK(std::stod(values["third"]) == 1.0 / 3.0);  // round-trips exactly
  CHECK(std::stod(values["tiny"]) == -2.5e-300);

  sextant::report({{"loss", 0.5}});
  CHECK_FALSE(server.sink.reports().back().step.has_value());
}

TEST_CASE("report header: KATIB_TRIAL_NAME names the trial when SEXTANT_TRIAL is absent") {
  PushServer server;
  auto values = trial_env(server);
  values["SEXTANT_TRIAL"] = std::nullopt;
  values["KATIB_TRIAL_NAME"] = "trial-1";
  ScopedEnv env(values);
  sextant::report({{"accuracy", 0.75}});
  REQUIRE(server.sink.reports().size() == 1);
  CHECK(server.sink.reports()[0].trial == "trial-1");
}

TEST_CASE("report header: non-finite values are rejected before anything is sent") {
  PushServer server;
  ScopedEnv env(trial_env(server));
  for (double bad :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    try {
      sextant::report({{"ok", 1.0}, {"loss", bad}});
      FAIL("expected std::invalid_argument");
    } catch (const std::invalid_argument& error) {
      CHECK(std::string(error.what()).find("\"loss\"") != std::string::npos);
    }
  }
  CHECK_THROWS_AS(sextant::report({}), std::invalid_argument);
  CHECK_THROWS_AS(sextant::report({{"loss", 1.0}}, -1), std::invalid_argument);
  CHECK(server.requests == 0);
}

TEST_CASE("report header: a refusal throws ReportError with the status and the server's text") {
  PushServer server;
  ScopedEnv env(trial_env(server, "wrong"));
  try {
    sextant::report({{"loss", 1.0}});
    FAIL("expected sextant::ReportError");
  } catch (const sextant::ReportError& error) {
    CHECK(error.status() == 401);
    CHECK(std::string(error.what()).find("HTTP 401") != std::string::npos);
    CHECK(std::string(error.what()).find("not the one of trial") != std::string::npos);
  }
  CHECK(server.sink.calls() == 0);
}

TEST_CASE("report header: 503 is retried and the report then delivered") {
  std::atomic<int> busy = 2;
  PushServer server([&](const HttpRequest&) -> std::optional<HttpResponse> {
    if (busy-- > 0) return sextant::engine::error_response(503, "unavailable", "busy");
    return std::nullopt;
  });
  ScopedEnv env(trial_env(server));
  sextant::report({{"loss", 2.0}}, 1);
  CHECK(server.requests == 3);
  CHECK(server.sink.reports().size() == 1);
}

TEST_CASE("report header: missing settings and an unreachable engine are ReportErrors") {
  {
    ScopedEnv env(
        {{"SEXTANT_REPORT_URL", "http://127.0.0.1:1"}, {"SEXTANT_REPORT_TOKEN", std::nullopt}});
    CHECK_THROWS_WITH(sextant::report({{"loss", 1.0}}),
                      Catch::Contains("SEXTANT_REPORT_TOKEN is not set"));
  }
  {
    ScopedEnv env({{"SEXTANT_REPORT_URL", "127.0.0.1:80"},
                   {"SEXTANT_REPORT_TOKEN", "t"},
                   {"SEXTANT_TRIAL", "x"}});
    CHECK_THROWS_WITH(sextant::report({{"loss", 1.0}}), Catch::Contains("http://HOST:PORT"));
  }
  uint16_t port = sextant::testing::closed_port();
  ScopedEnv env({{"SEXTANT_REPORT_URL", "http://127.0.0.1:" + std::to_string(port)},
                 {"SEXTANT_REPORT_TOKEN", "t"},
                 {"SEXTANT_TRIAL", "x"}});
  try {
    sextant::report({{"loss", 1.0}});
    FAIL("expected sextant::ReportError");
  } catch (const sextant::ReportError& error) {
    CHECK(error.status() == 0);
    CHECK(std::string(error.what()).find("refused") != std::string::npos);
  }
}

TEST_CASE("report header: without SEXTANT_REPORT_URL it prints name=value lines on stdout") {
  ScopedEnv env({{"SEXTANT_REPORT_URL", std::nullopt}});
  std::string out = capture_stdout([] {
    sextant::report({{"loss", 0.12}, {"accuracy", 1e-5}}, 3);
  });
  CHECK(out == "accuracy=1e-05\nloss=0.12\n");
  // Non-finite values are still refused, and nothing is printed.
  std::string nothing = capture_stdout([] {
    CHECK_THROWS_AS(sextant::report({{"loss", std::nan("")}}), std::invalid_argument);
  });
  CHECK(nothing.empty());
}
