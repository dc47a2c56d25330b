// trials::report_metrics (the client behind `sextant report`) against a real push server.
#include <chrono>
#include <thread>

#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "tests/trials/report_test_support.hpp"
#include "trials/report/report_client.hpp"

using namespace std::chrono_literals;
using sextant::Error;
using sextant::ErrorCode;
using sextant::engine::HttpRequest;
using sextant::engine::HttpResponse;
using sextant::testing::PushServer;
using sextant::testing::ScopedEnv;
using sextant::trials::parse_metric_argument;
using sextant::trials::read_report_environment;
using sextant::trials::report_metrics;
using sextant::trials::ReportOptions;

namespace {

// Runs f, which must throw sextant::Error, and returns the error.
template <class F>
Error error_from(F f) {
  try {
    f();
  } catch (const Error& error) {
    return error;
  }
  FAIL("expected a sextant::Error");
  return Error(ErrorCode::kInternal, "unreachable");
}

ReportOptions quick() {
  ReportOptions options;
  options.first_backoff = 10ms;
  options.attempts = 3;
  return options;
}

}  // namespace

TEST_CASE("report client: delivers the values as given, with the step, to the trial") {
  PushServer server;
  report_metrics(server.url(), "trial-1", "tok-1", {{"loss", "0.12"}, {"accuracy", "0.9"}}, 3);
  report_metrics(server.url() + "/", "trial-1", "tok-1", {{"loss", "1e-3"}}, std::nullopt);
  auto reports = server.sink.reports();
  REQUIRE(reports.size() == 3);
  CHECK(reports[0].trial == "trial-1");
  CHECK(reports[0].metric == "loss");
  CHECK(reports[0].value == "0.12");
  CHECK(reports[0].step == 3);
  CHECK(reports[1].metric == "accuracy");
  CHECK(reports[1].value == "0.9");
  CHECK(reports[2].value == "1e-3");
  CHECK_FALSE(reports[2].step.has_value());
}

TEST_CASE("report client: trial names are percent-encoded and URL path prefixes kept") {
  PushServer server;
  server.tokens["exp a/1"] = "tok-x";
  // The prefix is stripped by a wrapper, as a reverse proxy would.
  sextant::engine::HttpServer front("127.0.0.1", 0, [&](const HttpRequest& request) {
    HttpRequest inner = request;
    if (inner.target.starts_with("/engine/")) inner.target = inner.target.substr(7);
    return server.endpoint.handle(inner);
  });
  std::string url = "http://127.0.0.1:" + std::to_string(front.port()) + "/engine";
  report_metrics(url, "exp a/1", "tok-x", {{"loss", "2"}}, 0);
  auto reports = server.sink.reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].trial == "exp a/1");
  CHECK(reports[0].step == 0);
}

TEST_CASE("report client: refusals throw the server's message with its code") {
  PushServer server;
  auto wrong_token = error_from([&] {
    report_metrics(server.url(), "trial-1", "nope", {{"loss", "1"}}, std::nullopt);
  });
  CHECK(wrong_token.code() == ErrorCode::kInvalidArgument);
  CHECK(std::string(wrong_token.what()).find("HTTP 401") != std::string::npos);
  CHECK(std::string(wrong_token.what()).find("not the one of trial \"trial-1\"") !=
        std::string::npos);

  auto unknown = error_from([&] {
    report_metrics(server.url(), "ghost", "tok-1", {{"loss", "1"}}, std::nullopt);
  });
  CHECK(unknown.code() == ErrorCode::kNotFound);
  CHECK(std::string(unknown.what()).find("trial \"ghost\" not found") != std::string::npos);

  auto not_finite = error_from([&] {
    report_metrics(server.url(), "trial-1", "tok-1", {{"ok", "1"}, {"loss", "nan"}}, std::nullopt);
  });
  CHECK(not_finite.code() == ErrorCode::kInvalidArgument);
  CHECK(std::string(not_finite.what()).find("metrics.loss") != std::string::npos);
  CHECK(server.sink.calls() == 0);
}

TEST_CASE("report client: 503 answers are retried until the engine takes the report") {
  std::atomic<int> busy = 2;
  PushServer server([&](const HttpRequest&) -> std::optional<HttpResponse> {
    if (busy-- > 0) return sextant::engine::error_response(503, "unavailable", "store busy");
    return std::nullopt;
  });
  report_metrics(server.url(), "trial-1", "tok-1", {{"loss", "0.5"}}, 1, quick());
  CHECK(server.requests == 3);
  REQUIRE(server.sink.reports().size() == 1);

  // Always busy: after the attempts, the last refusal is the error.
  busy = 100;
  auto error = error_from([&] {
    report_metrics(server.url(), "trial-1", "tok-1", {{"loss", "0.5"}}, 1, quick());
  });
  CHECK(error.code() == ErrorCode::kUnavailable);
  CHECK(std::string(error.what()).find("store busy") != std::string::npos);
  CHECK(server.requests == 6);
}

TEST_CASE("report client: an unreachable engine is retried, then kUnavailable") {
  uint16_t port = sextant::testing::closed_port();
  auto error = error_from([&] {
    report_metrics("http://127.0.0.1:" + std::to_string(port), "trial-1", "tok-1", {{"loss", "1"}},
                   std::nullopt, quick());
  });
  CHECK(error.code() == ErrorCode::kUnavailable);
  CHECK(std::string(error.what()).find("after 3 attempts") != std::string::npos);
  CHECK(std::string(error.what()).find("refused") != std::string::npos);
}

TEST_CASE("report client: a server that does not answer in time is an error, not a hang") {
  PushServer server([](const HttpRequest&) -> std::optional<HttpResponse> {
    std::this_thread::sleep_for(600ms);
    return std::nullopt;
  });
  ReportOptions options = quick();
  options.timeout = 100ms;
  auto error = error_from([&] {
    report_metrics(server.url(), "trial-1", "tok-1", {{"loss", "1"}}, std::nullopt, options);
  });
  CHECK(error.code() == ErrorCode::kUnavailable);
  CHECK(std::string(error.what()).find("no answer") != std::string::npos);
  CHECK(server.requests == 1);  // a timeout is not retried
}

TEST_CASE("report client: unusable URLs and empty input are invalid arguments") {
  for (const char* url : {"https://127.0.0.1:1", "127.0.0.1:8080", "http://:80", "http://host:abc",
                          "http://host:70000", "http://[::1"}) {
    INFO(url);
    auto error = error_from([&] { report_metrics(url, "t", "k", {{"loss", "1"}}, std::nullopt); });
    CHECK(error.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(error.what()).find(url) != std::string::npos);
  }
  CHECK(error_from([] {
          report_metrics("http://127.0.0.1:1", "t", "k", {}, std::nullopt);
        }).code() == ErrorCode::kInvalidArgument);
}

TEST_CASE("report client: the environment is read, with KATIB_TRIAL_NAME as the fallback") {
  {
    ScopedEnv env({{"SEXTANT_REPORT_URL", "http://127.0.0.1:9"},
                   {"SEXTANT_REPORT_TOKEN", "tok"},
                   {"SEXTANT_TRIAL", "t-own"},
                   {"KATIB_TRIAL_NAME", "t-katib"}});
    auto environment = read_report_environment();
    CHECK(environment.url == "http://127.0.0.1:9");
    CHECK(environment.token == "tok");
    CHECK(environment.trial == "t-own");
  }
  {
    ScopedEnv env({{"SEXTANT_REPORT_URL", "http://127.0.0.1:9"},
                   {"SEXTANT_REPORT_TOKEN", "tok"},
                   {"SEXTANT_TRIAL", std::nullopt},
                   {"KATIB_TRIAL_NAME", "t-katib"}});
    CHECK(read_report_environment().trial == "t-katib");
  }
  struct Case {
    std::string missing;
    std::string expected;
  };
  for (const Case& c : std::vector<Case>{
           {"SEXTANT_REPORT_URL", "SEXTANT_REPORT_URL is not set"},
           {"SEXTANT_REPORT_TOKEN", "SEXTANT_REPORT_TOKEN is not set"},
           {"SEXTANT_TRIAL", "SEXTANT_TRIAL (or Katib's KATIB_TRIAL_NAME) is not set"}}) {
    std::map<std::string, std::optional<std::string>> values{{"SEXTANT_REPORT_URL", "http://x:1"},
                                                             {"SEXTANT_REPORT_TOKEN", "tok"},
                                                             {"SEXTANT_TRIAL", "t"},
                                                             {"KATIB_TRIAL_NAME", std::nullopt}};
    values[c.missing] = std::nullopt;
    ScopedEnv env(values);
    auto error = error_from([] { read_report_environment(); });
    CHECK(error.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(error.what()).find(c.expected) == 0);
  }
}

TEST_CASE("report client: NAME=VALUE arguments") {
  CHECK(parse_metric_argument("loss=0.12") == std::pair<std::string, std::string>{"loss", "0.12"});
  CHECK(parse_metric_argument(" acc = 0.9 ") == std::pair<std::string, std::string>{"acc", "0.9"});
  CHECK(parse_metric_argument("a=b=c") == std::pair<std::string, std::string>{"a", "b=c"});
  for (const char* bad : {"loss", "=0.1", "loss=", " = "}) {
    INFO(bad);
    auto error = error_from([&] { parse_metric_argument(bad); });
    CHECK(error.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(error.what()).find(std::string("\"") + bad + "\"") == 0);
  }
}
