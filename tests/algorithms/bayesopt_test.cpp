// The bayesianoptimization algorithm: settings, initial design, batches and pending trials,
// odd histories, restarts, and that it actually optimises.
#include <algorithm>
#include <cmath>
#include <functional>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/bayesopt/bayesian_optimization.hpp"
#include "algorithms/sobol/sobol_factory.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using engine::AlgorithmSetting;
using engine::TrialState;

const algorithms::BayesianOptimizationFactory kFactory;

engine::ExperimentSpec branin_spec(std::vector<AlgorithmSetting> settings) {
  return make_spec("bayesianoptimization", {double_param("x1", -5, 10), double_param("x2", 0, 15)},
                   std::move(settings));
}

double branin(const engine::Assignment& a) {
  const double x1 = *parse_full_double(a[0].value), x2 = *parse_full_double(a[1].value);
  const double pi = 3.14159265358979323846;
  const double b = 5.1 / (4 * pi * pi), c = 5 / pi, t = 1 / (8 * pi);
  return std::pow(x2 - b * x1 * x1 + c * x1 - 6, 2) + 10 * (1 - t) * std::cos(x1) + 10;
}

// Runs `trials` sequential trials; returns the history.
std::vector<engine::Trial> run(const engine::ExperimentSpec& spec, int trials,
                               const std::function<double(const engine::Assignment&)>& f,
                               int batch = 1) {
  auto algorithm = kFactory.create(spec);
  std::vector<engine::Trial> history;
  while (static_cast<int>(history.size()) < trials) {
    auto result = algorithm->suggest(history, batch);
    REQUIRE(result.suggestions.size() == static_cast<size_t>(batch));
    for (const auto& s : result.suggestions) {
      REQUIRE(assignment_problem(spec.parameters, s.assignment) == "");
      history.push_back(
          make_trial(history.size(), s.assignment, TrialState::kSucceeded, f(s.assignment)));
    }
  }
  return history;
}

double best_objective(const std::vector<engine::Trial>& history) {
  double best = INFINITY;
  for (const auto& t : history)
    if (t.objective) best = std::min(best, *t.objective);
  return best;
}

std::vector<engine::SpecProblem> problems_with(std::vector<AlgorithmSetting> settings) {
  return kFactory.validate(branin_spec(std::move(settings)));
}

}  // namespace

TEST_CASE("bayesopt settings: Katib's names and defaults are accepted", "[algorithms][bayesopt]") {
  CHECK(kFactory.name() == "bayesianoptimization");
  CHECK(problems_with({}).empty());
  CHECK(problems_with({{"base_estimator", "GP"},
                       {"n_initial_points", "0"},
                       {"acq_func", "gp_hedge"},
                       {"acq_optimizer", "auto"},
                       {"random_state", "10"}})
            .empty());
  for (const std::string acq : {"LCB", "EI", "PI"})
    CHECK(problems_with({{"acq_func", acq}}).empty());
  for (const std::string optimizer : {"sampling", "lbfgs"})
    CHECK(problems_with({{"acq_optimizer", optimizer}}).empty());
}

TEST_CASE("bayesopt settings: each bad value is reported at its path with what is supported",
          "[algorithms][bayesopt]") {
  struct Case {
    AlgorithmSetting setting;
    std::string says;
  };
  const std::vector<Case> cases = {
      {{"base_estimator", "RF"}, "supported: GP"},
      {{"base_estimator", "GBRT"}, "supported: GP"},
      {{"base_estimator", "ET"}, "not supported"},
      {{"base_estimator", "svm"}, "must be GP"},
      {{"acq_func", "EIps"}, "supported: gp_hedge, LCB, EI, PI"},
      {{"acq_func", "PIps"}, "does not model"},
      {{"acq_func", "UCB"}, "must be one of gp_hedge, LCB, EI, PI"},
      {{"acq_optimizer", "cmaes"}, "must be one of auto, sampling, lbfgs"},
      {{"n_initial_points", "-1"}, "n_initial_points"},
      {{"n_initial_points", "ten"}, "n_initial_points"},
      {{"random_state", "-3"}, "random_state"},
  };
  for (const auto& c : cases) {
    INFO(c.setting.name << "=" << c.setting.value);
    auto problems = problems_with({{"acq_optimizer", "auto"}, c.setting});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "spec.algorithm.algorithmSettings[1].value");
    CHECK_THAT(problems[0].message, Catch::Contains(c.says));
  }
  auto unknown = problems_with({{"kappa", "2"}});
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].path == "spec.algorithm.algorithmSettings[0].name");
  for (const std::string known :
       {"base_estimator", "n_initial_points", "acq_func", "acq_optimizer", "random_state"})
    CHECK_THAT(unknown[0].message, Catch::Contains(known));
  // create() without validate() still refuses a bad value, at its path.
  try {
    kFactory.create(branin_spec({{"acq_func", "EIps"}}));
    FAIL("create accepted EIps");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(e.field_path() == "spec.algorithm.algorithmSettings[0].value");
  }
}

TEST_CASE("bayesopt: the initial design is the scrambled Sobol sequence of the same seed",
          "[algorithms][bayesopt]") {
  auto spec = branin_spec({{"random_state", "17"}, {"n_initial_points", "6"}});
  auto bo = kFactory.create(spec);
  auto sobol_spec = make_spec("sobol", spec.parameters.parameters, {{"random_state", "17"}});
  auto sobol = algorithms::SobolSearchFactory().create(sobol_spec);
  std::vector<engine::Trial> history;
  auto first = bo->suggest(history, 4);
  CHECK(keys_of(first) == keys_of(sobol->suggest(history, 4)));
  append(history, first, TrialState::kRunning);  // pending trials count towards the design
  auto second = bo->suggest(history, 2);
  CHECK(keys_of(second) == keys_of(sobol->suggest(history, 2)));
}

TEST_CASE("bayesopt: finds the Branin optimum region in 60 trials", "[algorithms][bayesopt]") {
  for (const std::string acq : {"gp_hedge", "EI"}) {
    INFO("acq_func " << acq);
    auto history = run(branin_spec({{"random_state", "3"}, {"acq_func", acq}}), 60, branin);
    CHECK(best_objective(history) - 0.397887 < 0.05);
  }
}

TEST_CASE("bayesopt: maximises when the objective says so", "[algorithms][bayesopt]") {
  auto spec = make_spec("bayesianoptimization", {double_param("x", 0, 1)}, {{"random_state", "1"}});
  spec.objective.type = engine::ObjectiveType::kMaximize;
  auto history = run(spec, 25, [](const engine::Assignment& a) {
    const double x = *parse_full_double(a[0].value);
    return 1.0 - (x - 0.3) * (x - 0.3);
  });
  double best = -INFINITY, best_x = 0;
  for (const auto& t : history)
    if (*t.objective > best) {
      best = *t.objective;
      best_x = *parse_full_double(t.assignment[0].value);
    }
  CHECK(best_x == Approx(0.3).margin(0.01));
}

TEST_CASE("bayesopt: a batch of 5 in a finite mixed space has no duplicates and avoids pending",
          "[algorithms][bayesopt]") {
  auto spec =
      make_spec("bayesianoptimization",
                {list_param("optimizer", ParameterType::kCategorical, {"sgd", "adam", "rmsprop"}),
                 int_param("layers", 1, 4), double_param("dropout", 0, 0.5, 0.1)},
                {{"random_state", "5"}, {"n_initial_points", "4"}});
  auto algorithm = kFactory.create(spec);
  auto score = [](const engine::Assignment& a) {
    return static_cast<double>(a[0].value.size()) + *parse_full_double(a[1].value) +
           *parse_full_double(a[2].value);
  };
  std::vector<engine::Trial> history;
  for (int round = 0; round < 6; ++round) {
    auto batch = algorithm->suggest(history, 5);
    REQUIRE(batch.suggestions.size() == 5);
    // Three of each batch stay pending for a round: the next batch must avoid them too.
    for (size_t i = 0; i < batch.suggestions.size(); ++i) {
      const auto& a = batch.suggestions[i].assignment;
      CHECK(assignment_problem(spec.parameters, a) == "");
      history.push_back(make_trial(history.size(), a,
                                   i < 2 ? TrialState::kSucceeded : TrialState::kRunning,
                                   i < 2 ? std::optional(score(a)) : std::nullopt));
    }
    std::set<std::string> keys;
    for (const auto& t : history) keys.insert(key_of(t.assignment));
    CHECK(keys.size() == history.size());
    for (auto& t : history)  // complete the previous round's pending trials
      if (t.state == TrialState::kRunning && &t < &history[history.size() - 3]) {
        t.state = TrialState::kSucceeded;
        t.objective = score(t.assignment);
      }
  }
}

TEST_CASE("bayesopt: a small finite space is used up exactly, without repeats",
          "[algorithms][bayesopt]") {
  auto spec =
      make_spec("bayesianoptimization",
                {int_param("a", 1, 4), list_param("b", ParameterType::kDiscrete, {"1", "2", "3"})},
                {{"random_state", "2"}, {"n_initial_points", "3"}});
  auto algorithm = kFactory.create(spec);
  std::vector<engine::Trial> history;
  std::set<std::string> keys;
  for (int i = 0; i < 12; ++i) {
    auto result = algorithm->suggest(history, 1);
    REQUIRE(result.suggestions.size() == 1);
    const auto& a = result.suggestions[0].assignment;
    CHECK(keys.insert(key_of(a)).second);
    history.push_back(make_trial(history.size(), a, TrialState::kSucceeded,
                                 *parse_full_double(a[0].value) * *parse_full_double(a[1].value)));
    CHECK(result.exhausted == (i == 11));
  }
  CHECK(algorithm->suggest(history, 1).suggestions.empty());
}

TEST_CASE("bayesopt: odd histories degrade gracefully", "[algorithms][bayesopt]") {
  auto spec = make_spec("bayesianoptimization",
                        {double_param("x", 0, 1), int_param("n", 1, 50),
                         list_param("c", ParameterType::kCategorical, {"a", "b"})},
                        {{"random_state", "4"}, {"n_initial_points", "3"}});
  auto seed_points = kFactory.create(spec)->suggest({}, 12);
  REQUIRE(seed_points.suggestions.size() == 12);

  SECTION("every trial failed") {
    std::vector<engine::Trial> history;
    for (const auto& s : seed_points.suggestions)
      history.push_back(make_trial(history.size(), s.assignment, TrialState::kFailed));
    auto result = kFactory.create(spec)->suggest(history, 4);
    REQUIRE(result.suggestions.size() == 4);
    std::set<std::string> failed;
    for (const auto& t : history) failed.insert(key_of(t.assignment));
    for (const auto& s : result.suggestions) CHECK_FALSE(failed.count(key_of(s.assignment)));
  }
  SECTION("every loss is the same") {
    std::vector<engine::Trial> history;
    for (const auto& s : seed_points.suggestions)
      history.push_back(make_trial(history.size(), s.assignment, TrialState::kSucceeded, 3.0));
    auto result = kFactory.create(spec)->suggest(history, 4);
    REQUIRE(result.suggestions.size() == 4);
    std::set<std::string> keys;
    for (const auto& s : result.suggestions) {
      CHECK(assignment_problem(spec.parameters, s.assignment) == "");
      keys.insert(key_of(s.assignment));
    }
    CHECK(keys.size() == 4);
  }
  SECTION("huge losses, failures and pending trials mixed") {
    std::vector<engine::Trial> history;
    const double values[] = {1e300, -1e300, 1.0, 1e-300};
    for (size_t i = 0; i < seed_points.suggestions.size(); ++i) {
      const auto& a = seed_points.suggestions[i].assignment;
      if (i % 3 == 0)
        history.push_back(make_trial(i, a, TrialState::kFailed));
      else if (i % 3 == 1)
        history.push_back(make_trial(i, a, TrialState::kSucceeded, values[i % 4]));
      else
        history.push_back(make_trial(i, a, TrialState::kRunning));
    }
    auto result = kFactory.create(spec)->suggest(history, 3);
    REQUIRE(result.suggestions.size() == 3);
    for (const auto& s : result.suggestions)
      CHECK(assignment_problem(spec.parameters, s.assignment) == "");
  }
}

TEST_CASE("bayesopt: a restarted instance continues exactly, in the model phase too",
          "[algorithms][bayesopt]") {
  for (const std::string acq : {"gp_hedge", "LCB"}) {
    INFO("acq_func " << acq);
    auto spec = branin_spec({{"acq_func", acq}, {"n_initial_points", "5"}});  // no random_state
    auto running = kFactory.create(spec);
    std::vector<engine::Trial> history;
    for (int i = 0; i < 14; ++i) {
      auto result = running->suggest(history, 1);
      history.push_back(make_trial(history.size(), result.suggestions[0].assignment,
                                   TrialState::kSucceeded,
                                   branin(result.suggestions[0].assignment)));
    }
    // Two more in flight, and one that completes out of order.
    append(history, running->suggest(history, 2), TrialState::kRunning);
    history[history.size() - 2].state = TrialState::kSucceeded;
    history[history.size() - 2].objective = branin(history[history.size() - 2].assignment);
    const std::string state = running->save_state();
    auto restarted = kFactory.create(spec);
    restarted->restore_state(state);
    auto expected = running->suggest(history, 3);
    auto actual = restarted->suggest(history, 3);
    REQUIRE(expected.suggestions.size() == 3);
    CHECK(keys_of(actual) == keys_of(expected));
  }
}

TEST_CASE("bayesopt: every acquisition and optimiser setting suggests valid, distinct points",
          "[algorithms][bayesopt]") {
  for (const std::string acq : {"EI", "LCB", "PI", "gp_hedge"})
    for (const std::string optimizer : {"auto", "sampling", "lbfgs"}) {
      INFO(acq << " " << optimizer);
      auto spec =
          make_spec("bayesianoptimization",
                    {double_param("x", -2, 2), int_param("k", 1, 100, 0, Distribution::kLogUniform),
                     list_param("c", ParameterType::kCategorical, {"u", "v", "w"})},
                    {{"acq_func", acq}, {"acq_optimizer", optimizer}, {"random_state", "8"}});
      auto history = run(
          spec, 16,
          [](const engine::Assignment& a) {
            return std::pow(*parse_full_double(a[0].value) - 0.5, 2) +
                   std::log(*parse_full_double(a[1].value)) + (a[2].value == "v" ? 0 : 1);
          },
          4);
      std::set<std::string> keys;
      for (const auto& t : history) keys.insert(key_of(t.assignment));
      CHECK(keys.size() == history.size());
    }
}

}  // namespace sextant::test
