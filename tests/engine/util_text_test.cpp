// White-space trimming shared by the parsers.
#include <string_view>

#include <catch2/catch.hpp>

#include "engine/util/text.hpp"

using sextant::engine::trim_space;

TEST_CASE("util text: trimming removes ASCII white space at both ends only") {
  CHECK(trim_space("  loss = 0.5\t\r\n") == "loss = 0.5");
  CHECK(trim_space("\v\fx\f\v") == "x");
  CHECK(trim_space("x") == "x");
  CHECK(trim_space(" \t\r\n").empty());
  CHECK(trim_space("").empty());
  CHECK(trim_space(std::string_view(" a\0b ", 5)) ==
        std::string_view("a\0b", 3));             // inner bytes kept
  CHECK(trim_space("\xc2\xa0x") == "\xc2\xa0x");  // non-ASCII space is text, not white space
}
