// cmaes: settings checks, convergence on smooth problems, ints and lists, batches, asking ahead,
// failures, restarts, and the rebuilt state after an engine restart.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/cmaes/cmaes_factory.hpp"
#include "algorithms/cmaes/cmaes_search.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::CmaesFactory;
using engine::TrialState;

using Objective = std::function<double(const engine::Assignment&)>;

double number(const engine::Assignment& a, const std::string& name) {
  auto x = parse_full_double(*engine::find_value(a, name));
  REQUIRE(x);
  return *x;
}

engine::ExperimentSpec cmaes_spec(std::vector<ParameterSpec> parameters,
                                  std::vector<engine::AlgorithmSetting> settings = {}) {
  return make_spec("cmaes", std::move(parameters), std::move(settings));
}

std::vector<engine::SpecProblem> problems_of(const engine::ExperimentSpec& spec) {
  return CmaesFactory().validate(spec);
}

// Sequential ask/tell as the engine does it: trials keep the labels of their suggestion.
struct Run {
  std::vector<engine::Trial> history;
  double best = INFINITY;
  engine::Assignment best_assignment;
};

void record(Run& run, const engine::Suggestion& s, const Objective& f) {
  const double y = f(s.assignment);
  auto trial = make_trial(run.history.size(), s.assignment, TrialState::kSucceeded, y);
  trial.labels = s.labels;
  run.history.push_back(std::move(trial));
  if (y < run.best) {
    run.best = y;
    run.best_assignment = s.assignment;
  }
}

Run minimise(const engine::ExperimentSpec& spec, const Objective& f, int trials, int batch = 1) {
  auto algorithm = CmaesFactory().create(spec);
  Run run;
  while (static_cast<int>(run.history.size()) < trials) {
    auto result = algorithm->suggest(run.history, batch);
    REQUIRE(result.suggestions.size() == static_cast<size_t>(batch));
    for (const auto& s : result.suggestions) record(run, s, f);
  }
  return run;
}

std::vector<ParameterSpec> doubles(int d, double min, double max) {
  std::vector<ParameterSpec> out;
  for (int i = 0; i < d; ++i) out.push_back(double_param("x" + std::to_string(i), min, max));
  return out;
}

}  // namespace

TEST_CASE("cmaes: settings are checked at their field paths", "[algorithms][cmaes]") {
  const auto parameters = doubles(2, 0, 1);
  CHECK(problems_of(cmaes_spec(parameters)).empty());
  CHECK(problems_of(
            cmaes_spec(parameters,
                       {{"random_state", "7"}, {"sigma", "0.3"}, {"restart_strategy", "bipop"}}))
            .empty());
  for (const std::string good : {"1", "0.001", "1e-2"})
    CHECK(problems_of(cmaes_spec(parameters, {{"sigma", good}})).empty());
  for (const std::string good : {"none", "None", "ipop", "bipop"})
    CHECK(problems_of(cmaes_spec(parameters, {{"restart_strategy", good}})).empty());

  for (const std::string bad : {"0", "-0.1", "1.5", "abc", "", "nan"}) {
    INFO("sigma=\"" << bad << "\"");
    auto problems = problems_of(cmaes_spec(parameters, {{"random_state", "1"}, {"sigma", bad}}));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "spec.algorithm.algorithmSettings[1].value");
    CHECK_THAT(problems[0].message, Catch::Contains("sigma") && Catch::Contains("(0, 1]"));
  }
  for (const std::string bad : {"IPOP", "restart", "", "NONE"}) {
    INFO("restart_strategy=\"" << bad << "\"");
    auto problems = problems_of(cmaes_spec(parameters, {{"restart_strategy", bad}}));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "spec.algorithm.algorithmSettings[0].value");
    CHECK_THAT(problems[0].message, Catch::Contains("none, ipop, bipop"));
  }

  auto unknown = problems_of(cmaes_spec(parameters, {{"popsize", "10"}}));
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].path == "spec.algorithm.algorithmSettings[0].name");
  CHECK_THAT(unknown[0].message, Catch::Contains("random_state") && Catch::Contains("sigma") &&
                                     Catch::Contains("restart_strategy"));

  // create() on an unvalidated bad value throws at the same path.
  try {
    CmaesFactory().create(cmaes_spec(parameters, {{"sigma", "2"}}));
    FAIL("create() accepted sigma=2");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(e.field_path() == "spec.algorithm.algorithmSettings[0].value");
  }
}

TEST_CASE("cmaes: needs at least two int or double parameters, as Katib does",
          "[algorithms][cmaes]") {
  auto one = problems_of(cmaes_spec({double_param("lr", 0, 1),
                                     list_param("opt", ParameterType::kCategorical, {"a", "b"}),
                                     list_param("batch", ParameterType::kDiscrete, {"16", "32"})}));
  REQUIRE(one.size() == 1);
  CHECK(one[0].path == "spec.parameters");
  CHECK_THAT(one[0].message,
             Catch::Contains("at least 2 int or double") && Catch::Contains("found 1"));
  CHECK(problems_of(cmaes_spec({double_param("lr", 0, 1), int_param("layers", 1, 3)})).empty());
}

TEST_CASE("cmaes: minimises a 5-d sphere and an ellipsoid to 1e-6", "[algorithms][cmaes]") {
  // Optimum off-centre in [-5, 5]^5. The sphere needs a few hundred trials (about 450-570 over
  // seeds 0-19); the ellipsoid's axes are scaled 1..100 (condition 1e4 in f), which CMA must
  // learn first (about 850-1120).
  const double centre[5] = {1.3, -2.1, 0.4, 3.7, -0.8};
  auto bowl = [&](double condition) -> Objective {
    return [&centre, condition](const engine::Assignment& a) {
      double f = 0;
      for (int i = 0; i < 5; ++i) {
        const double dx = number(a, "x" + std::to_string(i)) - centre[i];
        f += std::pow(condition, i / 4.0) * dx * dx;
      }
      return f;
    };
  };
  const auto spec = cmaes_spec(doubles(5, -5, 5), {{"random_state", "3"}});
  auto sphere = minimise(spec, bowl(1), 600);
  CHECK(sphere.best < 1e-6);
  for (int i = 0; i < 5; ++i)
    CHECK(number(sphere.best_assignment, "x" + std::to_string(i)) ==
          Approx(centre[i]).margin(1e-3));
  auto ellipsoid = minimise(spec, bowl(1e4), 1300);
  CHECK(ellipsoid.best < 1e-6);

  // The first trials are spread around the centre of the cube, not at random.
  double mean = 0;
  for (int k = 0; k < 5; ++k) mean += number(sphere.history[k].assignment, "x0") / 5;
  CHECK(std::fabs(mean) < 2.5);
}

TEST_CASE("cmaes: maximises when the objective says so", "[algorithms][cmaes]") {
  auto spec = cmaes_spec(doubles(2, 0, 1), {{"random_state", "5"}});
  spec.objective.type = engine::ObjectiveType::kMaximize;
  // The engine hands the raw objective; cmaes negates it. Feed -distance: best at (0.8, 0.2).
  const Objective peak = [](const engine::Assignment& a) {
    return -(std::pow(number(a, "x0") - 0.8, 2) + std::pow(number(a, "x1") - 0.2, 2));
  };
  auto algorithm = CmaesFactory().create(spec);
  std::vector<engine::Trial> history;
  double best = -INFINITY;
  for (int i = 0; i < 250; ++i) {
    auto s = algorithm->suggest(history, 1).suggestions.at(0);
    const double y = peak(s.assignment);
    best = std::max(best, y);
    history.push_back(make_trial(history.size(), s.assignment, TrialState::kSucceeded, y));
  }
  CHECK(best > -1e-6);
}

TEST_CASE("cmaes: ints reach their optimum cell and do not fix early", "[algorithms][cmaes]") {
  // A separable integer bowl with its minimum at (7, 13), plus one continuous coordinate; the
  // margin keeps sampling neighbouring cells after the Gaussian has narrowed.
  auto spec = cmaes_spec({int_param("a", 1, 20), int_param("b", 0, 30), double_param("c", 0, 1)},
                         {{"random_state", "11"}});
  const Objective bowl = [](const engine::Assignment& a) {
    return std::pow(number(a, "a") - 7, 2) + 0.5 * std::pow(number(a, "b") - 13, 2) +
           std::pow(number(a, "c") - 0.3, 2);
  };
  auto run = minimise(spec, bowl, 200);
  CHECK(number(run.best_assignment, "a") == 7);
  CHECK(number(run.best_assignment, "b") == 13);
  CHECK(run.best < 1e-4);
  for (const auto& t : run.history)
    REQUIRE(assignment_problem(spec.parameters, t.assignment) == "");

  // An integer-only space: after the optimum is found, later trials still visit other cells (no
  // repeat is ever proposed, and the search does not stall).
  auto ints = cmaes_spec({int_param("a", 0, 9), int_param("b", 0, 9)}, {{"random_state", "4"}});
  const Objective grid_bowl = [](const engine::Assignment& a) {
    return std::pow(number(a, "a") - 2, 2) + std::pow(number(a, "b") - 6, 2);
  };
  auto grid = minimise(ints, grid_bowl, 60);
  CHECK(grid.best == 0);
  std::set<std::string> keys;
  for (const auto& t : grid.history) keys.insert(key_of(t.assignment));
  CHECK(keys.size() == grid.history.size());
}

TEST_CASE("cmaes: categorical and discrete values learn from the ranking", "[algorithms][cmaes]") {
  // "adam" and batch 64 are clearly best; the categorical model should concentrate on them while
  // the Gaussian handles the continuous part.
  auto spec = cmaes_spec(
      {double_param("x", 0, 1), double_param("y", 0, 1),
       list_param("optimizer", ParameterType::kCategorical, {"sgd", "adam", "rmsprop", "adagrad"}),
       list_param("batch", ParameterType::kDiscrete, {"16", "32", "64", "128"})},
      {{"random_state", "9"}});
  const Objective f = [](const engine::Assignment& a) {
    double loss = std::pow(number(a, "x") - 0.6, 2) + std::pow(number(a, "y") - 0.4, 2);
    if (*engine::find_value(a, "optimizer") != "adam") loss += 1;
    if (*engine::find_value(a, "batch") != "64") loss += 0.5;
    return loss;
  };
  auto run = minimise(spec, f, 200);
  CHECK(*engine::find_value(run.best_assignment, "optimizer") == "adam");
  CHECK(*engine::find_value(run.best_assignment, "batch") == "64");
  CHECK(run.best < 1e-3);
  // Late trials mostly use the winners, yet every value stays reachable (the floor).
  int adam = 0, b64 = 0;
  for (size_t i = 150; i < run.history.size(); ++i) {
    adam += *engine::find_value(run.history[i].assignment, "optimizer") == "adam";
    b64 += *engine::find_value(run.history[i].assignment, "batch") == "64";
  }
  CHECK(adam >= 35);  // of 50
  CHECK(b64 >= 35);
  std::set<std::string> optimizers;
  for (const auto& t : run.history)
    optimizers.insert(*engine::find_value(t.assignment, "optimizer"));
  CHECK(optimizers.size() == 4);
}

TEST_CASE("cmaes: batches and pending trials never repeat, and fill generations in order",
          "[algorithms][cmaes]") {
  auto spec = cmaes_spec({double_param("x", 0, 1), double_param("y", 0, 1), int_param("n", 1, 3)},
                         {{"random_state", "2"}});
  auto algorithm = CmaesFactory().create(spec);
  auto first = algorithm->suggest({}, 12);
  REQUIRE(first.suggestions.size() == 12);
  std::set<std::string> keys;
  std::map<std::string, int> per_generation;
  for (const auto& s : first.suggestions) {
    keys.insert(key_of(s.assignment));
    CHECK(s.labels.at(algorithms::kCmaesRunLabel) == "0");
    ++per_generation[s.labels.at(algorithms::kCmaesGenerationLabel)];
  }
  CHECK(keys.size() == 12);
  // 3 searched parameters: population 4 + floor(2 ln 3) = 6; 12 pending trials fill two
  // generations, asked ahead from the first distribution.
  CHECK(per_generation == std::map<std::string, int>{{"0", 6}, {"1", 6}});

  // The same trials pending: a further batch avoids them and goes on to generation 2.
  std::vector<engine::Trial> history;
  for (const auto& s : first.suggestions) {
    auto t = make_trial(history.size(), s.assignment, TrialState::kRunning);
    t.labels = s.labels;
    history.push_back(std::move(t));
  }
  auto more = algorithm->suggest(history, 6);
  REQUIRE(more.suggestions.size() == 6);
  for (const auto& s : more.suggestions) {
    CHECK(keys.insert(key_of(s.assignment)).second);
    CHECK(s.labels.at(algorithms::kCmaesGenerationLabel) == "2");
  }
}

TEST_CASE("cmaes: a full generation with half its results is told without waiting",
          "[algorithms][cmaes]") {
  auto spec = cmaes_spec(doubles(2, 0, 1), {{"random_state", "6"}});  // population 5
  auto algorithm = CmaesFactory().create(spec);
  auto batch = algorithm->suggest({}, 5);
  std::vector<engine::Trial> history;
  for (size_t i = 0; i < 5; ++i) {
    const auto& s = batch.suggestions[i];
    // Three results (all far better near (1, 1)), two still running.
    const bool done = i < 3;
    auto t =
        make_trial(i, s.assignment, done ? TrialState::kSucceeded : TrialState::kRunning,
                   done ? std::optional(-number(s.assignment, "x0") - number(s.assignment, "x1"))
                        : std::nullopt);
    t.labels = s.labels;
    history.push_back(std::move(t));
  }
  auto next = algorithm->suggest(history, 1);
  REQUIRE(next.suggestions.size() == 1);
  // Generation 0 was told: the new trial belongs to generation 1, drawn from the moved mean.
  CHECK(next.suggestions[0].labels.at(algorithms::kCmaesGenerationLabel) == "1");

  // With only two results the generation is not told yet: the next trial is asked ahead.
  history[2].state = TrialState::kRunning;
  history[2].objective.reset();
  auto ahead = algorithm->suggest(history, 1);
  CHECK(ahead.suggestions[0].labels.at(algorithms::kCmaesGenerationLabel) == "1");
  CHECK(key_of(ahead.suggestions[0].assignment) != key_of(next.suggestions[0].assignment));
}

TEST_CASE("cmaes: failed trials rank worst and never attract the search", "[algorithms][cmaes]") {
  // Trials fail whenever x0 > 0.5, where the raw objective would be best; the search must settle
  // on the best feasible point x0 = 0.5 instead of chasing the failing region.
  auto spec = cmaes_spec(doubles(2, 0, 1), {{"random_state", "12"}});
  auto algorithm = CmaesFactory().create(spec);
  std::vector<engine::Trial> history;
  double best = INFINITY;
  int late_failures = 0;
  for (int i = 0; i < 200; ++i) {
    auto s = algorithm->suggest(history, 1).suggestions.at(0);
    const double x0 = number(s.assignment, "x0"), x1 = number(s.assignment, "x1");
    const bool fails = x0 > 0.5;
    if (fails && i >= 150) ++late_failures;
    const double y = -x0 + std::pow(x1 - 0.5, 2);
    auto t = make_trial(history.size(), s.assignment,
                        fails ? TrialState::kFailed : TrialState::kSucceeded,
                        fails ? std::nullopt : std::optional(y));
    t.labels = s.labels;
    history.push_back(std::move(t));
    if (!fails) best = std::min(best, y);
  }
  CHECK(best < -0.49);
  CHECK(late_failures < 35);  // of 50: it keeps probing the edge, but does not live beyond it

  // A history of failures only still gives distinct suggestions.
  std::vector<engine::Trial> failed;
  for (const auto& s : CmaesFactory().create(spec)->suggest({}, 7).suggestions)
    failed.push_back(make_trial(failed.size(), s.assignment, TrialState::kFailed));
  auto result = CmaesFactory().create(spec)->suggest(failed, 4);
  REQUIRE(result.suggestions.size() == 4);
}

TEST_CASE("cmaes: restart strategies start new runs after convergence", "[algorithms][cmaes]") {
  // A flat objective converges by tolfun; every restart starts a new run (label), and ipop
  // doubles the population each time, while none keeps it.
  const Objective flat = [](const engine::Assignment&) { return 1.0; };
  auto runs_of = [&](const std::string& strategy) {
    auto run = minimise(
        cmaes_spec(doubles(2, 0, 1), {{"random_state", "1"}, {"restart_strategy", strategy}}), flat,
        400);
    std::map<std::string, std::set<std::string>> generations;  // run -> generations
    std::map<std::string, int> trials;                         // run -> trials
    for (const auto& t : run.history) {
      generations[t.labels.at(algorithms::kCmaesRunLabel)].insert(
          t.labels.at(algorithms::kCmaesGenerationLabel));
      ++trials[t.labels.at(algorithms::kCmaesRunLabel)];
    }
    std::vector<double> population;  // trials per generation of each finished run
    for (const auto& [r, gens] : generations)
      if (r != std::prev(generations.end())->first)
        population.push_back(static_cast<double>(trials[r]) / static_cast<double>(gens.size()));
    return population;
  };
  auto ipop = runs_of("ipop");
  REQUIRE(ipop.size() >= 2);
  CHECK(ipop[0] == 5);
  CHECK(ipop[1] == 10);
  auto none = runs_of("none");
  REQUIRE(none.size() >= 2);
  for (double p : none) CHECK(p == 5);
  auto bipop = runs_of("bipop");
  REQUIRE(bipop.size() >= 2);
  CHECK(bipop[0] == 5);
}

TEST_CASE("cmaes: the state is rebuilt from the history after a restart of the engine",
          "[algorithms][cmaes]") {
  for (std::optional<std::string> seed :
       {std::optional<std::string>{}, std::optional<std::string>{"8"}}) {
    INFO("random_state " << (seed ? *seed : "unset"));
    std::vector<engine::AlgorithmSetting> settings = {{"restart_strategy", "ipop"}};
    if (seed) settings.push_back({"random_state", *seed});
    auto spec = cmaes_spec({double_param("x", 0, 1), int_param("n", 1, 5),
                            double_param("lr", 1e-4, 1, 0, Distribution::kLogUniform),
                            list_param("opt", ParameterType::kCategorical, {"a", "b", "c"})},
                           settings);
    auto running = CmaesFactory().create(spec);
    // Several generations of history, with failures and some trials still running.
    std::vector<engine::Trial> history;
    for (int round = 0; round < 8; ++round) {
      auto batch = running->suggest(history, 3);
      for (size_t i = 0; i < batch.suggestions.size(); ++i) {
        const auto& s = batch.suggestions[i];
        const bool pending = round == 7 && i > 0;
        const bool failed = history.size() % 7 == 3;
        auto t =
            make_trial(history.size(), s.assignment,
                       pending  ? TrialState::kRunning
                       : failed ? TrialState::kFailed
                                : TrialState::kSucceeded,
                       pending || failed
                           ? std::nullopt
                           : std::optional(number(s.assignment, "x") + number(s.assignment, "n")));
        t.labels = s.labels;
        history.push_back(std::move(t));
      }
    }
    const std::string state = running->save_state();
    auto restarted = CmaesFactory().create(spec);
    restarted->restore_state(state);
    auto expected = running->suggest(history, 4);
    auto actual = restarted->suggest(history, 4);
    REQUIRE(expected.suggestions.size() == 4);
    CHECK(keys_of(actual) == keys_of(expected));
    for (size_t i = 0; i < 4; ++i)
      CHECK(actual.suggestions[i].labels == expected.suggestions[i].labels);
  }

  // A broken saved state is an internal error, not a silent reseed.
  auto algorithm = CmaesFactory().create(cmaes_spec(doubles(2, 0, 1)));
  CHECK_THROWS_AS(algorithm->restore_state("{\"seed\":12}"), Error);
}

TEST_CASE("cmaes: histories without labels, or from another space, still work",
          "[algorithms][cmaes]") {
  auto spec = cmaes_spec(doubles(2, -1, 1), {{"random_state", "4"}});
  const Objective sphere = [](const engine::Assignment& a) {
    return std::pow(number(a, "x0") - 0.3, 2) + std::pow(number(a, "x1") + 0.2, 2);
  };
  // Labels dropped (a history written by another tool): trials join generations in order.
  auto algorithm = CmaesFactory().create(spec);
  std::vector<engine::Trial> history;
  double best = INFINITY;
  for (int i = 0; i < 250; ++i) {
    auto s = algorithm->suggest(history, 1).suggestions.at(0);
    const double y = sphere(s.assignment);
    best = std::min(best, y);
    history.push_back(make_trial(history.size(), s.assignment, TrialState::kSucceeded, y));
  }
  CHECK(best < 1e-6);

  // Trials whose values are outside the space (an edited spec), huge and equal losses.
  std::vector<engine::Trial> odd;
  odd.push_back(make_trial(0, {{"x0", "5"}, {"x1", "0"}}, TrialState::kSucceeded, 1.0));
  odd.push_back(make_trial(1, {{"x0", "0.1"}}, TrialState::kSucceeded, 1.0));
  for (int i = 0; i < 12; ++i)
    odd.push_back(make_trial(odd.size(),
                             {{"x0", engine::format_double(-0.9 + 0.15 * i)}, {"x1", "0.5"}},
                             TrialState::kSucceeded, i % 2 ? 1e300 : -1e300));
  auto result = CmaesFactory().create(spec)->suggest(odd, 5);
  REQUIRE(result.suggestions.size() == 5);
  for (const auto& s : result.suggestions)
    CHECK(assignment_problem(spec.parameters, s.assignment) == "");
}

}  // namespace sextant::test
