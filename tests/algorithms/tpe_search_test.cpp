// tpe and multivariate-tpe as algorithms: settings, start, learning, batches, restarts.
#include <algorithm>
#include <cmath>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/random/random_search.hpp"
#include "algorithms/tpe/tpe_factory.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::MultivariateTpeFactory;
using algorithms::TpeFactory;
using engine::TrialState;

std::vector<std::string> problem_paths(const engine::AlgorithmFactory& factory,
                                       std::vector<engine::AlgorithmSetting> settings) {
  auto spec = make_spec(factory.name(), {double_param("x", 0, 1)}, std::move(settings));
  std::vector<std::string> paths;
  for (const auto& p : factory.validate(spec)) paths.push_back(p.path + ": " + p.message);
  return paths;
}

// Every value in `bad` for setting `name`, placed after the settings in `before`, is rejected with
// exactly one problem at that setting's value path.
void require_rejected(const engine::AlgorithmFactory& factory,
                      const std::vector<engine::AlgorithmSetting>& before, const std::string& name,
                      std::initializer_list<const char*> bad) {
  const std::string path =
      "spec.algorithm.algorithmSettings[" + std::to_string(before.size()) + "].value: " + name;
  for (const std::string value : bad) {
    INFO(name << " " << value);
    auto settings = before;
    settings.push_back({name, value});
    auto problems = problem_paths(factory, settings);
    REQUIRE(problems.size() == 1);
    CHECK_THAT(problems[0], Catch::StartsWith(path));
  }
}

double value_of(const engine::Assignment& assignment, const std::string& name) {
  return *parse_full_double(*engine::find_value(assignment, name));
}

// Sum of squares around (0.3, 0.7, 0.2) on [0, 1]^3: minimum 0.
double quadratic(const engine::Assignment& a) {
  const double x = value_of(a, "x") - 0.3;
  const double y = value_of(a, "y") - 0.7;
  const double z = value_of(a, "z") - 0.2;
  return x * x + y * y + z * z;
}

// Runs `trials` sequential trials of `objective` and returns the best value.
double best_after(engine::Algorithm& algorithm, int trials,
                  const std::function<double(const engine::Assignment&)>& objective) {
  std::vector<engine::Trial> history;
  double best = INFINITY;
  for (int i = 0; i < trials; ++i) {
    auto result = algorithm.suggest(history, 1);
    REQUIRE(result.suggestions.size() == 1);
    const double y = objective(result.suggestions[0].assignment);
    best = std::min(best, y);
    history.push_back(
        make_trial(history.size(), result.suggestions[0].assignment, TrialState::kSucceeded, y));
  }
  return best;
}

std::vector<ParameterSpec> cube3() {
  return {double_param("x", 0, 1), double_param("y", 0, 1), double_param("z", 0, 1)};
}

}  // namespace

TEST_CASE("tpe: settings are checked with their field paths", "[algorithms][tpe]") {
  TpeFactory tpe;
  CHECK(problem_paths(tpe, {{"gamma", "0.25"},
                            {"prior_weight", "2.5"},
                            {"n_EI_candidates", "48"},
                            {"random_state", "1"}})
            .empty());
  require_rejected(tpe, {{"random_state", "1"}}, "gamma", {"0", "1", "1.5", "-0.1", "abc", ""});
  require_rejected(tpe, {}, "prior_weight", {"0", "-1", "nan", "x"});
  require_rejected(tpe, {}, "n_EI_candidates", {"0", "-3", "2.5", "many", "10001"});
  // Optuna's spelling belongs to multivariate-tpe, not to tpe.
  auto problems = problem_paths(tpe, {{"n_ei_candidates", "24"}});
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::StartsWith("spec.algorithm.algorithmSettings[0].name"));
  CHECK_THAT(problems[0], Catch::Contains("n_EI_candidates"));
}

TEST_CASE("multivariate-tpe: settings are checked with their field paths", "[algorithms][tpe]") {
  MultivariateTpeFactory tpe;
  CHECK(problem_paths(tpe,
                      {{"n_startup_trials", "0"}, {"n_ei_candidates", "64"}, {"random_state", "0"}})
            .empty());
  require_rejected(tpe, {{"n_ei_candidates", "8"}}, "n_startup_trials", {"-1", "1.5", "ten"});
  require_rejected(tpe, {}, "n_ei_candidates", {"0", "-2", "x"});
  auto problems = problem_paths(tpe, {{"gamma", "0.1"}});
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Catch::Contains("n_startup_trials"));
  CHECK_THAT(problems[0], Catch::Contains("n_ei_candidates"));
}

TEST_CASE("tpe: finds a quadratic's minimum far better than random search with the same seed",
          "[algorithms][tpe]") {
  algorithms::RandomSearchFactory random;
  auto random_best = best_after(
      *random.create(make_spec("random", cube3(), {{"random_state", "5"}})), 80, quadratic);
  for (const std::string name : {"tpe", "multivariate-tpe"}) {
    INFO(name);
    std::unique_ptr<engine::AlgorithmFactory> factory;
    if (name == "tpe")
      factory = std::make_unique<TpeFactory>();
    else
      factory = std::make_unique<MultivariateTpeFactory>();
    auto spec = make_spec(name, cube3(), {{"random_state", "5"}});
    REQUIRE(factory->validate(spec).empty());
    auto tpe_best = best_after(*factory->create(spec), 80, quadratic);
    CHECK(tpe_best < random_best / 4);
    CHECK(tpe_best < 0.005);
  }
}

TEST_CASE("tpe: maximizing -f takes the same steps as minimizing f", "[algorithms][tpe]") {
  for (const std::string name : {"tpe", "multivariate-tpe"}) {
    INFO(name);
    std::unique_ptr<engine::AlgorithmFactory> factory;
    if (name == "tpe")
      factory = std::make_unique<TpeFactory>();
    else
      factory = std::make_unique<MultivariateTpeFactory>();
    auto spec = make_spec(name, cube3(), {{"random_state", "2"}});
    auto minimizing = factory->create(spec);
    spec.objective.type = engine::ObjectiveType::kMaximize;
    auto maximizing = factory->create(spec);
    std::vector<engine::Trial> low, high;
    for (int i = 0; i < 40; ++i) {
      auto a = minimizing->suggest(low, 1).suggestions.at(0).assignment;
      auto b = maximizing->suggest(high, 1).suggestions.at(0).assignment;
      REQUIRE(key_of(a) == key_of(b));
      low.push_back(make_trial(low.size(), a, TrialState::kSucceeded, quadratic(a)));
      high.push_back(make_trial(high.size(), b, TrialState::kSucceeded, -quadratic(b)));
    }
  }
}

TEST_CASE("tpe: categorical values are learnt as categories", "[algorithms][tpe]") {
  // Only "adam" is good; the list order puts it between two bad values.
  const std::vector<ParameterSpec> space = {
      list_param("optimizer", ParameterType::kCategorical, {"sgd", "adam", "rmsprop", "ftrl"}),
      double_param("lr", 0, 1)};
  auto objective = [](const engine::Assignment& a) {
    const bool adam = *engine::find_value(a, "optimizer") == "adam";
    return (adam ? 0.0 : 1.0) + std::fabs(value_of(a, "lr") - 0.5);
  };
  for (const std::string name : {"tpe", "multivariate-tpe"}) {
    INFO(name);
    std::unique_ptr<engine::AlgorithmFactory> factory;
    if (name == "tpe")
      factory = std::make_unique<TpeFactory>();
    else
      factory = std::make_unique<MultivariateTpeFactory>();
    auto algorithm = factory->create(make_spec(name, space, {{"random_state", "4"}}));
    std::vector<engine::Trial> history;
    for (int i = 0; i < 60; ++i) {
      auto s = algorithm->suggest(history, 1).suggestions.at(0).assignment;
      history.push_back(make_trial(history.size(), s, TrialState::kSucceeded, objective(s)));
    }
    int adam = 0;
    for (size_t i = 30; i < history.size(); ++i)
      adam += *engine::find_value(history[i].assignment, "optimizer") == "adam";
    CHECK(adam >= 15);  // of the last 30; uniform choice would give 7 or 8
  }
}

TEST_CASE("tpe: batches and pending trials after the start never collide", "[algorithms][tpe]") {
  // 4 x 3 = 12 points; 10 completed ones leave the model 2 fresh points and then none.
  const std::vector<ParameterSpec> space = {
      int_param("layers", 1, 4),
      list_param("act", ParameterType::kCategorical, {"relu", "tanh", "gelu"})};
  for (const std::string name : {"tpe", "multivariate-tpe"}) {
    INFO(name);
    std::unique_ptr<engine::AlgorithmFactory> factory;
    std::vector<engine::AlgorithmSetting> settings = {{"random_state", "6"}};
    if (name == "tpe") {
      factory = std::make_unique<TpeFactory>();
    } else {
      factory = std::make_unique<MultivariateTpeFactory>();
      settings.push_back({"n_startup_trials", "3"});
    }
    auto algorithm = factory->create(make_spec(name, space, settings));
    std::vector<engine::Trial> history;
    for (int i = 0; i < 9; ++i) {
      auto s = algorithm->suggest(history, 1).suggestions.at(0).assignment;
      history.push_back(
          make_trial(history.size(), s, TrialState::kSucceeded, value_of(s, "layers")));
    }
    append(history, algorithm->suggest(history, 1), TrialState::kRunning);
    auto batch = algorithm->suggest(history, 5);
    CHECK(batch.suggestions.size() == 2);
    CHECK(batch.exhausted);
    std::set<std::string> keys;
    for (const auto& t : history) keys.insert(key_of(t.assignment));
    for (const auto& s : batch.suggestions) CHECK(keys.insert(key_of(s.assignment)).second);
    CHECK(keys.size() == 12);
  }
}

TEST_CASE("tpe: a batch in a continuous space spreads away from pending trials",
          "[algorithms][tpe]") {
  for (const std::string name : {"tpe", "multivariate-tpe"}) {
    INFO(name);
    std::unique_ptr<engine::AlgorithmFactory> factory;
    if (name == "tpe")
      factory = std::make_unique<TpeFactory>();
    else
      factory = std::make_unique<MultivariateTpeFactory>();
    auto algorithm = factory->create(make_spec(name, cube3(), {{"random_state", "8"}}));
    std::vector<engine::Trial> history;
    for (int i = 0; i < 40; ++i) {
      auto s = algorithm->suggest(history, 1).suggestions.at(0).assignment;
      history.push_back(make_trial(history.size(), s, TrialState::kSucceeded, quadratic(s)));
    }
    auto batch = algorithm->suggest(history, 8);
    REQUIRE(batch.suggestions.size() == 8);
    std::set<std::string> keys;
    for (const auto& s : batch.suggestions) keys.insert(key_of(s.assignment));
    CHECK(keys.size() == 8);
    // Without pending trials the 8 calls would all aim at the same spot; with the liar, the
    // batch covers more than one coordinate region.
    double low = 1, high = 0;
    for (const auto& s : batch.suggestions) {
      low = std::min(low, value_of(s.assignment, "x"));
      high = std::max(high, value_of(s.assignment, "x"));
    }
    CHECK(high - low > 0.01);
  }
}

TEST_CASE("tpe: a restarted model continues with the same suggestions", "[algorithms][tpe]") {
  for (const std::string name : {"tpe", "multivariate-tpe"}) {
    for (bool seeded : {true, false}) {
      INFO(name << (seeded ? " with" : " without") << " random_state");
      std::unique_ptr<engine::AlgorithmFactory> factory;
      if (name == "tpe")
        factory = std::make_unique<TpeFactory>();
      else
        factory = std::make_unique<MultivariateTpeFactory>();
      std::vector<engine::AlgorithmSetting> settings;
      if (seeded) settings.push_back({"random_state", "17"});
      auto spec = make_spec(name, cube3(), settings);
      auto running = factory->create(spec);
      std::vector<engine::Trial> history;
      for (int i = 0; i < 25; ++i) {
        auto s = running->suggest(history, 1).suggestions.at(0).assignment;
        history.push_back(make_trial(history.size(), s, TrialState::kSucceeded, quadratic(s)));
      }
      append(history, running->suggest(history, 2), TrialState::kRunning);
      history.push_back(make_trial(history.size(), history[3].assignment, TrialState::kFailed));
      auto restarted = factory->create(spec);
      restarted->restore_state(running->save_state());
      CHECK(keys_of(restarted->suggest(history, 4)) == keys_of(running->suggest(history, 4)));
    }
  }
}

TEST_CASE("tpe: odd histories degrade gracefully", "[algorithms][tpe]") {
  const std::vector<ParameterSpec> space = {
      double_param("x", 0, 1), int_param("n", 1, 3),
      list_param("c", ParameterType::kCategorical, {"a", "b"}),
      double_param("lr", 1e-5, 1, 0, Distribution::kLogUniform)};
  for (const std::string name : {"tpe", "multivariate-tpe"}) {
    INFO(name);
    std::unique_ptr<engine::AlgorithmFactory> factory;
    if (name == "tpe")
      factory = std::make_unique<TpeFactory>();
    else
      factory = std::make_unique<MultivariateTpeFactory>();
    auto spec = make_spec(name, space, {{"random_state", "3"}});
    auto algorithm = factory->create(spec);
    std::vector<engine::Trial> history;
    auto first = algorithm->suggest(history, 30);
    REQUIRE(first.suggestions.size() == 30);
    // Equal losses, huge losses, and a trial from an edited spec.
    for (size_t i = 0; i < first.suggestions.size(); ++i)
      history.push_back(make_trial(i, first.suggestions[i].assignment, TrialState::kSucceeded,
                                   i % 2 ? 1e300 : 5.0));
    history.push_back(
        make_trial(history.size(), {{"x", "7"}, {"zzz", "1"}}, TrialState::kSucceeded, 1.0));
    auto next = algorithm->suggest(history, 6);
    REQUIRE(next.suggestions.size() == 6);
    for (const auto& s : next.suggestions)
      CHECK(assignment_problem(spec.parameters, s.assignment) == "");
  }
}

}  // namespace sextant::test
