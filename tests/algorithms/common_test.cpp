// Shared algorithm helpers: generator streams, normal quantiles, settings, value keys, step ranges,
// the unit-cube mapping and the lattice.
#include <cmath>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/common/axis.hpp"
#include "algorithms/common/lattice.hpp"
#include "algorithms/common/normal.hpp"
#include "algorithms/common/rng.hpp"
#include "algorithms/common/settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/common/values.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {

using namespace sextant::algorithms;

TEST_CASE("common: the generator stream matches the published xoshiro256** and SplitMix64",
          "[algorithms][common]") {
  // Reference values from an independent Python transcription of the two algorithms: a saved
  // experiment's draws must not change with the compiler or standard library.
  Rng rng(42);
  CHECK(rng.next() == 0xbe15272cdf80b6c2ULL);
  CHECK(rng.next() == 0xaf6e2ee49ff5d0e3ULL);
  CHECK(rng.next() == 0xca56edd0338a318fULL);
  CHECK(derive_seed(7, 3) == 0x586e1c5cfd49a76dULL);
  CHECK(derive_seed(7, 3) != derive_seed(7, 4));
  CHECK(derive_seed(7, 3) != derive_seed(8, 3));
}

TEST_CASE("common: uniform draws stay in range and below() is unbiased", "[algorithms][common]") {
  Rng rng(1);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 30000; ++i) {
    const double u = rng.uniform();
    REQUIRE((u >= 0 && u < 1));
    const double o = rng.uniform_open();
    REQUIRE((o > 0 && o < 1));
    ++counts[rng.below(3)];
  }
  for (int c : counts) CHECK(c == Approx(10000).margin(400));
  CHECK(rng.below(1) == 0);
}

TEST_CASE("common: normal_quantile inverts normal_cdf", "[algorithms][common]") {
  CHECK(normal_quantile(0.5) == 0);
  CHECK(normal_quantile(0.975) == Approx(1.959963984540054).epsilon(1e-14));
  CHECK(normal_quantile(0.025) == Approx(-1.959963984540054).epsilon(1e-14));
  CHECK(normal_quantile(1e-10) == Approx(-6.361340902404056).epsilon(1e-13));
  CHECK(normal_quantile(0.99) == Approx(2.3263478740408408).epsilon(1e-14));
  CHECK(std::isinf(normal_quantile(0)));
  CHECK(normal_quantile(0) < 0);
  CHECK(std::isinf(normal_quantile(1)));
  for (double p : {1e-300, 1e-20, 1e-5, 0.1, 0.3, 0.5, 0.7, 0.9, 1 - 1e-9})
    CHECK(normal_cdf(normal_quantile(p)) == Approx(p).epsilon(1e-9));
}

TEST_CASE("common: values compare by what they mean, however they are written",
          "[algorithms][common]") {
  auto d = double_param("d", 0, 1);
  CHECK(canonical_value(d, " +0.10 ") == canonical_value(d, "0.1"));
  CHECK(canonical_value(d, "1e-1") == canonical_value(d, "0.1"));
  CHECK(canonical_value(d, "0.2") != canonical_value(d, "0.1"));
  CHECK(canonical_value(d, "nan") == "nan");  // not a number: kept verbatim, never equal to one
  auto i = int_param("i", 0, 10);
  CHECK(canonical_value(i, "3.0") == canonical_value(i, "3"));
  auto c = list_param("c", ParameterType::kCategorical, {"0.1", "0.10"});
  CHECK(canonical_value(c, "0.10") != canonical_value(c, "0.1"));  // categories are text
}

TEST_CASE("common: random_state checks name the setting's value path", "[algorithms][common]") {
  engine::AlgorithmSpec algorithm{"random", {{"other", "x"}, {"random_state", "-4"}}};
  std::vector<engine::SpecProblem> problems;
  check_random_state(algorithm, problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.algorithm.algorithmSettings[1].value");
  CHECK(problems[0].message == "random_state must be an integer >= 0; found \"-4\"");
  CHECK(random_state(engine::AlgorithmSpec{"random", {{"random_state", "17"}}}) == 17u);
  CHECK(random_state(engine::AlgorithmSpec{"random", {{"random_state", " +17 "}}}) == 17u);
  for (const char* bad : {"1.5", "1e3", "+-7", "99999999999999999999"}) {
    INFO(bad);
    problems.clear();
    check_random_state(engine::AlgorithmSpec{"random", {{"random_state", bad}}}, problems);
    CHECK(problems.size() == 1);
  }
  CHECK_FALSE(random_state(engine::AlgorithmSpec{"random", {}}));
  CHECK_THROWS_AS(random_state(engine::AlgorithmSpec{"random", {{"random_state", "x"}}}), Error);
}

TEST_CASE("common: step ranges count whole steps with a tolerance", "[algorithms][common]") {
  auto range = SteppedRange::of(double_param("x", 0, 0.3, 0.1));
  REQUIRE(range);
  CHECK(range->point_count() == 4);
  CHECK(range->at(3) == 0.3);
  CHECK(range->index_of(0.30000000000000004) == 3u);
  CHECK_FALSE(range->index_of(0.25));
  CHECK_FALSE(range->index_of(0.4));
  CHECK(SteppedRange::of(double_param("x", 0, 1, 0.1))->at(7) == 0.7);
  CHECK(SteppedRange::of(int_param("n", 1.5, 4.5))->point_count() == 3);  // 2, 3, 4
  CHECK(SteppedRange::of(int_param("n", 1, 100))->point_count() == 100);
  CHECK_FALSE(SteppedRange::of(double_param("x", 0, 1)));       // continuous
  CHECK_FALSE(SteppedRange::of(double_param("x", 2, 1, 0.1)));  // empty
  CHECK_FALSE(Axis::of(double_param("x", 0, 1, 1e-17)));        // beyond 2^53 points
}

TEST_CASE("common: the unit cube maps values to coordinates and back", "[algorithms][common]") {
  engine::SearchSpace space;
  space.parameters = {
      int_param("i", 1, 10),
      double_param("u", -2, 2),
      double_param("lu", 1e-3, 10, 0, Distribution::kLogUniform),
      double_param("n", 0, 6, 0, Distribution::kNormal),
      double_param("ln", 1, 100, 0, Distribution::kLogNormal),
      double_param("s", 0, 1, 0.25),
      list_param("c", ParameterType::kCategorical, {"a", "b", "c"}),
  };
  UnitCube cube(space);
  REQUIRE(cube.dimensions() == 7);
  CHECK(cube.value_at(1, 0.25) == "-1");
  CHECK(parse_full_double(cube.value_at(2, 0.5)).value() ==
        Approx(0.1).epsilon(1e-12));  // sqrt(1e-3 * 10)
  CHECK(cube.value_at(3, 0.5) == "3");
  CHECK(cube.value_at(3, 0.0) == "0");  // clipped, not -inf
  CHECK(cube.value_at(3, 1.0) == "6");
  CHECK(parse_full_double(cube.value_at(4, 0.5)).value() == Approx(10).epsilon(1e-12));
  CHECK(cube.value_at(0, 0.0) == "1");
  CHECK(cube.value_at(0, 0.999) == "10");
  CHECK(cube.value_at(5, 0.99) == "1");
  CHECK(cube.value_at(6, 0.5) == "b");

  Rng rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::vector<double> point(cube.dimensions());
    for (auto& u : point) u = rng.uniform();
    auto assignment = cube.assignment_at(point);
    REQUIRE(assignment_problem(space, assignment) == "");
    auto back = cube.point_of(assignment);
    REQUIRE(back);
    // Coordinates of a value map back to the same value: exactly for stepped and list
    // parameters, within rounding of exp/log/erfc for continuous ones.
    auto again = cube.assignment_at(*back);
    INFO(key_of(assignment) << " came back as " << key_of(again));
    for (size_t i = 0; i < space.size(); ++i) {
      const auto& p = space.parameters[i];
      if (p.type == ParameterType::kDouble && p.step == 0)
        CHECK(parse_full_double(again[i].value).value() ==
              Approx(parse_full_double(assignment[i].value).value()).epsilon(1e-9));
      else
        CHECK(again[i].value == assignment[i].value);
    }
  }
  CHECK_FALSE(cube.unit_of(0, "11"));
  CHECK_FALSE(cube.unit_of(5, "0.3"));
  CHECK_FALSE(cube.unit_of(6, "d"));
  CHECK_FALSE(cube.point_of({{"i", "3"}}));
}

TEST_CASE("common: an unusable space is refused with the field path", "[algorithms][common]") {
  auto refused_at = [](std::vector<ParameterSpec> parameters) -> std::string {
    engine::SearchSpace space;
    space.parameters = std::move(parameters);
    try {
      UnitCube cube(space);
    } catch (const Error& e) {
      return e.field_path();
    }
    return "accepted";
  };
  CHECK(refused_at({}) == "spec.parameters");
  CHECK(refused_at({int_param("a", 1, 2), double_param("b", 3, 1)}) ==
        "spec.parameters[1].feasibleSpace.min");
  CHECK(refused_at({list_param("c", ParameterType::kCategorical, {})}) ==
        "spec.parameters[0].feasibleSpace.list");
  CHECK(refused_at({int_param("d", 1.2, 1.8)}) == "spec.parameters[0]");
  CHECK(refused_at({double_param("e", 0, 1, 0, Distribution::kLogUniform)}) ==
        "spec.parameters[0].feasibleSpace.min");
  CHECK(refused_at({double_param("f", 0, 1, -0.1)}) == "spec.parameters[0].feasibleSpace.step");
  CHECK(refused_at({double_param("g", 0, 1)}) == "accepted");
}

TEST_CASE("common: the lattice enumerates, ranks and locates every point", "[algorithms][common]") {
  engine::SearchSpace space;
  space.parameters = {int_param("a", 0, 2), list_param("b", ParameterType::kDiscrete, {"0.5", "1"}),
                      double_param("c", 0, 0.2, 0.1)};
  auto lattice = Lattice::of(space);
  REQUIRE(lattice);
  CHECK(lattice->size() == 18);
  CHECK_FALSE(lattice->overflowed());
  auto digits = lattice->first();
  uint64_t rank = 0;
  std::set<std::string> seen;
  do {
    CHECK(lattice->rank(digits) == rank);
    CHECK(lattice->digits(rank) == digits);
    auto assignment = lattice->assignment(digits);
    CHECK(lattice->locate(assignment) == digits);
    seen.insert(key_of(assignment));
    ++rank;
  } while (lattice->advance(digits));
  CHECK(rank == 18);
  CHECK(seen.size() == 18);
  CHECK(lattice->locate({{"a", "1"}, {"b", "0.50"}, {"c", "0.2"}}) == Lattice::Digits{1, 0, 2});
  CHECK_FALSE(lattice->locate({{"a", "1"}, {"b", "2"}, {"c", "0.2"}}));

  engine::SearchSpace continuous;
  continuous.parameters = {int_param("a", 0, 2), double_param("x", 0, 1)};
  CHECK_FALSE(Lattice::of(continuous));
  engine::SearchSpace huge;
  for (int i = 0; i < 5; ++i)
    huge.parameters.push_back(int_param("p" + std::to_string(i), 1, 1000000));
  auto big = Lattice::of(huge);
  REQUIRE(big);
  CHECK(big->overflowed());
}

}  // namespace sextant::test
