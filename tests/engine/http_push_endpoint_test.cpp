// The metrics push endpoint behind a real HttpServer: auth, validation, delivery, concurrency.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/api/http_server.hpp"
#include "engine/api/push_endpoint.hpp"
#include "tests/engine/http_test_client.hpp"

using sextant::engine::HttpRequest;
using sextant::engine::HttpServer;
using sextant::engine::MetricReport;
using sextant::engine::PushEndpoint;
using sextant::testing::http_request;
using sextant::testing::RawResponse;
using sextant::testing::RecordingSink;

namespace {

// A server with two trials: t-1 (token "secret-1") and t-2 (token "secret-2").
struct PushFixture {
  RecordingSink sink;
  std::map<std::string, std::string> tokens{
      {"t-1", "secret-1"}, {"t-2", "secret-2"}, {"t-empty", ""}};
  PushEndpoint endpoint{[this](const std::string& trial) -> std::optional<std::string> {
                          auto it = tokens.find(trial);
                          if (it == tokens.end()) return std::nullopt;
                          return it->second;
                        },
                        sink};
  HttpServer server{"127.0.0.1", 0, [this](const HttpRequest& r) { return endpoint.handle(r); }};

  RawResponse push(const std::string& trial, const std::string& body,
                   const std::string& token = "secret-1") {
    std::map<std::string, std::string> headers{{"Content-Type", "application/json"}};
    if (!token.empty()) headers["Authorization"] = "Bearer " + token;
    return http_request(server.port(), "POST", "/api/v1/trials/" + trial + "/metrics", body,
                        headers);
  }
};

nlohmann::json error_of(const RawResponse& response) {
  return nlohmann::json::parse(response.body).at("error");
}

std::string message_of(const RawResponse& response) {
  return error_of(response).at("message").get<std::string>();
}

}  // namespace

TEST_CASE("http push: a valid push delivers one report per metric with step, values and time") {
  PushFixture f;
  auto response = f.push("t-1", R"({"metrics": {"loss": 0.12, "accuracy": "0.9", "epochs": 7},
                                    "step": 3, "timestamp": "2024-05-01T12:30:00.5Z"})");
  REQUIRE(response.status == 200);
  CHECK(nlohmann::json::parse(response.body) == nlohmann::json{{"accepted", 3}});
  CHECK(f.sink.calls() == 1);
  auto reports = f.sink.reports();
  REQUIRE(reports.size() == 3);
  // The worker's order is kept.
  CHECK(reports[0].metric == "loss");
  CHECK(reports[0].value == "0.12");
  CHECK(reports[1].metric == "accuracy");
  CHECK(reports[1].value == "0.9");
  CHECK(reports[2].metric == "epochs");
  CHECK(reports[2].value == "7");
  for (const MetricReport& report : reports) {
    CHECK(report.trial == "t-1");
    CHECK(report.step == 3);
    CHECK(report.time == Approx(1714566600.5));
  }
}

TEST_CASE("http push: without step or timestamp the step is absent and the time is now") {
  PushFixture f;
  double before = static_cast<double>(std::time(nullptr));
  REQUIRE(f.push("t-2", R"({"metrics": {"loss": 1e-5}})", "secret-2").status == 200);
  auto reports = f.sink.reports();
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].trial == "t-2");
  CHECK_FALSE(reports[0].step.has_value());
  CHECK(reports[0].value == "1e-05");
  CHECK(reports[0].time >= before - 1);
  // Unix seconds are accepted as the timestamp too.
  REQUIRE(
      f.push("t-2", R"({"metrics": {"loss": 2}, "timestamp": 1700000000.25})", "secret-2").status ==
      200);
  CHECK(f.sink.reports().back().time == 1700000000.25);
}

TEST_CASE("http push: a missing or wrong token is 401 and nothing is delivered") {
  PushFixture f;
  const std::string body = R"({"metrics": {"loss": 0.5}})";
  auto missing = f.push("t-1", body, "");
  CHECK(missing.status == 401);
  CHECK(missing.headers.at("www-authenticate") == "Bearer");
  CHECK(error_of(missing)["code"] == "unauthenticated");
  CHECK(message_of(missing).find("SEXTANT_REPORT_TOKEN") != std::string::npos);

  CHECK(f.push("t-1", body, "secret-2").status == 401);  // another trial's token
  CHECK(f.push("t-1", body, "secret-").status == 401);   // a prefix
  CHECK(f.push("t-1", body, "secret-11").status == 401);
  CHECK(f.push("t-empty", body, "").status == 401);
  auto basic = http_request(f.server.port(), "POST", "/api/v1/trials/t-1/metrics", body,
                            {{"Authorization", "Basic c2VjcmV0LTE="}});
  CHECK(basic.status == 401);
  CHECK(f.sink.calls() == 0);
  // The scheme is case-insensitive (RFC 6750).
  auto lower = http_request(f.server.port(), "POST", "/api/v1/trials/t-1/metrics", body,
                            {{"Authorization", "bearer secret-1"}});
  CHECK(lower.status == 200);
}

TEST_CASE("http push: an unknown trial is 404") {
  PushFixture f;
  auto response = f.push("nope", R"({"metrics": {"loss": 0.5}})");
  CHECK(response.status == 404);
  CHECK(error_of(response)["code"] == "not_found");
  CHECK(message_of(response) == "trial \"nope\" not found");
  CHECK(f.sink.calls() == 0);
}

TEST_CASE("http push: NaN and Infinity are 400 naming the metric, and nothing is delivered") {
  PushFixture f;
  struct Case {
    std::string body;
    std::string metric;
  };
  // A valid metric comes first each time: it must not be delivered either.
  for (const Case& c : std::vector<Case>{
           {R"({"metrics": {"ok": 1, "loss": "nan"}})", "loss"},
           {R"({"metrics": {"ok": 1, "loss": "NaN"}})", "loss"},
           {R"({"metrics": {"ok": 1, "acc": "inf"}})", "acc"},
           {R"({"metrics": {"ok": 1, "acc": "-Infinity"}})", "acc"},
           {R"({"metrics": {"ok": 1, "loss": NaN}})", "loss"},
           {R"({"metrics": {"ok": 1, "loss": Infinity}})", "loss"},
           {R"({"metrics": {"ok": 1, "loss": -Infinity}})", "loss"},
           {R"({"metrics": {"ok": 1, "loss": nan}})", "loss"},
           {R"({"metrics": {"ok": 1, "big": 1e999}})", "big"},
           {R"({"metrics": {"ok": 1, "big": "1e999"}})", "big"},
       }) {
    INFO(c.body);
    auto response = f.push("t-1", c.body);
    CHECK(response.status == 400);
    CHECK(error_of(response)["code"] == "invalid_argument");
    CHECK(error_of(response)["field"] == "metrics." + c.metric);
    CHECK(message_of(response).find("metrics." + c.metric + ":") == 0);
    CHECK(message_of(response).find("finite") != std::string::npos);
  }
  CHECK(f.sink.calls() == 0);
}

TEST_CASE("http push: malformed JSON and bad shapes are 400 with a precise message") {
  PushFixture f;
  struct Case {
    std::string body;
    std::string message_part;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"metrics": {"loss": 0.1)", "not valid JSON"},
           {"", "not valid JSON"},
           {R"([1, 2])", "must be a JSON object"},
           {R"({"metrics": {}})", "metrics: must name at least one metric"},
           {R"({"step": 1})", "metrics: is required"},
           {R"({"metrics": [0.1]})", "metrics: must be an object"},
           {R"({"metrics": {"loss": true}})",
            "metrics.loss: expected a number or a string holding one, got boolean"},
           {R"({"metrics": {"loss": "0.1x"}})", "metrics.loss: \"0.1x\" is not a finite number"},
           {R"({"metrics": {"loss": null}})", "metrics.loss: expected a number"},
           {R"({"metrics": {"": 1}})", "metrics: metric names must not be empty"},
           {R"({"metrics": {"loss": 1}, "step": -1})", "step: must be an integer >= 0, got -1"},
           {R"({"metrics": {"loss": 1}, "step": 1.5})", "step: must be an integer >= 0, got 1.5"},
           {R"({"metrics": {"loss": 1}, "step": "2"})", "step: must be an integer >= 0"},
           {R"({"metrics": {"loss": 1}, "timestamp": "yesterday"})",
            "timestamp: \"yesterday\" is not an RFC 3339 time"},
           {R"({"metrics": {"loss": 1}, "timestamp": -5})",
            "timestamp: unix seconds must be finite and >= 0"},
           {R"({"metrics": {"loss": 1}, "steps": 2})",
            "steps: unknown field (known fields: metrics, step, timestamp)"},
       }) {
    INFO(c.body);
    auto response = f.push("t-1", c.body);
    CHECK(response.status == 400);
    CHECK(message_of(response).find(c.message_part) != std::string::npos);
  }
  CHECK(f.sink.calls() == 0);
}

TEST_CASE("http push: wrong methods are 405, other paths 404, /healthz answers ok") {
  PushFixture f;
  auto get = http_request(f.server.port(), "GET", "/api/v1/trials/t-1/metrics", "",
                          {{"Authorization", "Bearer secret-1"}});
  CHECK(get.status == 405);
  CHECK(get.headers.at("allow") == "POST");
  CHECK(http_request(f.server.port(), "PUT", "/api/v1/trials/t-1/metrics", "{}").status == 405);
  CHECK(http_request(f.server.port(), "POST", "/api/v1/trials/t-1/metricz", "{}").status == 404);
  CHECK(http_request(f.server.port(), "POST", "/api/v1/trials//metrics", "{}").status == 404);
  auto health = http_request(f.server.port(), "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(nlohmann::json::parse(health.body) == nlohmann::json{{"status", "ok"}});
  CHECK(f.sink.calls() == 0);
}

TEST_CASE("http push: percent-encoded trial names are decoded before the token lookup") {
  PushFixture f;
  f.tokens["exp a/t 1"] = "tok";
  auto response = f.push("exp%20a%2Ft%201", R"({"metrics": {"loss": 3}})", "tok");
  REQUIRE(response.status == 200);
  CHECK(f.sink.reports().at(0).trial == "exp a/t 1");
}

TEST_CASE("http push: the sink's errors are mapped to HTTP statuses") {
  struct RefusingSink : sextant::engine::TrialEvents {
    void on_metrics(std::vector<MetricReport>) override {
      throw sextant::Error(sextant::ErrorCode::kConflict, "trial t-1 already completed");
    }
    void on_exit(sextant::engine::TrialExit) override {}
  } sink;
  PushEndpoint endpoint([](const std::string&) { return std::optional<std::string>("k"); }, sink);
  HttpServer server("127.0.0.1", 0, [&](const HttpRequest& r) { return endpoint.handle(r); });
  auto response = http_request(server.port(), "POST", "/api/v1/trials/t-1/metrics",
                               R"({"metrics": {"loss": 1}})", {{"Authorization", "Bearer k"}});
  CHECK(response.status == 409);
  CHECK(message_of(response) == "trial t-1 already completed");
}

TEST_CASE("http push: concurrent posts from several threads are all delivered") {
  PushFixture f;
  constexpr int kThreads = 6;
  constexpr int kPerThread = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string body = R"({"metrics": {"m)" + std::to_string(t) + R"(": )" + std::to_string(i) +
                           R"(}, "step": )" + std::to_string(i) + "}";
        try {
          if (f.push("t-1", body).status != 200) ++failures;
        } catch (...) {
          ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(failures == 0);
  auto reports = f.sink.reports();
  REQUIRE(reports.size() == kThreads * kPerThread);
  std::set<std::pair<std::string, int64_t>> seen;
  for (const auto& report : reports) {
    CHECK(report.value == std::to_string(*report.step));
    seen.emplace(report.metric, *report.step);
  }
  CHECK(seen.size() == kThreads * kPerThread);
}
