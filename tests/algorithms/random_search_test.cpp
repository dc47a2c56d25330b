// random: distributions, reproducibility by trial index, seed state, repeats and exhaustion.
#include <algorithm>
#include <cmath>
#include <map>

#include <catch2/catch.hpp>

#include "algorithms/random/random_search.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::RandomSearchFactory;
using engine::TrialState;

std::vector<double> draws(const std::vector<ParameterSpec>& parameters, const std::string& name,
                          int count, const std::string& seed = "1") {
  RandomSearchFactory factory;
  auto spec = make_spec("random", parameters, {{"random_state", seed}});
  REQUIRE(factory.validate(spec).empty());
  auto result = factory.create(spec)->suggest({}, count);
  REQUIRE(result.suggestions.size() == static_cast<size_t>(count));
  std::vector<double> out;
  for (const auto& value : values_of(result, name)) {
    auto x = parse_full_double(value);
    REQUIRE(x);
    out.push_back(*x);
  }
  return out;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// A continuous companion keeps a finite parameter's space infinite, so repeats are allowed and
// the draws show the raw distribution.
ParameterSpec companion() {
  return double_param("noise", 0, 1);
}

}  // namespace

TEST_CASE("random: logUniform draws have their median at the geometric mean",
          "[algorithms][random]") {
  auto d = draws({double_param("lr", 1e-4, 1, 0, Distribution::kLogUniform)}, "lr", 2000);
  CHECK(std::log10(median(d)) == Approx(-2).margin(0.15));  // sqrt(1e-4 * 1) = 1e-2
  CHECK(*std::min_element(d.begin(), d.end()) >= 1e-4);
  CHECK(*std::max_element(d.begin(), d.end()) <= 1);
  // A quarter of the mass per decade: uniform in log space.
  auto below = std::count_if(d.begin(), d.end(), [](double x) { return x < 1e-3; });
  CHECK(below == Approx(500).margin(80));

  auto ints = draws({int_param("units", 1, 10000, 0, Distribution::kLogUniform), companion()},
                    "units", 2000, "2");
  CHECK(std::log10(median(ints)) == Approx(2).margin(0.15));
}

TEST_CASE("random: normal draws are clipped to the feasible space, not left outside it",
          "[algorithms][random]") {
  // mu = 3, sigma = (6 - 0) / 6 = 1
  // With the companion, a second draw clipped to the same bound is not a repeated assignment.
  auto d = draws({double_param("x", 0, 6, 0, Distribution::kNormal), companion()}, "x", 5000);
  double sum = 0;
  for (double x : d) sum += x;
  const double mean = sum / static_cast<double>(d.size());
  double squares = 0;
  for (double x : d) squares += (x - mean) * (x - mean);
  const double sd = std::sqrt(squares / static_cast<double>(d.size() - 1));
  CHECK(mean == Approx(3).margin(0.06));
  CHECK(sd == Approx(1).margin(0.05));
  auto within_one_sigma =
      std::count_if(d.begin(), d.end(), [](double x) { return std::fabs(x - 3) <= 1; });
  CHECK(static_cast<double>(within_one_sigma) / 5000.0 == Approx(0.6827).margin(0.025));
  CHECK(*std::min_element(d.begin(), d.end()) >= 0);
  CHECK(*std::max_element(d.begin(), d.end()) <= 6);
  // Clipping (not truncation) leaves Phi(-3) = 0.135% of the draws on each bound.
  auto on_bounds = std::count_if(d.begin(), d.end(), [](double x) { return x == 0 || x == 6; });
  CHECK(on_bounds >= 3);
  CHECK(on_bounds <= 35);

  auto ints =
      draws({int_param("depth", 0, 12, 0, Distribution::kNormal), companion()}, "depth", 3000, "4");
  CHECK(median(ints) == 6);
  for (double x : ints) REQUIRE((x >= 0 && x <= 12 && x == std::round(x)));
}

TEST_CASE("random: logNormal draws stay in range around the geometric mean",
          "[algorithms][random]") {
  auto d = draws({double_param("c", 0.01, 100, 0, Distribution::kLogNormal)}, "c", 3000, "5");
  CHECK(std::log10(median(d)) == Approx(0).margin(0.08));
  CHECK(*std::min_element(d.begin(), d.end()) >= 0.01);
  CHECK(*std::max_element(d.begin(), d.end()) <= 100);
  // sigma in log10 units is 4/6: about 68% within one sigma of the centre.
  auto central = std::count_if(d.begin(), d.end(),
                               [](double x) { return std::fabs(std::log10(x)) <= 4.0 / 6; });
  CHECK(static_cast<double>(central) / 3000.0 == Approx(0.6827).margin(0.03));
}

TEST_CASE("random: uniform ints and stepped doubles give every point, ends included, equal weight",
          "[algorithms][random]") {
  auto ints = draws({int_param("k", 1, 5), companion()}, "k", 5000, "6");
  std::map<double, int> int_counts;
  for (double x : ints) ++int_counts[x];
  REQUIRE(int_counts.size() == 5);
  for (auto [value, n] : int_counts) {
    INFO("value " << value);
    CHECK(n == Approx(1000).margin(130));
  }

  auto stepped = draws({double_param("p", 0, 1, 0.25), companion()}, "p", 5000, "7");
  std::map<double, int> step_counts;
  for (double x : stepped) ++step_counts[x];
  REQUIRE(step_counts.size() == 5);
  CHECK(step_counts.begin()->first == 0);
  CHECK(step_counts.rbegin()->first == 1);
  for (auto [value, n] : step_counts) {
    INFO("value " << value);
    CHECK(n == Approx(1000).margin(130));
  }
}

TEST_CASE("random: discrete and categorical values are uniform choices from the list",
          "[algorithms][random]") {
  RandomSearchFactory factory;
  auto spec =
      make_spec("random",
                {list_param("batch", ParameterType::kDiscrete, {"16", "32", "64", "128"}),
                 list_param("opt", ParameterType::kCategorical, {"sgd", "adam"}), companion()},
                {{"random_state", "8"}});
  auto result = factory.create(spec)->suggest({}, 4000);
  std::map<std::string, int> batch;
  std::map<std::string, int> opt;
  for (const auto& v : values_of(result, "batch")) ++batch[v];
  for (const auto& v : values_of(result, "opt")) ++opt[v];
  REQUIRE(batch.size() == 4);
  for (auto [value, n] : batch) CHECK(n == Approx(1000).margin(130));
  REQUIRE(opt.size() == 2);
  for (auto [value, n] : opt) CHECK(n == Approx(2000).margin(150));
}

TEST_CASE("random: the i-th suggestion depends only on the seed and the history length",
          "[algorithms][random]") {
  RandomSearchFactory factory;
  auto spec = make_spec("random", {double_param("x", -5, 5), int_param("n", 1, 100)},
                        {{"random_state", "99"}});
  auto all_at_once = factory.create(spec)->suggest({}, 6);

  // Suggested in two calls, with the first three stored as trials in between: the same six.
  auto algorithm = factory.create(spec);
  std::vector<engine::Trial> history;
  auto first = algorithm->suggest(history, 3);
  append(history, first, TrialState::kSucceeded);
  auto second = algorithm->suggest(history, 3);
  auto keys = keys_of(first);
  for (const auto& k : keys_of(second)) keys.push_back(k);
  CHECK(keys == keys_of(all_at_once));

  // A fresh instance after a restart continues the same sequence from the stored history.
  CHECK(keys_of(factory.create(spec)->suggest(history, 3)) == keys_of(second));
}

TEST_CASE("random: without random_state the seed is drawn once and survives save/restore",
          "[algorithms][random]") {
  RandomSearchFactory factory;
  auto spec = make_spec("random", {double_param("x", 0, 1)});
  auto one = factory.create(spec);
  auto two = factory.create(spec);
  CHECK(keys_of(one->suggest({}, 3)) != keys_of(two->suggest({}, 3)));
  CHECK(keys_of(one->suggest({}, 3)) == keys_of(one->suggest({}, 3)));

  const std::string state = one->save_state();
  CHECK_THAT(state, Catch::StartsWith("{\"seed\":\""));
  two->restore_state(state);
  CHECK(keys_of(two->suggest({}, 3)) == keys_of(one->suggest({}, 3)));

  // random_state wins over a stored seed: the spec is the source of truth.
  auto fixed =
      factory.create(make_spec("random", {double_param("x", 0, 1)}, {{"random_state", "5"}}));
  const auto before = keys_of(fixed->suggest({}, 3));
  fixed->restore_state(state);
  CHECK(keys_of(fixed->suggest({}, 3)) == before);
}

TEST_CASE("random: a corrupt saved state is rejected with an error", "[algorithms][random]") {
  RandomSearchFactory factory;
  auto algorithm = factory.create(make_spec("random", {double_param("x", 0, 1)}));
  for (const std::string bad : {"garbage", "{}", "{\"seed\":12}", "{\"seed\":\"-3\"}", "[1]"}) {
    INFO(bad);
    CHECK_THROWS_AS(algorithm->restore_state(bad), Error);
  }
  CHECK_NOTHROW(algorithm->restore_state(""));  // nothing stored yet
  CHECK_NOTHROW(algorithm->restore_state("{\"seed\":\"18446744073709551615\"}"));
}

TEST_CASE("random: log-scale parameters need min above zero", "[algorithms][random]") {
  RandomSearchFactory factory;
  auto spec = make_spec(
      "random", {double_param("ok", 1, 2), double_param("lr", 0, 1, 0, Distribution::kLogUniform),
                 int_param("n", -1, 10, 0, Distribution::kLogNormal)});
  auto problems = factory.validate(spec);
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].path == "spec.parameters[1].feasibleSpace.min");
  CHECK_THAT(problems[0].message, Catch::Contains("logUniform needs min > 0"));
  CHECK(problems[1].path == "spec.parameters[2].feasibleSpace.min");
  CHECK_THAT(problems[1].message, Catch::Contains("logNormal"));

  auto empty = make_spec("random", {});
  REQUIRE(factory.validate(empty).size() == 1);
  CHECK(factory.validate(empty)[0].path == "spec.parameters");
}

TEST_CASE("random: a crowded finite space gets its remaining points, matched by value",
          "[algorithms][random]") {
  RandomSearchFactory factory;
  auto spec = make_spec("random",
                        {list_param("opt", ParameterType::kCategorical, {"sgd", "adam"}),
                         double_param("momentum", 0, 0.5, 0.5)},
                        {{"random_state", "3"}});
  // Three of the four points are taken; the history spells 0.5 as "0.50" and 0 as "0.0".
  std::vector<engine::Trial> history = {
      make_trial(0, {{"opt", "sgd"}, {"momentum", "0.0"}}, TrialState::kSucceeded, 1.0),
      make_trial(1, {{"opt", "sgd"}, {"momentum", "0.50"}}, TrialState::kFailed),
      make_trial(2, {{"momentum", "0"}, {"opt", "adam"}}, TrialState::kRunning),
  };
  auto result = factory.create(spec)->suggest(history, 5);
  REQUIRE(result.suggestions.size() == 1);
  CHECK(key_of(result.suggestions[0].assignment) == "opt=adam;momentum=0.5;");
  CHECK(result.exhausted);

  auto partial = factory.create(spec)->suggest({history[0]}, 2);
  CHECK(partial.suggestions.size() == 2);
  CHECK_FALSE(partial.exhausted);
}

TEST_CASE("random: int, step and format edge cases stay inside the space", "[algorithms][random]") {
  RandomSearchFactory factory;
  std::vector<ParameterSpec> parameters = {
      int_param("single", 7, 7),
      double_param("point", 0.5, 0.5),
      int_param("stepped_log", 1, 64, 3, Distribution::kLogUniform),
      double_param("uneven", 0, 1, 0.3),  // 0, 0.3, 0.6, 0.9: max is not a point
      double_param("tiny", 1e-12, 1e-9, 0, Distribution::kLogNormal),
      int_param("negative", -10, -2, 4, Distribution::kNormal),
  };
  auto spec = make_spec("random", parameters, {{"random_state", "12"}});
  REQUIRE(factory.validate(spec).empty());
  auto result = factory.create(spec)->suggest({}, 300);
  REQUIRE(result.suggestions.size() == 300);
  for (const auto& s : result.suggestions) {
    INFO(key_of(s.assignment));
    REQUIRE(assignment_problem(spec.parameters, s.assignment) == "");
  }
  auto uneven = values_of(result, "uneven");
  CHECK(std::set<std::string>(uneven.begin(), uneven.end()) ==
        std::set<std::string>{"0", "0.3", "0.6", "0.9"});
  auto negative = values_of(result, "negative");
  CHECK(std::set<std::string>(negative.begin(), negative.end()) ==
        std::set<std::string>{"-10", "-6", "-2"});
}

}  // namespace sextant::test
