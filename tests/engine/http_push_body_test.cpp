// Push body helpers without a server: strict numbers and RFC 3339 times.
#include <catch2/catch.hpp>

#include "engine/api/push_body.hpp"
#include "engine/api/push_endpoint.hpp"

using sextant::Error;
using sextant::engine::constant_time_equals;
using sextant::engine::parse_finite_number;
using sextant::engine::parse_push_body;
using sextant::engine::parse_rfc3339;

TEST_CASE("http push body: numeric strings are finite decimal numbers only") {
  CHECK(parse_finite_number("0.9") == 0.9);
  CHECK(parse_finite_number(" 1e-3 ") == 1e-3);
  CHECK(parse_finite_number("+2") == 2.0);
  CHECK(parse_finite_number("-0.5") == -0.5);
  CHECK(parse_finite_number(".5") == 0.5);
  for (const char* bad : {"", " ", "nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e999", "0x10",
                          "1.5kg", "+-1", "++1", "1,5", "-"}) {
    INFO(bad);
    CHECK_FALSE(parse_finite_number(bad).has_value());
  }
}

TEST_CASE("http push body: RFC 3339 times with fractions and zone offsets") {
  CHECK(parse_rfc3339("1970-01-01T00:00:00Z") == 0);
  CHECK(parse_rfc3339("2024-05-01T12:30:00Z") == 1714566600);
  CHECK(parse_rfc3339("2024-05-01t12:30:00.25z") == Approx(1714566600.25));
  CHECK(parse_rfc3339("2024-05-01T14:30:00+02:00") == 1714566600);
  CHECK(parse_rfc3339("2024-05-01T07:00:00-05:30") == 1714566600);
  CHECK(parse_rfc3339("2024-02-29T00:00:00Z") == 1709164800);
  for (const char* bad : {"2024-05-01", "2024-05-01T12:30:00", "2024-13-01T00:00:00Z",
                          "2023-02-29T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:30:00.Z",
                          "2024-05-01T12:30:00Zjunk", "2024/05/01T12:30:00Z", "1714566600"}) {
    INFO(bad);
    CHECK_THROWS_AS(parse_rfc3339(bad), Error);
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
