// Base64: round trips and strict decoding.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/util/base64.hpp"

TEST_CASE("base64: round trips and strict decoding") {
  using sextant::engine::base64_decode;
  using sextant::engine::base64_encode;
  const std::vector<std::string> samples = {"",     "f",     "fo",     "foo",
                                            "foob", "fooba", "foobar", std::string("\0\xff", 2)};
  for (const auto& s : samples) CHECK(base64_decode(base64_encode(s)) == s);
  CHECK(base64_encode("foobar") == "Zm9vYmFy");
  CHECK(base64_encode("fo") == "Zm8=");
  CHECK_FALSE(base64_decode("Zm8"));     // not padded
  CHECK_FALSE(base64_decode("Zm=8"));    // data after padding
  CHECK_FALSE(base64_decode("Zm9v\n"));  // white space
}
