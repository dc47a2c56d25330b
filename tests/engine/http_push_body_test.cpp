// Push body parsing without a server: values, timestamps, and the errors that name the field.
#include <catch2/catch.hpp>

#include "engine/api/push_body.hpp"
#include "engine/api/push_endpoint.hpp"
#include "engine/error.hpp"

using sextant::Error;
using sextant::engine::constant_time_equals;
using sextant::engine::parse_push_body;

TEST_CASE("http push body: RFC 3339 timestamps set the time, bad ones name the field") {
  auto reports = parse_push_body(
      "t", R"({"metrics": {"loss": "0.5"}, "timestamp": "2024-05-01T14:30:00.25+02:00"})", 42);
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].time == Approx(1714566600.25));
  for (const char* bad : {"2023-02-29T00:00:00Z", "2024-05-01T12:30:00", "2024-05-01",
                          "2024-05-01T12:30:00.1234567891Z", "1714566600"}) {
    INFO(bad);
    std::string body = std::string(R"({"metrics": {"loss": 1}, "timestamp": ")") + bad + R"("})";
    try {
      parse_push_body("t", body, 42);
      FAIL("accepted " << bad);
    } catch (const Error& error) {
      CHECK(error.code() == sextant::ErrorCode::kInvalidArgument);
      CHECK(error.field_path() == "timestamp");
      CHECK_THAT(error.message(),
                 Catch::StartsWith("\"" + std::string(bad) + "\" is not an RFC 3339 time"));
      CHECK_THAT(error.message(), Catch::Contains("2024-05-01T12:30:00Z"));  // shows the form
    }
  }
}

TEST_CASE("http push body: numeric strings must be finite numbers, named by metric") {
  for (const char* bad : {"nan", "inf", "1e999", "0x10", "1.5kg", "++1", ""}) {
    INFO(bad);
    std::string body = std::string(R"({"metrics": {"acc": ")") + bad + R"("}})";
    try {
      parse_push_body("t", body, 42);
      FAIL("accepted " << bad);
    } catch (const Error& error) {
      CHECK(error.field_path() == "metrics.acc");
      CHECK_THAT(error.message(), Catch::Contains("is not a finite number"));
    }
  }
}

TEST_CASE("http push body: values keep their Katib string form") {
  auto reports = parse_push_body(
      "t",
      R"({"metrics": {"a": 0.1, "b": 3, "c": " +4.50 ", "d": -2.5e-7, "e": 18446744073709551615}})",
      42);
  REQUIRE(reports.size() == 5);
  CHECK(reports[0].value == "0.1");
  CHECK(reports[1].value == "3");
  CHECK(reports[2].value == "4.50");
  CHECK(reports[3].value == "-2.5e-07");
  CHECK(reports[4].value == "18446744073709551615");
  for (const auto& report : reports) CHECK(report.time == 42);
}

TEST_CASE("http push body: constant-time comparison is still a comparison") {
  CHECK(constant_time_equals("abc", "abc"));
  CHECK(constant_time_equals("", ""));
  CHECK_FALSE(constant_time_equals("abd", "abc"));
  CHECK_FALSE(constant_time_equals("ab", "abc"));
  CHECK_FALSE(constant_time_equals("abcd", "abc"));
  CHECK_FALSE(constant_time_equals("", "abc"));
}
