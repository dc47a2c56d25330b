// TPE's building blocks: how parameters become cells or categories, the group split and weights,
// and the Parzen estimators (densities that integrate to 1, draws that follow them).
#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>

#include <catch2/catch.hpp>

#include "algorithms/common/unit_cube.hpp"
#include "algorithms/tpe/multivariate_parzen.hpp"
#include "algorithms/tpe/tpe_dimensions.hpp"
#include "algorithms/tpe/tpe_groups.hpp"
#include "algorithms/tpe/tpe_search.hpp"
#include "algorithms/tpe/truncated_normal.hpp"
#include "algorithms/tpe/univariate_parzen.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::make_group;
using algorithms::MultivariateParzen;
using algorithms::Rng;
using algorithms::TpeDimension;
using algorithms::TpeDimensionKind;
using algorithms::TpeGroup;
using algorithms::UnivariateParzen;

TpeGroup group_of(const std::vector<std::vector<double>>& points) {
  std::vector<const std::vector<double>*> members;
  for (const auto& p : points) members.push_back(&p);
  return make_group(members, points.empty() ? 1 : points[0].size());
}

// Midpoint rule over [0, 1].
double integral(const std::function<double(double)>& f, int steps = 20000) {
  double sum = 0;
  for (int i = 0; i < steps; ++i) sum += f((i + 0.5) / steps);
  return sum / steps;
}

std::vector<TpeDimension> dimensions_of(const std::vector<ParameterSpec>& parameters) {
  engine::SearchSpace space;
  space.parameters = parameters;
  algorithms::UnitCube cube(space);
  return algorithms::tpe_dimensions(space, cube);
}

}  // namespace

TEST_CASE("tpe: parameters become continuous coordinates, cells or categories",
          "[algorithms][tpe]") {
  auto dims = dimensions_of({
      double_param("lr", 0, 1),
      int_param("layers", 1, 4),
      double_param("dropout", 0, 0.5, 0.1),
      int_param("units", 1, 1000, 0, Distribution::kLogUniform),
      int_param("batch", 8, 64, 0, Distribution::kLogUniform),
      double_param("wide", 0, 1000, 1),  // 1001 points: finer than any kernel
      list_param("optimizer", ParameterType::kCategorical, {"sgd", "adam", "sgd"}),
  });
  REQUIRE(dims.size() == 7);
  CHECK(dims[0].kind == TpeDimensionKind::kContinuous);
  CHECK(dims[1].kind == TpeDimensionKind::kCells);
  CHECK(dims[1].size() == 4);
  CHECK(dims[2].kind == TpeDimensionKind::kCells);
  CHECK(dims[2].size() == 6);
  CHECK(dims[3].kind == TpeDimensionKind::kContinuous);
  CHECK(dims[4].kind == TpeDimensionKind::kCells);
  CHECK(dims[4].size() == 57);
  CHECK(dims[5].kind == TpeDimensionKind::kContinuous);
  CHECK(dims[6].kind == TpeDimensionKind::kCategories);
  CHECK(dims[6].size() == 2);  // the repeated "sgd" counts once, as in UnitCube

  // Uniform cells are equal; log cells shrink as values grow. Every centre lies in its own cell.
  CHECK(dims[1].edges[1] == Approx(0.25));
  const auto& batch = dims[4];
  CHECK(batch.edges.front() == 0.0);
  CHECK(batch.edges.back() == 1.0);
  for (size_t k = 0; k < batch.size(); ++k) {
    CHECK(batch.edges[k] <= batch.edges[k + 1]);
    CHECK(batch.index_of(batch.centers[k]) == k);
  }
  CHECK(batch.edges[1] - batch.edges[0] > batch.edges[56] - batch.edges[55]);
}

TEST_CASE("tpe: quantile cells match the values UnitCube gives", "[algorithms][tpe]") {
  engine::SearchSpace space;
  space.parameters = {double_param("x", 0, 1, 0.25, Distribution::kNormal),
                      int_param("n", 1, 100, 0, Distribution::kLogNormal)};
  algorithms::UnitCube cube(space);
  auto dims = algorithms::tpe_dimensions(space, cube);
  for (size_t d = 0; d < dims.size(); ++d) {
    REQUIRE(dims[d].kind == TpeDimensionKind::kCells);
    // Any u in cell k gives the same value as the cell's centre.
    Rng rng(d + 1);
    for (int i = 0; i < 500; ++i) {
      const double u = rng.uniform();
      const size_t k = dims[d].index_of(u);
      INFO("parameter " << d << " u " << u);
      CHECK(cube.value_at(d, u) == cube.value_at(d, dims[d].centers[k]));
    }
  }
}

TEST_CASE("tpe: the good group is the lowest losses, members in trial order", "[algorithms][tpe]") {
  auto split = algorithms::split_by_loss({5, 1, 4, 1, 3, 9}, 3);
  CHECK(split.good == std::vector<size_t>{1, 3, 4});
  CHECK(split.bad == std::vector<size_t>{0, 2, 5});

  algorithms::TpeOptions options;  // linear, gamma 0.1, at most 25
  CHECK(algorithms::good_count(options, 1) == 1);
  CHECK(algorithms::good_count(options, 10) == 1);
  CHECK(algorithms::good_count(options, 11) == 2);
  CHECK(algorithms::good_count(options, 100) == 10);
  CHECK(algorithms::good_count(options, 1000) == 25);
  options.good_rule = algorithms::GoodCountRule::kSquareRoot;
  options.gamma = 0.25;
  CHECK(algorithms::good_count(options, 100) == 3);  // hyperopt: ceil(0.25 * 10)
}

TEST_CASE("tpe: recency weights are flat for the newest 25 and ramp up before them",
          "[algorithms][tpe]") {
  auto few = algorithms::recency_weights(10);
  CHECK(std::all_of(few.begin(), few.end(), [](double w) { return w == 1.0; }));
  auto many = algorithms::recency_weights(100);
  REQUIRE(many.size() == 100);
  CHECK(many[0] == Approx(0.01));
  for (size_t i = 1; i < 75; ++i) CHECK(many[i] > many[i - 1]);
  for (size_t i = 75; i < 100; ++i) CHECK(many[i] == 1.0);
}

TEST_CASE("tpe: a truncated normal's draws and masses stay in the unit interval",
          "[algorithms][tpe]") {
  algorithms::TruncatedNormal edge(0.0, 0.1);  // half the kernel is cut off
  CHECK(edge.mass == Approx(0.5).margin(1e-12));
  CHECK(edge.interval_probability(0, 1) == Approx(1.0));
  CHECK(edge.interval_probability(0, 0.1) == Approx(2 * (0.841344746 - 0.5)).epsilon(1e-6));
  Rng rng(7);
  double below = 0;
  for (int i = 0; i < 20000; ++i) {
    const double x = edge.sample(rng);
    REQUIRE(x >= 0.0);
    REQUIRE(x <= 1.0);
    below += x < 0.1;
  }
  CHECK(below / 20000 == Approx(0.6827).margin(0.015));
  // Far tails do not cancel to zero.
  CHECK(algorithms::normal_interval_mass(30, 31) > 0);
  CHECK(algorithms::normal_interval_mass(-31, -30) > 0);
}

TEST_CASE("tpe: univariate estimators are probability densities and their draws follow them",
          "[algorithms][tpe]") {
  const auto group = group_of({{0.05}, {0.1}, {0.12}, {0.5}, {0.52}, {0.97}, {0.3}});

  SECTION("continuous") {
    TpeDimension dim;
    UnivariateParzen parzen(dim, group, 0, 1.0);
    CHECK(integral([&](double u) { return std::exp(parzen.log_density(u)); }) ==
          Approx(1.0).margin(1e-3));
    // Draws: the share in [0, 0.2] matches the density's mass there.
    const double mass =
        integral([&](double u) { return u < 0.2 ? std::exp(parzen.log_density(u)) : 0.0; });
    Rng rng(3);
    int inside = 0;
    const int draws = 40000;
    for (int i = 0; i < draws; ++i) inside += parzen.sample(rng) < 0.2;
    CHECK(static_cast<double>(inside) / draws == Approx(mass).margin(0.01));
  }

  SECTION("cells") {
    auto dims = dimensions_of({int_param("layers", 1, 5)});
    UnivariateParzen parzen(dims[0], group, 0, 1.0);
    double total = 0;
    for (double c : dims[0].centers) total += std::exp(parzen.log_density(c));
    CHECK(total == Approx(1.0).margin(1e-9));
    Rng rng(4);
    for (int i = 0; i < 200; ++i) {
      const double u = parzen.sample(rng);
      CHECK(std::find(dims[0].centers.begin(), dims[0].centers.end(), u) != dims[0].centers.end());
    }
  }

  SECTION("categories: counts plus the prior, no kernel width") {
    auto dims = dimensions_of({list_param("opt", ParameterType::kCategorical, {"a", "b", "c"})});
    // Three members at "a" (coordinate 1/6), one at "c" (5/6), prior weight 1: total 5.
    const auto members = group_of({{1 / 6.0}, {1 / 6.0}, {1 / 6.0}, {5 / 6.0}});
    UnivariateParzen parzen(dims[0], members, 0, 1.0);
    CHECK(std::exp(parzen.log_density(1 / 6.0)) == Approx((3 + 1 / 3.0) / 5));
    CHECK(std::exp(parzen.log_density(0.5)) == Approx((1 / 3.0) / 5));
    CHECK(std::exp(parzen.log_density(5 / 6.0)) == Approx((1 + 1 / 3.0) / 5));
    // "b" sits between "a" and "c" in the list, but gets no mass from their neighbourhood.
    Rng rng(5);
    int b = 0;
    const int draws = 30000;
    for (int i = 0; i < draws; ++i) b += dims[0].index_of(parzen.sample(rng)) == 1;
    CHECK(static_cast<double>(b) / draws == Approx(1 / 15.0).margin(0.006));
  }

  SECTION("an empty group is the prior alone") {
    TpeDimension dim;
    UnivariateParzen parzen(dim, group_of({}), 0, 1.0);
    CHECK(parzen.log_density(0.3) == Approx(0.0).margin(1e-12));
  }
}

TEST_CASE("tpe: neighbour bandwidths follow the gaps, within the magic clip", "[algorithms][tpe]") {
  const double coords[] = {0.1, 0.15, 0.8};
  auto sigmas = algorithms::neighbour_bandwidths(coords, 3);
  // Sorted with the prior's mean: 0.1, 0.15, 0.5, 0.8; the floor is 1 / min(100, 3 + 2).
  CHECK(sigmas[0] == Approx(0.2));   // gap 0.05, raised to the floor
  CHECK(sigmas[1] == Approx(0.35));  // larger gap, to 0.5
  CHECK(sigmas[2] == Approx(0.3));   // the last one: its only neighbour
  double many[300];
  for (int i = 0; i < 300; ++i) many[i] = 0.5 + 1e-6 * i;
  for (double s : algorithms::neighbour_bandwidths(many, 300)) CHECK(s >= 0.01 * 0.5 - 1e-12);
}

TEST_CASE("tpe: candidates are ranked by kernel profiles, sampled from densities",
          "[algorithms][tpe]") {
  // One member at 0.5 with the prior (weight 1): width 1/3 (the clip for m = 1), share 1/2.
  TpeDimension dim;
  const auto group = group_of({{0.5}});
  UnivariateParzen parzen(dim, group, 0, 1.0);
  const double sigma = 1.0 / 3;
  const double mass = 0.8663855974622838;  // P(|Z| <= 1.5)
  const double peak = 0.3989422804014327;  // standard normal pdf at 0
  CHECK(parzen.log_density(0.5) == Approx(std::log(0.5 + 0.5 * peak / (mass * sigma))));
  CHECK(parzen.log_score(0.5) == Approx(std::log(0.5 + 0.5 * peak / mass)));
  // The prior alone scores like its density: log 1.
  UnivariateParzen prior_only(dim, group_of({}), 0, 1.0);
  CHECK(prior_only.log_score(0.2) == Approx(0.0).margin(1e-12));

  CHECK(algorithms::magic_clip_scale(1) == Approx(0.35));
  CHECK(algorithms::magic_clip_scale(4) == Approx(0.7));
  CHECK(algorithms::magic_clip_scale(9) == 1.0);
}

TEST_CASE("tpe: the joint estimator is a density over mixed spaces", "[algorithms][tpe]") {
  SECTION("two continuous parameters") {
    std::vector<TpeDimension> dims(2);
    const auto group = group_of({{0.1, 0.2}, {0.15, 0.9}, {0.8, 0.85}, {0.5, 0.5}});
    MultivariateParzen parzen(dims, group, 1.0);
    double total = 0;
    const int steps = 300;
    for (int i = 0; i < steps; ++i)
      for (int j = 0; j < steps; ++j)
        total += std::exp(parzen.log_density({(i + 0.5) / steps, (j + 0.5) / steps}));
    CHECK(total / (steps * steps) == Approx(1.0).margin(2e-3));
  }

  SECTION("a continuous parameter, cells and categories") {
    auto dims = dimensions_of({double_param("x", 0, 1), int_param("n", 1, 3),
                               list_param("c", ParameterType::kCategorical, {"a", "b"})});
    const auto group = group_of({{0.2, 0.5 / 3, 0.25}, {0.7, 2.5 / 3, 0.75}, {0.4, 1.5 / 3, 0.25}});
    MultivariateParzen parzen(dims, group, 1.0);
    double total = 0;
    const int steps = 2000;
    for (double n : dims[1].centers)
      for (double c : dims[2].centers)
        for (int i = 0; i < steps; ++i)
          total += std::exp(parzen.log_density({(i + 0.5) / steps, n, c})) / steps;
    CHECK(total == Approx(1.0).margin(1e-3));

    // Draws are points of the space: cells and categories at their centres.
    Rng rng(9);
    std::vector<double> point;
    for (int i = 0; i < 200; ++i) {
      parzen.sample(rng, point);
      REQUIRE(point.size() == 3);
      CHECK(point[0] >= 0.0);
      CHECK(point[0] <= 1.0);
      CHECK(point[1] == dims[1].centers[dims[1].index_of(point[1])]);
      CHECK(point[2] == dims[2].centers[dims[2].index_of(point[2])]);
    }
  }
}

}  // namespace sextant::test
