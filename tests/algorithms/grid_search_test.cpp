// grid: the exact product and its order, decimal steps, skipping, exhaustion, validation.
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/grid/grid_search.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::GridSearchFactory;
using engine::TrialState;

engine::SuggestResult grid(const std::vector<ParameterSpec>& parameters,
                           const std::vector<engine::Trial>& history = {}, int count = 1000) {
  GridSearchFactory factory;
  auto spec = make_spec("grid", parameters);
  REQUIRE(factory.validate(spec).empty());
  return factory.create(spec)->suggest(history, count);
}

std::vector<std::string> axis_values(const ParameterSpec& parameter) {
  return values_of(grid({parameter}), parameter.name);
}

}  // namespace

TEST_CASE("grid: covers exactly the Cartesian product, first parameter slowest",
          "[algorithms][grid]") {
  auto result = grid({int_param("layers", 1, 3),
                      list_param("opt", ParameterType::kCategorical, {"sgd", "adam"}),
                      double_param("lr", 0, 0.3, 0.1)});
  std::vector<std::string> expected;
  for (std::string layers : {"1", "2", "3"})
    for (std::string opt : {"sgd", "adam"})
      for (std::string lr : {"0", "0.1", "0.2", "0.3"})
        expected.push_back("layers=" + layers + ";opt=" + opt + ";lr=" + lr + ";");
  CHECK(keys_of(result) == expected);
  CHECK(result.exhausted);
}

TEST_CASE("grid: decimal steps keep their last point and print as written", "[algorithms][grid]") {
  CHECK(
      axis_values(double_param("a", 0.1, 1.0, 0.1)) ==
      std::vector<std::string>{"0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"});
  CHECK(axis_values(double_param("b", 0, 0.7, 0.1)) ==
        std::vector<std::string>{"0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7"});
  CHECK(axis_values(double_param("c", 0.05, 0.2, 0.05)) ==
        std::vector<std::string>{"0.05", "0.1", "0.15", "0.2"});
  CHECK(axis_values(double_param("d", 0, 1, 0.3)) ==
        std::vector<std::string>{"0", "0.3", "0.6", "0.9"});
  CHECK(axis_values(double_param("e", -1, 1, 0.5)) ==
        std::vector<std::string>{"-1", "-0.5", "0", "0.5", "1"});
  CHECK(axis_values(double_param("f", 0.001, 0.003, 0.001)) ==
        std::vector<std::string>{"0.001", "0.002", "0.003"});
  CHECK(axis_values(double_param("g", 2.5, 2.5, 0.1)) == std::vector<std::string>{"2.5"});
  // A step that is not a short decimal still ends at or below max.
  auto thirds = axis_values(double_param("h", 0, 1, 1.0 / 3));
  REQUIRE(thirds.size() == 4);
  CHECK(thirds.back() == "1");
}

TEST_CASE("grid: int steps, lists, and distributions that grid ignores", "[algorithms][grid]") {
  CHECK(axis_values(int_param("a", 1, 10, 3)) == std::vector<std::string>{"1", "4", "7", "10"});
  CHECK(axis_values(int_param("b", 2, 9, 3)) == std::vector<std::string>{"2", "5", "8"});
  CHECK(axis_values(int_param("c", -2, 2)) == std::vector<std::string>{"-2", "-1", "0", "1", "2"});
  // Linear points whatever the distribution, as Katib's optuna GridSampler does.
  CHECK(axis_values(double_param("d", 1, 4, 1, Distribution::kLogUniform)) ==
        std::vector<std::string>{"1", "2", "3", "4"});
  CHECK(axis_values(int_param("e", 0, 4, 2, Distribution::kNormal)) ==
        std::vector<std::string>{"0", "2", "4"});
  CHECK(axis_values(double_param("f", 1, 3, 1, Distribution::kLogNormal)) ==
        std::vector<std::string>{"1", "2", "3"});
  CHECK(axis_values(list_param("g", ParameterType::kDiscrete, {"10", "1e-3", "0.5"})) ==
        std::vector<std::string>{"10", "1e-3", "0.5"});
  // A repeated list value is one point, not two.
  CHECK(axis_values(list_param("h", ParameterType::kCategorical, {"x", "y", "x"})) ==
        std::vector<std::string>{"x", "y"});
}

TEST_CASE("grid: batches continue after the history and exhaust on the last point",
          "[algorithms][grid]") {
  GridSearchFactory factory;
  auto spec = make_spec(
      "grid", {int_param("a", 1, 3), list_param("b", ParameterType::kCategorical, {"x", "y"})});
  auto algorithm = factory.create(spec);
  std::vector<engine::Trial> history;

  auto first = algorithm->suggest(history, 4);
  CHECK(keys_of(first) == std::vector<std::string>{"a=1;b=x;", "a=1;b=y;", "a=2;b=x;", "a=2;b=y;"});
  CHECK_FALSE(first.exhausted);
  append(history, first, TrialState::kRunning);

  auto second = algorithm->suggest(history, 4);
  CHECK(keys_of(second) == std::vector<std::string>{"a=3;b=x;", "a=3;b=y;"});
  CHECK(second.exhausted);
  append(history, second, TrialState::kSucceeded);

  auto third = algorithm->suggest(history, 1);
  CHECK(third.suggestions.empty());
  CHECK(third.exhausted);

  // A batch that takes exactly the last points says so at once.
  auto exact = algorithm->suggest({}, 6);
  CHECK(exact.suggestions.size() == 6);
  CHECK(exact.exhausted);
  auto zero = algorithm->suggest({}, 0);
  CHECK(zero.suggestions.empty());
  CHECK_FALSE(zero.exhausted);
}

TEST_CASE("grid: points already tried are skipped whatever their state, matched by value",
          "[algorithms][grid]") {
  std::vector<ParameterSpec> parameters = {double_param("lr", 0, 0.3, 0.1), int_param("n", 1, 2)};
  std::vector<engine::Trial> history = {
      make_trial(0, {{"n", "1"}, {"lr", "0.10"}}, TrialState::kFailed),  // order and "0.10"
      make_trial(1, {{"lr", "0"}, {"n", "2"}}, TrialState::kMetricsUnavailable),
      make_trial(2, {{"lr", "0.25"}, {"n", "1"}}, TrialState::kSucceeded, 1.0),  // off the grid
      make_trial(3, {{"lr", "0.3"}}, TrialState::kKilled),                       // incomplete
  };
  auto result = grid(parameters, history, 3);
  CHECK(keys_of(result) == std::vector<std::string>{"lr=0;n=1;", "lr=0.1;n=2;", "lr=0.2;n=1;"});
  CHECK_FALSE(result.exhausted);
  auto rest = grid(parameters, history);
  CHECK(rest.suggestions.size() == 6);  // 8 points, 2 of them tried
  CHECK(rest.exhausted);
}

TEST_CASE("grid: maxTrialCount above the number of grid points is rejected", "[algorithms][grid]") {
  GridSearchFactory factory;
  auto spec = make_spec("grid", {int_param("layers", 1, 3),
                                 list_param("opt", ParameterType::kCategorical, {"sgd", "adam"}),
                                 double_param("lr", 0, 0.3, 0.1)});
  spec.max_trial_count = 25;
  auto problems = factory.validate(spec);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.maxTrialCount");
  CHECK_THAT(problems[0].message, Catch::Contains("25") && Catch::Contains("24"));

  spec.max_trial_count = 24;
  CHECK(factory.validate(spec).empty());
  spec.max_trial_count.reset();
  CHECK(factory.validate(spec).empty());
}

TEST_CASE("grid: a double without step is rejected at its step field", "[algorithms][grid]") {
  GridSearchFactory factory;
  auto spec = make_spec("grid", {int_param("n", 1, 3), double_param("lr", 0.01, 0.1)});
  spec.max_trial_count = 5;
  auto problems = factory.validate(spec);
  REQUIRE(problems.size() == 1);  // and no grid-size complaint about an uncountable grid
  CHECK(problems[0].path == "spec.parameters[1].feasibleSpace.step");
  CHECK(problems[0].message == "grid needs a step for double parameters");
  CHECK_THROWS_AS(factory.create(spec), Error);

  auto empty = make_spec("grid", {});
  REQUIRE(factory.validate(empty).size() == 1);
  CHECK(factory.validate(empty)[0].path == "spec.parameters");
}

TEST_CASE("grid: huge grids neither overflow nor hang", "[algorithms][grid]") {
  GridSearchFactory factory;
  std::vector<ParameterSpec> parameters;
  for (int i = 0; i < 8; ++i) parameters.push_back(int_param("p" + std::to_string(i), 0, 999999));
  auto spec = make_spec("grid", parameters);  // 10^48 points: more than 2^64
  spec.max_trial_count = 100;
  CHECK(factory.validate(spec).empty());
  auto algorithm = factory.create(spec);
  auto first = algorithm->suggest({}, 3);
  REQUIRE(first.suggestions.size() == 3);
  CHECK_FALSE(first.exhausted);
  CHECK(values_of(first, "p7") == std::vector<std::string>{"0", "1", "2"});
  CHECK(values_of(first, "p0") == std::vector<std::string>{"0", "0", "0"});

  // A step so fine that one axis would hold more than 2^53 points is refused, not enumerated.
  auto fine = make_spec("grid", {double_param("x", 0, 1, 1e-17)});
  auto problems = factory.validate(fine);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.parameters[0].feasibleSpace.step");
  CHECK_THAT(problems[0].message, Catch::Contains("2^53"));
}

TEST_CASE("grid: random_state is accepted and changes nothing", "[algorithms][grid]") {
  GridSearchFactory factory;
  std::vector<ParameterSpec> parameters = {int_param("a", 1, 4), double_param("b", 0, 1, 0.5)};
  auto one = make_spec("grid", parameters, {{"random_state", "1"}});
  auto two = make_spec("grid", parameters, {{"random_state", "2"}});
  CHECK(factory.validate(one).empty());
  CHECK(keys_of(factory.create(one)->suggest({}, 12)) ==
        keys_of(factory.create(two)->suggest({}, 12)));
  CHECK(factory.create(one)->save_state().empty());
}

}  // namespace sextant::test
