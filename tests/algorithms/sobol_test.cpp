// Sobol: the sequence against independent reference values, the net properties the scramble must
// keep, and the `sobol` algorithm's even spread over a parameter's distribution.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "algorithms/sobol/sobol_factory.hpp"
#include "algorithms/sobol/sobol_sequence.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

using sextant::algorithms::SobolSearchFactory;
using sextant::algorithms::SobolSequence;
using namespace sextant::test;

TEST_CASE("sobol: the unscrambled sequence matches reference values", "[unit]") {
  // Values of scipy.stats.qmc.Sobol(d, scramble=False), an independent implementation of the
  // same Joe-Kuo table.
  const double expected[8][6] = {
      {0, 0, 0, 0, 0, 0},
      {0.5, 0.5, 0.5, 0.5, 0.5, 0.5},
      {0.75, 0.25, 0.25, 0.25, 0.75, 0.75},
      {0.25, 0.75, 0.75, 0.75, 0.25, 0.25},
      {0.375, 0.375, 0.625, 0.875, 0.375, 0.125},
      {0.875, 0.875, 0.125, 0.375, 0.875, 0.625},
      {0.625, 0.125, 0.875, 0.625, 0.625, 0.875},
      {0.125, 0.625, 0.375, 0.125, 0.125, 0.375},
  };
  SobolSequence plain(6, std::nullopt);
  for (uint64_t i = 0; i < 8; ++i) {
    auto p = plain.point(i);
    for (size_t d = 0; d < 6; ++d) CHECK(p[d] == expected[i][d]);
  }
  SobolSequence wide(64, std::nullopt);
  auto p13 = wide.point(13);
  CHECK(p13[10] == 0.8125);
  CHECK(p13[31] == 0.4375);
  CHECK(p13[63] == 0.0625);
  CHECK_THROWS_AS(SobolSequence(65, std::nullopt), sextant::Error);
}

TEST_CASE("sobol: the scramble keeps every projection a net", "[unit]") {
  SobolSequence scrambled(8, 12345);
  // One dimension: 256 points, one in each interval of width 1/256.
  for (size_t d = 0; d < 8; ++d) {
    std::set<int> cells;
    for (uint64_t i = 0; i < 256; ++i) {
      double u = scrambled.point(i)[d];
      REQUIRE(u > 0.0);
      REQUIRE(u < 1.0);
      cells.insert(static_cast<int>(u * 256));
    }
    CHECK(cells.size() == 256);
  }
  // The first two dimensions form a (0, m, 2)-net: 256 points, one in each cell of a 16 x 16 grid.
  std::set<int> cells;
  for (uint64_t i = 0; i < 256; ++i) {
    auto p = scrambled.point(i);
    cells.insert(static_cast<int>(p[0] * 16) * 16 + static_cast<int>(p[1] * 16));
  }
  CHECK(cells.size() == 256);
}

TEST_CASE("sobol: the seed chooses the scramble", "[unit]") {
  SobolSequence a(3, 1), b(3, 1), c(3, 2);
  CHECK(a.point(5) == b.point(5));
  CHECK(a.point(5) != c.point(5));
  CHECK(a.point(0) != SobolSequence(3, std::nullopt).point(0));  // not the origin
}

TEST_CASE("sobol: trials spread evenly over a log-uniform parameter", "[unit]") {
  auto spec = make_spec("sobol", {double_param("lr", 1e-5, 1e-1, 0, Distribution::kLogUniform)},
                        {{"random_state", "7"}});
  SobolSearchFactory factory;
  REQUIRE(factory.validate(spec).empty());
  auto algorithm = factory.create(spec);
  auto result = algorithm->suggest({}, 64);
  REQUIRE(result.suggestions.size() == 64);
  // In log space the 64 values fall one in each of 64 equal strata.
  std::set<int> strata;
  for (const auto& s : result.suggestions) {
    double lr = std::stod(s.assignment[0].value);
    double u = (std::log(lr) - std::log(1e-5)) / (std::log(1e-1) - std::log(1e-5));
    strata.insert(std::min(63, static_cast<int>(u * 64)));
  }
  CHECK(strata.size() == 64);
}

TEST_CASE("sobol: more than 64 parameters are refused at validation", "[unit]") {
  std::vector<sextant::engine::ParameterSpec> many;
  for (int i = 0; i < 65; ++i) many.push_back(double_param("x" + std::to_string(i), 0, 1));
  auto problems = SobolSearchFactory().validate(make_spec("sobol", many));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.parameters");
  CHECK_THAT(problems[0].message, Catch::Contains("at most 64"));
}
