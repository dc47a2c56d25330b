// regularized-evolution: random phase, tournament selection on the aging window, one-step
// mutants, no repeats, on architectures and on parameters.
#include <algorithm>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/evolution/regularized_evolution.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"
#include "tests/algorithms/nas_test_support.hpp"

namespace sextant::test {
namespace {

using algorithms::Architecture;
using algorithms::kEvolutionParentLabel;
using algorithms::NasSpace;
using engine::AlgorithmSetting;
using engine::TrialState;

const algorithms::RegularizedEvolutionFactory kFactory;

engine::ExperimentSpec nas_spec(int layers, std::vector<AlgorithmSetting> settings,
                                engine::ObjectiveType type = engine::ObjectiveType::kMaximize) {
  auto spec = parse_nas_spec(small_nas_spec(layers), "regularized-evolution");
  spec.algorithm.settings = std::move(settings);
  spec.objective.type = type;
  return spec;
}

// Katib's nas_enas-cpu operations (106) over `layers` layers: every parent has hundreds of
// one-step children, so tests that take many children from one parent never run out.
engine::ExperimentSpec enas_spec(int layers, std::vector<AlgorithmSetting> settings,
                                 engine::ObjectiveType type = engine::ObjectiveType::kMaximize) {
  auto spec = parse_nas_spec(
      spec_test::replace(kEnasSpec, "numLayers: 1", "numLayers: " + std::to_string(layers)),
      "regularized-evolution");
  spec.algorithm.settings = std::move(settings);
  spec.objective.type = type;
  return spec;
}

std::string describe(const std::vector<engine::SpecProblem>& problems) {
  std::string text;
  for (const auto& p : problems) text += p.path + ": " + p.message + "\n";
  return text;
}

// Positions where two architectures differ: "op<l>" or "skip<l>.<j>".
std::vector<std::string> differences(const Architecture& a, const Architecture& b) {
  std::vector<std::string> out;
  for (size_t l = 0; l < a.ops.size(); ++l) {
    if (a.ops[l] != b.ops[l]) out.push_back("op" + std::to_string(l));
    for (size_t j = 0; j < a.skips[l].size(); ++j)
      if (a.skips[l][j] != b.skips[l][j])
        out.push_back("skip" + std::to_string(l) + "." + std::to_string(j));
  }
  return out;
}

// Completes `result` into `history` with objective f(architecture), in order.
template <class F>
void complete_architectures(std::vector<engine::Trial>& history,
                            const engine::SuggestResult& result, const NasSpace& space, F f) {
  for (const auto& s : result.suggestions) {
    auto t = make_trial(history.size(), s.assignment, TrialState::kSucceeded);
    auto a = algorithms::architecture_of(t, space);
    REQUIRE(a.has_value());
    t.objective = f(*a);
    t.labels = s.labels;
    history.push_back(std::move(t));
  }
}

size_t index_of(const std::vector<engine::Trial>& history, const std::string& name) {
  for (size_t i = 0; i < history.size(); ++i)
    if (history[i].name == name) return i;
  FAIL("no trial " << name);
  return 0;
}

}  // namespace

TEST_CASE("evolution: settings are checked with their field paths", "[evolution]") {
  auto problems_of = [](std::vector<AlgorithmSetting> settings) {
    return kFactory.validate(nas_spec(2, std::move(settings)));
  };
  CHECK(problems_of({}).empty());
  CHECK(
      problems_of({{"population_size", "2"}, {"sample_size", "2"}, {"random_state", "0"}}).empty());
  CHECK(problems_of({{"population_size", "50"}, {"sample_size", "50"}}).empty());

  auto one = problems_of({{"sample_size", "2"}, {"population_size", "1"}});
  INFO(describe(one));
  REQUIRE(one.size() == 1);
  CHECK(one[0].path == "spec.algorithm.algorithmSettings[1].value");
  CHECK_THAT(one[0].message, Catch::Contains("population_size") && Catch::Contains("\"1\""));

  for (const std::string bad : {"0", "-1", "abc", "21", "1.5"}) {
    INFO("sample_size " << bad);
    auto problems = problems_of({{"random_state", "1"}, {"sample_size", bad}});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "spec.algorithm.algorithmSettings[1].value");
    CHECK_THAT(problems[0].message, Catch::Contains("between 1 and population_size (20)"));
  }
  auto above = problems_of({{"population_size", "5"}, {"sample_size", "6"}});
  REQUIRE(above.size() == 1);
  CHECK(above[0].path == "spec.algorithm.algorithmSettings[1].value");
  CHECK_THAT(above[0].message, Catch::Contains("(5)"));

  auto unknown = problems_of({{"mutation_rate", "0.1"}});
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].path == "spec.algorithm.algorithmSettings[0].name");
  CHECK_THAT(unknown[0].message,
             Catch::Contains("population_size") && Catch::Contains("sample_size"));
}

TEST_CASE("evolution: a nasConfig must carry what nn_config needs, parameters work too",
          "[evolution]") {
  auto no_sizes =
      parse_nas_spec(spec_test::replace(small_nas_spec(2), "      inputSizes: [8, 8, 1]\n", ""),
                     "regularized-evolution");
  auto problems = kFactory.validate(no_sizes);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.nasConfig.graphConfig.inputSizes");

  CHECK(kFactory.validate(make_spec("regularized-evolution", {int_param("layers", 1, 4)})).empty());
  auto empty = kFactory.validate(make_spec("regularized-evolution", {}));
  REQUIRE(empty.size() == 1);
  CHECK(empty[0].path == "spec.parameters");
}

TEST_CASE("evolution: random individuals until population_size trials have results",
          "[evolution]") {
  auto spec = nas_spec(3, {{"population_size", "4"}, {"sample_size", "2"}, {"random_state", "3"}});
  auto space = NasSpace::from_spec(spec);
  auto algorithm = kFactory.create(spec);
  std::vector<engine::Trial> history;
  // Three results and a failure: still the random phase.
  auto first = algorithm->suggest(history, 4);
  REQUIRE(first.suggestions.size() == 4);
  for (const auto& s : first.suggestions) CHECK(s.labels.empty());
  complete_architectures(history, first, space, [](const Architecture& a) { return a.ops[0]; });
  history[3].state = TrialState::kFailed;
  history[3].objective.reset();
  auto still_random = algorithm->suggest(history, 3);
  for (const auto& s : still_random.suggestions) CHECK(s.labels.empty());
  // A fourth result: every suggestion is now a child.
  history.push_back(make_trial(history.size(), still_random.suggestions[0].assignment,
                               TrialState::kSucceeded, 1.0));
  auto children = algorithm->suggest(history, 5);
  REQUIRE(children.suggestions.size() == 5);
  for (const auto& s : children.suggestions) {
    REQUIRE(s.labels.count(kEvolutionParentLabel));
    const auto& parent = history[index_of(history, s.labels.at(kEvolutionParentLabel))];
    CHECK(parent.state == TrialState::kSucceeded);
  }
}

TEST_CASE("evolution: the parent is the best of the sample, for either direction", "[evolution]") {
  for (auto type : {engine::ObjectiveType::kMaximize, engine::ObjectiveType::kMinimize}) {
    INFO(engine::to_string(type));
    // sample_size == population_size: the tournament sees the whole population.
    auto spec =
        enas_spec(3, {{"population_size", "6"}, {"sample_size", "6"}, {"random_state", "2"}}, type);
    auto space = NasSpace::from_spec(spec);
    auto algorithm = kFactory.create(spec);
    std::vector<engine::Trial> history;
    const std::vector<double> scores = {0.3, 0.9, 0.1, 0.5, 0.7, 0.2};
    auto batch = algorithm->suggest(history, 6);
    REQUIRE(batch.suggestions.size() == 6);
    for (size_t i = 0; i < 6; ++i)
      history.push_back(
          make_trial(i, batch.suggestions[i].assignment, TrialState::kSucceeded, scores[i]));
    const std::string best =
        type == engine::ObjectiveType::kMaximize ? history[1].name : history[2].name;
    auto children = algorithm->suggest(history, 10);
    REQUIRE(children.suggestions.size() == 10);
    for (const auto& s : children.suggestions) CHECK(s.labels.at(kEvolutionParentLabel) == best);
  }
}

TEST_CASE("evolution: tournaments sample uniformly from the population only", "[evolution]") {
  // sample_size 1: the parent is a uniform member of the population.
  auto spec = enas_spec(4, {{"population_size", "5"}, {"sample_size", "1"}, {"random_state", "9"}});
  auto space = NasSpace::from_spec(spec);
  auto algorithm = kFactory.create(spec);
  std::vector<engine::Trial> history;
  complete_architectures(history, algorithm->suggest(history, 5), space,
                         [](const Architecture& a) { return a.ops[1]; });
  std::map<std::string, int> picked;
  auto children = algorithm->suggest(history, 400);
  REQUIRE(children.suggestions.size() == 400);
  for (const auto& s : children.suggestions) ++picked[s.labels.at(kEvolutionParentLabel)];
  REQUIRE(picked.size() == 5);
  for (const auto& [name, n] : picked) {
    INFO(name);
    CHECK(n > 50);  // 80 expected of each
    CHECK(n < 115);
  }
}

TEST_CASE("evolution: aging keeps only the population_size most recent results", "[evolution]") {
  auto spec = enas_spec(4, {{"population_size", "3"}, {"sample_size", "3"}, {"random_state", "5"}});
  auto space = NasSpace::from_spec(spec);
  auto algorithm = kFactory.create(spec);
  std::vector<engine::Trial> history;
  auto batch = algorithm->suggest(history, 7);
  REQUIRE(batch.suggestions.size() == 7);
  // The oldest trial is by far the best, and trial 5 failed: the population is trials 3, 4, 6
  // (the three most recent results, by creation order), whose best is trial 4.
  const std::vector<double> scores = {0.99, 0.2, 0.3, 0.4, 0.8, 0.0, 0.5};
  for (size_t i = 0; i < 7; ++i)
    history.push_back(make_trial(i, batch.suggestions[i].assignment,
                                 i == 5 ? TrialState::kFailed : TrialState::kSucceeded,
                                 i == 5 ? std::nullopt : std::optional(scores[i])));
  // A pending trial is proposed, not part of the population.
  append(history, algorithm->suggest(history, 1), TrialState::kRunning);
  auto children = algorithm->suggest(history, 6);
  REQUIRE(children.suggestions.size() == 6);
  for (const auto& s : children.suggestions)
    CHECK(s.labels.at(kEvolutionParentLabel) == history[4].name);
}

TEST_CASE("evolution: a child is one mutation away from its parent", "[evolution]") {
  auto spec = enas_spec(4, {{"population_size", "4"}, {"sample_size", "2"}, {"random_state", "1"}});
  auto space = NasSpace::from_spec(spec);
  auto algorithm = kFactory.create(spec);
  std::vector<engine::Trial> history;
  complete_architectures(history, algorithm->suggest(history, 4), space,
                         [](const Architecture& a) { return a.ops[0] + a.skips[3][0]; });
  std::set<std::string> kinds;
  for (int round = 0; round < 30; ++round) {
    auto children = algorithm->suggest(history, 2);
    REQUIRE(children.suggestions.size() == 2);
    for (const auto& s : children.suggestions) {
      auto child = algorithms::architecture_of(make_trial(0, s.assignment), space);
      REQUIRE(child.has_value());
      CHECK(s.assignment[1].value == algorithms::nn_config_text(space, *child));
      const auto& parent_trial = history[index_of(history, s.labels.at(kEvolutionParentLabel))];
      auto parent = algorithms::architecture_of(parent_trial, space);
      auto diff = differences(*parent, *child);
      INFO(algorithms::architecture_text(*parent)
           << " -> " << algorithms::architecture_text(*child));
      REQUIRE(diff.size() == 1);
      kinds.insert(diff[0].substr(0, diff[0].find_first_of("0123456789")));
    }
    complete_architectures(history, children, space,
                           [](const Architecture& a) { return a.ops[0] + a.skips[3][0]; });
  }
  CHECK(kinds == std::set<std::string>{"op", "skip"});  // both kinds of mutation happen
}

TEST_CASE("evolution: never repeats an architecture, and exhausts a finite space", "[evolution]") {
  // 2 layers over 3 operations: 3 * 3 * 2 = 18 architectures.
  auto spec = nas_spec(2, {{"population_size", "3"}, {"sample_size", "2"}, {"random_state", "4"}});
  auto space = NasSpace::from_spec(spec);
  auto algorithm = kFactory.create(spec);
  std::vector<engine::Trial> history;
  std::set<std::string> seen;
  bool exhausted = false;
  for (int round = 0; round < 20 && !exhausted; ++round) {
    auto batch = algorithm->suggest(history, 2);
    exhausted = batch.exhausted;
    for (const auto& s : batch.suggestions) CHECK(seen.insert(s.assignment[0].value).second);
    // A pending trial stays pending for a round: pending trials count as proposed.
    complete_architectures(history, batch, space,
                           [](const Architecture& a) { return a.ops[0] * 3 + a.ops[1]; });
    if (!history.empty()) history.back().state = TrialState::kRunning;
  }
  CHECK(exhausted);
  CHECK(seen.size() == 18);
  CHECK(algorithm->suggest(history, 1).suggestions.empty());
}

TEST_CASE("evolution: works on spec.parameters, mutating one parameter verbatim", "[evolution]") {
  for (auto type : {engine::ObjectiveType::kMinimize, engine::ObjectiveType::kMaximize}) {
    INFO(engine::to_string(type));
    auto spec = make_spec(
        "regularized-evolution",
        {double_param("x", -1, 1), int_param("n", 1, 50),
         list_param("opt", engine::ParameterType::kCategorical, {"sgd", "adam", "rmsprop"}),
         double_param("lr", 1e-4, 1, 0, engine::Distribution::kLogUniform)},
        {{"population_size", "5"}, {"sample_size", "3"}, {"random_state", "12"}});
    spec.objective.type = type;
    REQUIRE(kFactory.validate(spec).empty());
    auto algorithm = kFactory.create(spec);
    std::vector<engine::Trial> history;
    // A first population with hand-written values: a child copies them verbatim.
    const std::vector<std::vector<std::string>> population = {{"0.3", "7", "adam", "0.001"},
                                                              {"-0.25", "3", "sgd", "0.01"},
                                                              {"0.1", "40", "rmsprop", "0.5"},
                                                              {"0.9", "12", "adam", "0.25"},
                                                              {"-0.7", "25", "sgd", "0.07"}};
    const std::vector<double> scores = {1.0, 2.0, 3.0, 4.0, 5.0};
    for (size_t i = 0; i < population.size(); ++i)
      history.push_back(make_trial(i,
                                   {{"x", population[i][0]},
                                    {"n", population[i][1]},
                                    {"opt", population[i][2]},
                                    {"lr", population[i][3]}},
                                   TrialState::kSucceeded, scores[i]));
    std::set<std::string> seen;
    for (const auto& t : history) seen.insert(key_of(t.assignment));
    std::map<std::string, int> parents;
    for (int round = 0; round < 20; ++round) {
      auto children = algorithm->suggest(history, 3);
      REQUIRE(children.suggestions.size() == 3);
      for (const auto& s : children.suggestions) {
        CHECK(assignment_problem(spec.parameters, s.assignment) == "");
        CHECK(seen.insert(key_of(s.assignment)).second);
        const auto& parent = history[index_of(history, s.labels.at(kEvolutionParentLabel))];
        ++parents[parent.name];
        int changed = 0;
        for (size_t k = 0; k < 4; ++k)
          changed += s.assignment[k].value != parent.assignment[k].value;
        CHECK(changed == 1);
      }
      // Children score worse than everyone, so the first population stays the best.
      for (const auto& s : children.suggestions)
        history.push_back(make_trial(history.size(), s.assignment, TrialState::kSucceeded,
                                     type == engine::ObjectiveType::kMinimize ? 10.0 : 0.0));
      if (round == 0) {
        // Before aging replaced anyone, parents come from the first population, and the worst
        // two of five can never win a tournament of three.
        const std::string worst = history[type == engine::ObjectiveType::kMinimize ? 4 : 0].name;
        const std::string second = history[type == engine::ObjectiveType::kMinimize ? 3 : 1].name;
        CHECK(parents.count(worst) == 0);
        CHECK(parents.count(second) == 0);
      }
    }
  }
}

TEST_CASE("evolution: replays from the history and the seed alone", "[evolution]") {
  auto spec = nas_spec(4, {{"population_size", "4"}, {"sample_size", "2"}});  // seed drawn
  auto space = NasSpace::from_spec(spec);
  auto running = kFactory.create(spec);
  std::vector<engine::Trial> history;
  for (int round = 0; round < 4; ++round)
    complete_architectures(history, running->suggest(history, 3), space,
                           [](const Architecture& a) { return a.ops[2]; });
  const auto state = running->save_state();
  auto restarted = kFactory.create(spec);
  restarted->restore_state(state);
  auto expected = running->suggest(history, 5);
  auto actual = restarted->suggest(history, 5);
  REQUIRE(expected.suggestions.size() == 5);
  CHECK(keys_of(actual) == keys_of(expected));
  for (size_t i = 0; i < 5; ++i)
    CHECK(actual.suggestions[i].labels == expected.suggestions[i].labels);
  // A fresh instance without the state draws another seed: another sequence.
  CHECK(keys_of(kFactory.create(spec)->suggest(history, 5)) != keys_of(expected));
}

}  // namespace sextant::test
