// The lenient number parsers: what counts as a finite (or whole) number written as text.
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include "engine/util/numbers.hpp"

using sextant::engine::parse_finite_number;
using sextant::engine::parse_whole_number;

TEST_CASE("util numbers: finite numbers, spaced and signed as workers write them") {
  struct Case {
    const char* text;
    double value;
  };
  for (const Case& c : {Case{"0.5", 0.5}, Case{" 1e-3 ", 1e-3}, Case{"+2", 2.0}, Case{"-0", 0.0},
                        Case{".98", 0.98}, Case{"1E0", 1.0}, Case{"\t-7.53e-05\r\n", -7.53e-05},
                        Case{"+1.5e+3", 1500.0}, Case{"100", 100.0}, Case{"5.", 5.0}}) {
    INFO(c.text);
    auto parsed = parse_finite_number(c.text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == c.value);
  }
  CHECK(std::signbit(*parse_finite_number("-0")));
  CHECK_FALSE(std::signbit(*parse_finite_number("+0")));
}

TEST_CASE("util numbers: anything but one finite decimal number is rejected") {
  for (const char* bad : {"nan",      "NaN",   "-nan",   "inf",    "-inf",
                          "Infinity", "1e999", "-1e999", "1e+400", "1e99999999999999999999",
                          "0x10",     "0X1p3", "",       " ",      "1.5kg",
                          "++1",      "+-1",   "-+1",    "- 1",    "1,5",
                          "-",        "+",     ".",      "e5",     "1e",
                          "1.2.3",    "1 2",   "0.5\x01"}) {
    INFO('"' << bad << '"');
    CHECK_FALSE(parse_finite_number(bad).has_value());
  }
  // Overflow from the digits alone, not only from the exponent.
  CHECK_FALSE(parse_finite_number(std::string(400, '9')).has_value());
}

TEST_CASE("util numbers: values too small for a double read as zero, as Python's float() does") {
  for (const char* tiny : {"1e-400", "0.0001e-99999999999999999999", "+1e-400"}) {
    INFO(tiny);
    auto parsed = parse_finite_number(tiny);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == 0.0);
    CHECK_FALSE(std::signbit(*parsed));
  }
  auto negative = parse_finite_number("-1e-400");
  REQUIRE(negative.has_value());
  CHECK(*negative == 0.0);
  CHECK(std::signbit(*negative));
  CHECK(*parse_finite_number("0." + std::string(400, '0') + "1") == 0.0);
  // Subnormal values are still values, not zero.
  CHECK(*parse_finite_number("4.9e-324") > 0.0);
  CHECK(*parse_finite_number("2.2250738585072014e-308") == 2.2250738585072014e-308);
}

TEST_CASE("util numbers: whole numbers take the same spaces and sign, and nothing else") {
  CHECK(parse_whole_number("42") == 42);
  CHECK(parse_whole_number(" +7 ") == 7);
  CHECK(parse_whole_number("\t-1\n") == -1);
  CHECK(parse_whole_number("9223372036854775807") == INT64_MAX);
  CHECK(parse_whole_number("-9223372036854775808") == INT64_MIN);
  for (const char* bad : {"", " ", "+", "-", "1.5", "1e3", "abc", "9223372036854775808",
                          "99999999999999999999", "0x10", "+-7", "++7", "7x", "1 2"}) {
    INFO('"' << bad << '"');
    CHECK_FALSE(parse_whole_number(bad).has_value());
  }
}
