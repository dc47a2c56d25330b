// The one RFC 3339 parser (and its formatter): valid times, zones, fractions, impossible dates.
#include <cmath>
#include <string>

#include <catch2/catch.hpp>

#include "engine/util/clock.hpp"
#include "engine/util/rfc3339.hpp"

using sextant::engine::format_time_rfc3339;
using sextant::engine::parse_rfc3339;
using sextant::engine::unix_now;

TEST_CASE("util rfc3339: times in UTC, with offsets and with fractions") {
  struct Case {
    const char* text;
    double seconds;
  };
  for (const Case& c : {
           Case{"1970-01-01T00:00:00Z", 0},
           Case{"2024-05-01T12:30:00Z", 1714566600},
           Case{"2024-05-01t12:30:00z", 1714566600},
           Case{"2024-05-01T14:30:00+02:00", 1714566600},
           Case{"2024-05-01T07:00:00-05:30", 1714566600},
           Case{"2024-05-01T12:30:00+00:00", 1714566600},
           Case{"2024-05-01T12:30:00-00:00", 1714566600},
           Case{"2000-02-29T00:00:00-05:30", 951802200},
           Case{"2024-02-29T00:00:00Z", 1709164800},
           Case{"2024-12-31T23:59:59Z", 1735689599},
           Case{"1969-12-31T23:59:59Z", -1},
       }) {
    INFO(c.text);
    auto parsed = parse_rfc3339(c.text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == c.seconds);
  }
  CHECK(*parse_rfc3339("2024-05-01T12:30:00.25Z") == Approx(1714566600.25));
  CHECK(*parse_rfc3339("2024-05-01T14:30:00.5+02:00") == Approx(1714566600.5));
  CHECK(*parse_rfc3339("2021-12-02T14:27:50.000035161Z") ==
        Approx(1638455270.000035161).margin(1e-5));  // Go's RFC3339Nano, 9 digits
}

TEST_CASE("util rfc3339: impossible dates and other layouts are not times") {
  for (const char* bad : {
           "2001-02-29T00:00:00Z",             // not a leap year
           "1900-02-29T00:00:00Z",             // century, not a leap year
           "2024-04-31T00:00:00Z",             // April has 30 days
           "2024-13-01T00:00:00Z",             // month
           "2024-00-01T00:00:00Z",             // month
           "2024-05-00T00:00:00Z",             // day
           "2024-05-01T24:00:00Z",             // hour
           "2024-05-01T12:60:00Z",             // minute
           "2024-05-01T12:30:60Z",             // second
           "2024-05-01T12:30:00+24:00",        // zone hour
           "2024-05-01T12:30:00+02:60",        // zone minute
           "2024-05-01T12:30:00+0200",         // zone without a colon
           "2024-05-01T12:30:00+02",           // zone cut short
           "2024-05-01T12:30:00",              // no zone
           "2024-05-01 12:30:00Z",             // space for T
           "2024-05-01T12:30:00.Z",            // empty fraction
           "2024-05-01T12:30:00.1234567891Z",  // 10 fraction digits
           "2024-05-01T12:30:00Zjunk",         // trailing text
           "2024-05-01T12:30:00Z ",            // trailing space
           "2024-05-01",                       // date only
           "2024/05/01T12:30:00Z",             // separators
           "24-05-01T12:30:00Z",               // two-digit year
           "1714566600",                       // unix seconds are not RFC 3339
           "",
       }) {
    INFO('"' << bad << '"');
    CHECK_FALSE(parse_rfc3339(bad).has_value());
  }
}

TEST_CASE("util rfc3339: formatting gives UTC whole seconds that parse back") {
  CHECK(format_time_rfc3339(1714566600.75) == "2024-05-01T12:30:00Z");
  CHECK(format_time_rfc3339(0).empty());  // unset
  CHECK(format_time_rfc3339(-5).empty());
  double now = unix_now();
  CHECK(now > *parse_rfc3339("2024-01-01T00:00:00Z"));  // unix seconds, not ms or uptime
  auto back = parse_rfc3339(format_time_rfc3339(now));
  REQUIRE(back.has_value());
  CHECK(*back == std::floor(now));
}
