// observe(): which trials a model learns from, and FreshPoints: no repeats, exhaustion.
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/observations.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::FreshPoints;
using algorithms::observe;
using algorithms::UnitCube;
using engine::TrialState;

engine::Assignment at(const std::string& x, const std::string& color) {
  return {{"x", x}, {"color", color}};
}

engine::SearchSpace small_space() {
  engine::SearchSpace space;
  space.parameters = {int_param("x", 0, 3),
                      list_param("color", ParameterType::kCategorical, {"red", "blue"})};
  return space;
}

}  // namespace

TEST_CASE("observe: completed trials with an objective are losses, the rest pending or failed",
          "[algorithms]") {
  auto space = small_space();
  UnitCube cube(space);
  std::vector<engine::Trial> history = {
      make_trial(0, at("0", "red"), TrialState::kSucceeded, 2.0),
      make_trial(1, at("1", "red"), TrialState::kEarlyStopped, 5.0),
      make_trial(2, at("2", "red"), TrialState::kRunning),
      make_trial(3, at("3", "red"), TrialState::kCreated),
      make_trial(4, at("0", "blue"), TrialState::kFailed),
      make_trial(5, at("1", "blue"), TrialState::kMetricsUnavailable),
      make_trial(6, at("2", "blue"), TrialState::kSucceeded),  // no objective
      make_trial(7, at("9", "blue"), TrialState::kSucceeded, 1.0),  // outside the space
      make_trial(8, at("3", "green"), TrialState::kSucceeded, 1.0),  // not in the list
  };

  auto minimizing = observe(cube, engine::ObjectiveType::kMinimize, history);
  CHECK(minimizing.losses == std::vector<double>{2.0, 5.0});
  CHECK(minimizing.points.size() == 2);
  CHECK(minimizing.pending.size() == 2);
  CHECK(minimizing.failed.size() == 3);
  CHECK(minimizing.best() == 0);
  CHECK(minimizing.points[0] == *cube.point_of(history[0].assignment));

  auto maximizing = observe(cube, engine::ObjectiveType::kMaximize, history);
  CHECK(maximizing.losses == std::vector<double>{-2.0, -5.0});
  CHECK(maximizing.best() == 1);

  CHECK(observe(cube, engine::ObjectiveType::kMinimize, {}).best() == 0);
}

TEST_CASE("FreshPoints: rejects points of the history and of its own batch", "[algorithms]") {
  auto space = small_space();
  UnitCube cube(space);
  std::vector<engine::Trial> history = {make_trial(0, at("0", "red"), TrialState::kRunning),
                                        make_trial(1, at("1", "blue"), TrialState::kFailed)};
  FreshPoints fresh(space, cube, history);
  CHECK_FALSE(fresh.take(*cube.point_of(at("0", "red"))));
  CHECK_FALSE(fresh.take(*cube.point_of(at("1", "blue"))));
  auto taken = fresh.take(*cube.point_of(at("2", "red")));
  REQUIRE(taken);
  CHECK(key_of(*taken) == "x=2;color=red;");
  CHECK_FALSE(fresh.take(*cube.point_of(at("2", "red"))));
}

TEST_CASE("FreshPoints: take_random walks a crowded finite space to its last point",
          "[algorithms]") {
  auto space = small_space();  // 8 points
  UnitCube cube(space);
  std::vector<engine::Trial> history;
  FreshPoints fresh(space, cube, history);
  algorithms::Rng rng(5);
  std::set<std::string> keys;
  for (int i = 0; i < 8; ++i) {
    REQUIRE_FALSE(fresh.exhausted());
    keys.insert(key_of(fresh.take_random(rng)));
  }
  CHECK(keys.size() == 8);
  CHECK(fresh.exhausted());
}

TEST_CASE("FreshPoints: a continuous space is never exhausted and matches values by meaning",
          "[algorithms]") {
  engine::SearchSpace space;
  space.parameters = {double_param("lr", 0, 1)};
  UnitCube cube(space);
  std::vector<engine::Trial> history = {make_trial(0, {{"lr", "0.50"}}, TrialState::kSucceeded)};
  FreshPoints fresh(space, cube, history);
  CHECK_FALSE(fresh.exhausted());
  CHECK_FALSE(fresh.take({0.5}));  // "0.5" is the trial's "0.50"
  CHECK(fresh.take({0.25}));
}

}  // namespace sextant::test

namespace sextant::test {

TEST_CASE("FreshPoints: sync reads only new trials and forgets batches that never became trials",
          "[algorithms]") {
  engine::SearchSpace space;
  space.parameters = {int_param("x", 0, 2)};  // 3 points
  UnitCube cube(space);
  FreshPoints fresh(space, cube);
  std::vector<engine::Trial> history = {make_trial(0, {{"x", "0"}}, TrialState::kSucceeded)};
  fresh.sync(history);
  CHECK_FALSE(fresh.take({0.1}));  // x=0 is in the history
  REQUIRE(fresh.take({0.5}));      // x=1, taken by this batch only
  CHECK_FALSE(fresh.take({0.5}));

  // The batch was not created: the next batch may take x=1 again.
  fresh.sync(history);
  CHECK(fresh.take({0.5}));

  // It was created, along with x=2: the space is used up.
  history.push_back(make_trial(1, {{"x", "1"}}, TrialState::kRunning));
  history.push_back(make_trial(2, {{"x", "2"}}, TrialState::kRunning));
  fresh.sync(history);
  CHECK(fresh.exhausted());

  // A different history (another experiment's, or a shorter one) is read from the start.
  std::vector<engine::Trial> other = {make_trial(0, {{"x", "2"}}, TrialState::kSucceeded)};
  other[0].name = "another-trial";
  fresh.sync(other);
  CHECK_FALSE(fresh.exhausted());
  CHECK(fresh.take({0.1}));
  CHECK_FALSE(fresh.take({0.9}));
}

}  // namespace sextant::test
