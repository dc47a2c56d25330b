// hyperband: bracket arithmetic, full runs replayed from the history (sizes, resources, top-k
// promotions for both objective types, labels, resume-from parents, exhaustion), Katib's example,
// waiting, finite spaces, determinism, restarts and settings validation.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/hyperband/hyperband_brackets.hpp"
#include "algorithms/hyperband/hyperband_factory.hpp"
#include "algorithms/hyperband/hyperband_search.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::HyperbandFactory;
using engine::AlgorithmSetting;
using engine::TrialState;

constexpr const char* kBracket = "sextant.hyperband/bracket";
constexpr const char* kRung = "sextant.hyperband/rung";

// nullopt: the trial fails.
using Objective = std::function<std::optional<double>(const engine::Assignment&)>;

double number(const engine::Assignment& a, const std::string& name) {
  auto x = parse_full_double(*engine::find_value(a, name));
  REQUIRE(x);
  return *x;
}

std::string label(const engine::Trial& t, const char* key) {
  auto it = t.labels.find(key);
  return it == t.labels.end() ? "" : it->second;
}

std::vector<ParameterSpec> tuning_space() {
  return {double_param("x", 0, 1),
          list_param("opt", ParameterType::kCategorical, {"sgd", "adam", "rmsprop"}),
          int_param("epochs", 1, 27)};
}

engine::ExperimentSpec hyperband_spec(std::vector<ParameterSpec> parameters,
                                      std::vector<AlgorithmSetting> settings) {
  return make_spec("hyperband", std::move(parameters), std::move(settings));
}

engine::ExperimentSpec spec_27_3(engine::ObjectiveType type, const std::string& seed = "7") {
  auto spec = hyperband_spec(
      tuning_space(),
      {{"r_l", "27"}, {"resource_name", "epochs"}, {"eta", "3"}, {"random_state", seed}});
  spec.objective.type = type;
  return spec;
}

engine::Trial as_trial(size_t index, const engine::Suggestion& s) {
  auto t = make_trial(index, s.assignment, TrialState::kRunning);
  t.labels = s.labels;
  return t;
}

void append_running(std::vector<engine::Trial>& history, const engine::SuggestResult& r) {
  for (const auto& s : r.suggestions) history.push_back(as_trial(history.size(), s));
}

void finish(engine::Trial& t, const Objective& f) {
  auto y = f(t.assignment);
  t.state = y ? TrialState::kSucceeded : TrialState::kFailed;
  t.objective = y;
  t.objective_text = y ? engine::format_double(*y) : "";
}

// The controller's loop with `workers` parallel trials: ask for the free workers, then complete
// the oldest running trial. Returns the history; fails if the algorithm stalls.
std::vector<engine::Trial> run_to_end(engine::Algorithm& algorithm, const Objective& f,
                                      int workers) {
  std::vector<engine::Trial> history;
  bool exhausted = false;
  for (int step = 0; step < 10000; ++step) {
    int running = 0;
    for (const auto& t : history) running += engine::is_active(t.state) ? 1 : 0;
    if (!exhausted) {
      auto result = algorithm.suggest(history, workers - running);
      CHECK(static_cast<int>(result.suggestions.size()) <= workers - running);
      append_running(history, result);
      exhausted = result.exhausted;
      running += static_cast<int>(result.suggestions.size());
    }
    if (running == 0) {
      REQUIRE(exhausted);
      auto after = algorithm.suggest(history, workers);
      CHECK(after.suggestions.empty());
      CHECK(after.exhausted);
      return history;
    }
    auto oldest = std::find_if(history.begin(), history.end(),
                               [](const engine::Trial& t) { return engine::is_active(t.state); });
    finish(*oldest, f);
  }
  FAIL("hyperband did not finish");
  return history;
}

// Lower is better; failed trials last; ties by creation order. Independent of the algorithm's.
std::vector<const engine::Trial*> ranked(std::vector<const engine::Trial*> trials,
                                         engine::ObjectiveType type) {
  auto key = [&](const engine::Trial* t) -> double {
    if (!t->objective) return INFINITY;
    return type == engine::ObjectiveType::kMinimize ? *t->objective : -*t->objective;
  };
  std::stable_sort(trials.begin(), trials.end(),
                   [&](const engine::Trial* a, const engine::Trial* b) { return key(a) < key(b); });
  return trials;
}

struct Expected {
  std::vector<size_t> sizes;
  std::vector<std::string> resources;
};

// Checks every rung of every bracket: size, resource, labels, and that rung i+1 continues exactly
// the best of rung i with the same configuration.
void check_run(const std::vector<engine::Trial>& history, engine::ObjectiveType type,
               const std::string& resource, const std::map<int, Expected>& expected) {
  std::map<std::pair<int, int>, std::vector<const engine::Trial*>> rungs;
  std::map<std::string, const engine::Trial*> by_name;
  for (const auto& t : history) {
    by_name[t.name] = &t;
    REQUIRE_FALSE(label(t, kBracket).empty());
    REQUIRE_FALSE(label(t, kRung).empty());
    rungs[{std::stoi(label(t, kBracket)), std::stoi(label(t, kRung))}].push_back(&t);
  }
  size_t total = 0;
  for (const auto& [s, e] : expected) {
    for (size_t i = 0; i < e.sizes.size(); ++i) {
      INFO("bracket " << s << " rung " << i);
      const auto& rung = rungs[{s, static_cast<int>(i)}];
      CHECK(rung.size() == e.sizes[i]);
      total += e.sizes[i];
      for (const auto* t : rung)
        CHECK(*engine::find_value(t->assignment, resource) == e.resources[i]);
      if (i == 0) {
        for (const auto* t : rung) CHECK(label(*t, engine::kResumeFromLabel).empty());
        continue;
      }
      auto best = ranked(rungs[{s, static_cast<int>(i) - 1}], type);
      best.resize(std::min(best.size(), e.sizes[i]));
      std::set<std::string> best_names;
      for (const auto* t : best) best_names.insert(t->name);
      std::set<std::string> parents;
      for (const auto* child : rung) {
        const std::string parent = label(*child, engine::kResumeFromLabel);
        parents.insert(parent);
        REQUIRE(by_name.count(parent));
        for (const auto& a : child->assignment)
          if (a.name != resource)
            CHECK(a.value == *engine::find_value(by_name[parent]->assignment, a.name));
      }
      CHECK(parents == best_names);
    }
  }
  CHECK(history.size() == total);
}

const std::map<int, Expected> kBrackets27 = {
    {3, {{27, 9, 3, 1}, {"1", "3", "9", "27"}}},
    {2, {{12, 4, 1}, {"3", "9", "27"}}},
    {1, {{6, 2}, {"9", "27"}}},
    {0, {{4}, {"27"}}},
};

// Lower x is better when minimising; x above 0.85 fails, which must rank it last when
// maximising although its value would be the best.
std::optional<double> tuning_objective(const engine::Assignment& a, engine::ObjectiveType type) {
  const double x = number(a, "x");
  if (x > 0.85) return std::nullopt;
  const double penalty = *engine::find_value(a, "opt") == "adam" ? 0.1 : 0.0;
  const double y = x + penalty + 1.0 / number(a, "epochs");
  return type == engine::ObjectiveType::kMinimize ? y : -y;
}

}  // namespace

TEST_CASE("hyperband: s_max and the brackets follow Li et al. without floating error",
          "[algorithms][hyperband]") {
  using algorithms::hyperband_brackets;
  using algorithms::hyperband_s_max;
  CHECK(hyperband_s_max(27, 3) == 3);
  CHECK(hyperband_s_max(26.99, 3) == 2);
  CHECK(hyperband_s_max(243, 3) == 5);
  CHECK(hyperband_s_max(1000, 10) == 3);
  CHECK(hyperband_s_max(81, 3) == 4);
  CHECK(hyperband_s_max(2, 2) == 1);
  CHECK(hyperband_s_max(2, 3) == 0);
  CHECK(hyperband_s_max(0.5, 3) == 0);

  auto brackets = hyperband_brackets(27, 3);
  REQUIRE(brackets.size() == 4);
  const int64_t sizes[] = {27, 12, 6, 4};
  for (size_t b = 0; b < 4; ++b) {
    CHECK(brackets[b].s == 3 - static_cast<int>(b));
    CHECK(brackets[b].configurations == sizes[b]);
    REQUIRE(brackets[b].resources.size() == 4 - b);
    CHECK(brackets[b].resources.back() == 27);
  }
  CHECK(brackets[0].resources == std::vector<double>{1, 3, 9, 27});
  CHECK(brackets[1].resources == std::vector<double>{3, 9, 27});
  CHECK(algorithms::rung_size(27, 3, 1) == 9);
  CHECK(algorithms::rung_size(27, 3, 3) == 1);
  CHECK(algorithms::rung_size(12, 3, 2) == 1);
  // A rung 0 cut short by a finite space: its best still reaches the last rung, unless it has
  // fewer than eta configurations (none is in the top 1/eta).
  CHECK(algorithms::rung_size(5, 3, 1) == 1);
  CHECK(algorithms::rung_size(5, 3, 2) == 1);
  CHECK(algorithms::rung_size(2, 3, 1) == 0);
  CHECK(algorithms::rung_size(2, 3, 0) == 2);
}

TEST_CASE("hyperband: r_l 27, eta 3 runs 27/9/3/1, 12/4/1, 6/2 and 4 trials with top-k promotion",
          "[algorithms][hyperband]") {
  for (auto type : {engine::ObjectiveType::kMinimize, engine::ObjectiveType::kMaximize}) {
    for (int workers : {1000, 4, 1}) {
      INFO(engine::to_string(type) << " with " << workers << " workers");
      auto algorithm = HyperbandFactory().create(spec_27_3(type));
      auto history = run_to_end(
          *algorithm, [&](const engine::Assignment& a) { return tuning_objective(a, type); },
          workers);
      check_run(history, type, "epochs", kBrackets27);
      // Rung-0 configurations are all different, and every value lies in the space (epochs
      // declares 1..27, so here even the resource does).
      std::set<std::string> configs;
      size_t rung0 = 0;
      const engine::SearchSpace space{tuning_space()};
      for (const auto& t : history) {
        CHECK(assignment_problem(space, t.assignment) == "");
        if (label(t, kRung) == "0") {
          ++rung0;
          configs.insert(*engine::find_value(t.assignment, "x"));
        }
      }
      CHECK(rung0 == 27 + 12 + 6 + 4);
      CHECK(configs.size() == rung0);
    }
  }
}

TEST_CASE("hyperband: the best trial of a rung is promoted, a failed one is not",
          "[algorithms][hyperband]") {
  // r_l 3, eta 3: bracket 1 holds ceil(2*3/2) = 3 configurations at 1, rung 1 the best at 3.
  for (auto type : {engine::ObjectiveType::kMinimize, engine::ObjectiveType::kMaximize}) {
    INFO(engine::to_string(type));
    auto spec = hyperband_spec(tuning_space(), {{"r_l", "3"}, {"resource_name", "epochs"}});
    spec.objective.type = type;
    auto algorithm = HyperbandFactory().create(spec);
    std::vector<engine::Trial> history;
    auto first = algorithm->suggest(history, 3);
    REQUIRE(first.suggestions.size() == 3);
    append_running(history, first);
    // 1 is best when minimising, 3 when maximising; the failed trial's value would win either
    // way, but a failure ranks last.
    const bool minimize = type == engine::ObjectiveType::kMinimize;
    history[0].state = TrialState::kSucceeded;
    history[0].objective = 1;
    history[1].state = TrialState::kFailed;
    history[1].objective = minimize ? 0 : 4;
    history[2].state = TrialState::kSucceeded;
    history[2].objective = 3;
    auto next = algorithm->suggest(history, 1);
    REQUIRE(next.suggestions.size() == 1);
    const auto& promoted = next.suggestions[0];
    const auto& parent = minimize ? history[0] : history[2];
    CHECK(promoted.labels.at(engine::kResumeFromLabel) == parent.name);
    CHECK(promoted.labels.at(kBracket) == "1");
    CHECK(promoted.labels.at(kRung) == "1");
    CHECK(*engine::find_value(promoted.assignment, "epochs") == "3");
    CHECK(*engine::find_value(promoted.assignment, "x") ==
          *engine::find_value(parent.assignment, "x"));
  }
}

TEST_CASE("hyperband: Katib's example (r_l 2, eta 2) runs 2+1 and 2 trials",
          "[algorithms][hyperband]") {
  // The space of hp-tuning_hyperband.yaml: num-epochs is declared min 1 max 1, and the promoted
  // trial still gets 2 (the resource parameter's feasibleSpace is not used).
  auto spec = hyperband_spec(
      {double_param("lr", 0.01, 0.05), double_param("momentum", 0.5, 0.9),
       int_param("num-epochs", 1, 1)},
      {{"resource_name", "num-epochs"}, {"eta", "2"}, {"r_l", "2"}, {"random_state", "1"}});
  auto algorithm = HyperbandFactory().create(spec);
  std::vector<engine::Trial> history;

  auto first = algorithm->suggest(history, 2);  // parallelTrialCount 2
  REQUIRE(first.suggestions.size() == 2);
  CHECK_FALSE(first.exhausted);
  CHECK(values_of(first, "num-epochs") == std::vector<std::string>{"1", "1"});
  for (const auto& s : first.suggestions) {
    CHECK(s.labels.at(kBracket) == "1");
    CHECK(s.labels.at(kRung) == "0");
    CHECK(assignment_problem(spec.parameters, s.assignment) == "");
  }
  append_running(history, first);

  // Bracket 1 waits for both; bracket 0 (2 configurations at 2 epochs) opens meanwhile.
  auto second = algorithm->suggest(history, 2);
  REQUIRE(second.suggestions.size() == 2);
  CHECK_FALSE(second.exhausted);
  CHECK(values_of(second, "num-epochs") == std::vector<std::string>{"2", "2"});
  for (const auto& s : second.suggestions) CHECK(s.labels.at(kBracket) == "0");
  append_running(history, second);

  CHECK(algorithm->suggest(history, 2).suggestions.empty());
  history[0].state = TrialState::kSucceeded;
  history[0].objective = 0.4;
  CHECK(algorithm->suggest(history, 2).suggestions.empty());  // history[1] still runs
  history[1].state = TrialState::kSucceeded;
  history[1].objective = 0.3;

  auto third = algorithm->suggest(history, 2);
  REQUIRE(third.suggestions.size() == 1);
  CHECK(third.exhausted);  // the last trial of the last rung: nothing is proposed after it
  CHECK(*engine::find_value(third.suggestions[0].assignment, "num-epochs") == "2");
  CHECK(third.suggestions[0].labels.at(engine::kResumeFromLabel) == history[1].name);
  CHECK(third.suggestions[0].labels.at(kRung) == "1");
}

TEST_CASE("hyperband: waits with zero suggestions while a rung is incomplete",
          "[algorithms][hyperband]") {
  // r_l 9, eta 3: brackets of 9 (at 1), 5 (at 3) and 3 (at 9) configurations.
  auto spec = hyperband_spec(tuning_space(),
                             {{"r_l", "9"}, {"resource_name", "epochs"}, {"random_state", "3"}});
  auto algorithm = HyperbandFactory().create(spec);
  std::vector<engine::Trial> history;
  auto all = algorithm->suggest(history, 100);
  REQUIRE(all.suggestions.size() == 9 + 5 + 3);
  CHECK_FALSE(all.exhausted);
  append_running(history, all);

  auto none = algorithm->suggest(history, 5);
  CHECK(none.suggestions.empty());
  CHECK_FALSE(none.exhausted);

  // All of bracket 2's rung 0 but one: still nothing.
  for (size_t k = 0; k < 8; ++k) {
    history[k].state = TrialState::kSucceeded;
    history[k].objective = static_cast<double>(k);
  }
  none = algorithm->suggest(history, 5);
  CHECK(none.suggestions.empty());
  CHECK_FALSE(none.exhausted);

  history[8].state = TrialState::kEarlyStopped;  // a result too, ranked by its objective
  history[8].objective = -1;
  auto promoted = algorithm->suggest(history, 5);
  REQUIRE(promoted.suggestions.size() == 3);
  std::vector<std::string> parents;
  for (const auto& s : promoted.suggestions)
    parents.push_back(s.labels.at(engine::kResumeFromLabel));
  CHECK(parents == std::vector<std::string>{history[8].name, history[0].name, history[1].name});
  CHECK(values_of(promoted, "epochs") == std::vector<std::string>{"3", "3", "3"});

  // A batch smaller than the rung: the rest comes next time, without repeats.
  auto spec2 = spec;
  auto again = HyperbandFactory().create(spec2);
  auto part = again->suggest(history, 2);
  REQUIRE(part.suggestions.size() == 2);
  append_running(history, part);
  auto rest = again->suggest(history, 5);
  REQUIRE(rest.suggestions.size() == 1);
  CHECK(rest.suggestions[0].labels.at(engine::kResumeFromLabel) == history[1].name);
}

TEST_CASE("hyperband: a finite space cuts rung 0 short and the bracket shrinks with it",
          "[algorithms][hyperband]") {
  auto five = list_param("model", ParameterType::kCategorical, {"a", "b", "c", "d", "e"});
  auto spec = hyperband_spec({five, int_param("epochs", 1, 9)},
                             {{"r_l", "9"}, {"resource_name", "epochs"}, {"random_state", "4"}});
  auto algorithm = HyperbandFactory().create(spec);
  auto history = run_to_end(
      *algorithm,
      [](const engine::Assignment& a) {
        return std::optional<double>(static_cast<double>((*engine::find_value(a, "model"))[0]));
      },
      3);
  // Bracket 2 wants 9 configurations and gets the 5 there are: 5 at 1, 1 at 3, 1 at 9; the
  // brackets after it have none left.
  check_run(history, engine::ObjectiveType::kMinimize, "epochs",
            {{2, {{5, 1, 1}, {"1", "3", "9"}}}, {1, {{0}, {"3"}}}, {0, {{0}, {"9"}}}});
  CHECK(*engine::find_value(history.back().assignment, "model") == "a");

  // Fewer configurations than eta: nobody is promoted, and the batch that takes the last one
  // says so.
  auto two = hyperband_spec(
      {list_param("model", ParameterType::kCategorical, {"a", "b"}), int_param("epochs", 1, 9)},
      {{"r_l", "9"}, {"resource_name", "epochs"}});
  auto at_once = HyperbandFactory().create(two)->suggest({}, 10);
  CHECK(at_once.suggestions.size() == 2);
  CHECK(at_once.exhausted);
}

TEST_CASE("hyperband: the resource value follows the parameter type", "[algorithms][hyperband]") {
  // r_l 10, eta 3: bracket 2 trains with 10/9, 10/3, 10.
  auto with_int = hyperband_spec({double_param("x", 0, 1), int_param("steps", 1, 1)},
                                 {{"r_l", "10"}, {"resource_name", "steps"}});
  auto ints = HyperbandFactory().create(with_int)->suggest({}, 100);
  std::set<std::string> int_values;
  for (const auto& v : values_of(ints, "steps")) int_values.insert(v);
  CHECK(int_values == std::set<std::string>{"1", "3", "10"});  // 1.11 -> 1, 3.33 -> 3

  auto with_double = hyperband_spec({double_param("x", 0, 1), double_param("fraction", 0, 1)},
                                    {{"r_l", "4.5"}, {"resource_name", "fraction"}});
  auto doubles = HyperbandFactory().create(with_double)->suggest({}, 100);
  // s_max 1: 3 configurations at 1.5, then 2 at 4.5 in bracket 0.
  CHECK(values_of(doubles, "fraction") ==
        std::vector<std::string>{"1.5", "1.5", "1.5", "4.5", "4.5"});

  // r_l below 1 on an int resource: one bracket, one configuration, at least 1.
  auto tiny = hyperband_spec({double_param("x", 0, 1), int_param("steps", 1, 1)},
                             {{"r_l", "0.5"}, {"resource_name", "steps"}});
  auto one = HyperbandFactory().create(tiny)->suggest({}, 10);
  CHECK(values_of(one, "steps") == std::vector<std::string>{"1"});
  CHECK(one.exhausted);
}

TEST_CASE("hyperband: rung-0 draws honour every type and distribution", "[algorithms][hyperband]") {
  auto spec = hyperband_spec(
      {double_param("lr", 1e-4, 1, 0, engine::Distribution::kLogUniform),
       int_param("units", 8, 512, 8), double_param("drop", 0, 0.5, 0.1),
       list_param("bs", ParameterType::kDiscrete, {"16", "32", "64"}),
       double_param("wd", 0, 1, 0, engine::Distribution::kNormal), int_param("epochs", 1, 81)},
      {{"r_l", "81"}, {"resource_name", "epochs"}, {"random_state", "9"}});
  auto result = HyperbandFactory().create(spec)->suggest({}, 81);
  REQUIRE(result.suggestions.size() == 81);
  size_t small_lr = 0;
  for (const auto& s : result.suggestions) {
    CHECK(assignment_problem(spec.parameters, s.assignment) == "");
    if (number(s.assignment, "lr") < 0.01) ++small_lr;
  }
  // Log-uniform over [1e-4, 1]: half of the draws lie below 0.01 (uniform would give 1%).
  CHECK(small_lr > 25);
  CHECK(small_lr < 56);
}

TEST_CASE("hyperband: same seed same output, restarts continue exactly",
          "[algorithms][hyperband]") {
  const auto type = engine::ObjectiveType::kMinimize;
  auto f = [&](const engine::Assignment& a) { return tuning_objective(a, type); };
  auto one = run_to_end(*HyperbandFactory().create(spec_27_3(type, "5")), f, 5);
  auto two = run_to_end(*HyperbandFactory().create(spec_27_3(type, "5")), f, 5);
  auto other = run_to_end(*HyperbandFactory().create(spec_27_3(type, "6")), f, 5);
  REQUIRE(one.size() == two.size());
  for (size_t k = 0; k < one.size(); ++k) {
    CHECK(key_of(one[k].assignment) == key_of(two[k].assignment));
    CHECK(one[k].labels == two[k].labels);
  }
  CHECK(key_of(one[0].assignment) != key_of(other[0].assignment));

  // Without random_state: the seed travels in the saved state; a new instance given the state
  // and the history proposes what the old one would have (mid-run, with trials running).
  auto spec = spec_27_3(type);
  spec.algorithm.settings.pop_back();
  auto running = HyperbandFactory().create(spec);
  std::vector<engine::Trial> history;
  append_running(history, running->suggest(history, 30));
  for (size_t k = 0; k < 27; ++k) finish(history[k], f);
  auto restarted = HyperbandFactory().create(spec);
  restarted->restore_state(running->save_state());
  auto expected = running->suggest(history, 40);
  auto actual = restarted->suggest(history, 40);
  REQUIRE(expected.suggestions.size() == 9 + 12 - 3 + 6 + 4);
  CHECK(keys_of(actual) == keys_of(expected));
}

TEST_CASE("hyperband: settings are checked with their field paths", "[algorithms][hyperband]") {
  const std::vector<ParameterSpec> space = tuning_space();
  auto problems = [&](std::vector<AlgorithmSetting> settings) {
    return HyperbandFactory().validate(hyperband_spec(space, std::move(settings)));
  };
  auto single = [&](std::vector<AlgorithmSetting> settings, const std::string& path,
                    const std::string& text) {
    auto found = problems(settings);
    INFO(path << ": " << text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].path == path);
    CHECK_THAT(found[0].message, Catch::Contains(text));
  };
  CHECK(problems({{"r_l", "27"}, {"resource_name", "epochs"}}).empty());
  CHECK(problems({{"r_l", "27"}, {"resource_name", "epochs"}, {"eta", "3.0"}}).empty());

  single({{"resource_name", "epochs"}}, "spec.algorithm.algorithmSettings", "r_l");
  single({{"r_l", "27"}}, "spec.algorithm.algorithmSettings", "resource_name");
  for (const std::string bad : {"abc", "0", "-1", ""})
    single({{"r_l", bad}, {"resource_name", "epochs"}}, "spec.algorithm.algorithmSettings[0].value",
           "r_l must be a number > 0");
  for (const std::string bad : {"2.5", "abc", "1"})
    single({{"r_l", "27"}, {"resource_name", "epochs"}, {"eta", bad}},
           "spec.algorithm.algorithmSettings[2].value", "eta must be an integer >= 2");
  single({{"r_l", "27"}, {"resource_name", "lr"}}, "spec.algorithm.algorithmSettings[1].value",
         "one of spec.parameters (x, opt, epochs); found \"lr\"");
  single({{"r_l", "27"}, {"resource_name", "opt"}}, "spec.algorithm.algorithmSettings[1].value",
         "categorical");
  auto with_discrete = space;
  with_discrete.push_back(list_param("bs", ParameterType::kDiscrete, {"16", "32"}));
  auto discrete = HyperbandFactory().validate(
      hyperband_spec(with_discrete, {{"r_l", "27"}, {"resource_name", "bs"}}));
  REQUIRE(discrete.size() == 1);
  CHECK_THAT(discrete[0].message, Catch::Contains("discrete"));
  single({{"r_l", "27"}, {"resource_name", "epochs"}, {"max_epochs", "3"}},
         "spec.algorithm.algorithmSettings[2].name", "known settings: r_l, eta, resource_name");
  single({{"r_l", "1e9"}, {"resource_name", "epochs"}, {"eta", "2"}},
         "spec.algorithm.algorithmSettings", "at most 1000000");
  auto only_resource = HyperbandFactory().validate(
      hyperband_spec({int_param("epochs", 1, 9)}, {{"r_l", "9"}, {"resource_name", "epochs"}}));
  REQUIRE(only_resource.size() == 1);
  CHECK(only_resource[0].path == "spec.parameters");

  // create() refuses what validate() reports, at the same path.
  try {
    HyperbandFactory().create(hyperband_spec(space, {{"r_l", "x"}, {"resource_name", "epochs"}}));
    FAIL("create() accepted r_l x");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(e.field_path() == "spec.algorithm.algorithmSettings[0].value");
  }
}

TEST_CASE("hyperband: eta <= 0 means 3, as in Katib", "[algorithms][hyperband]") {
  for (const std::string eta : {"0", "-2"}) {
    auto spec =
        hyperband_spec(tuning_space(), {{"r_l", "27"}, {"resource_name", "epochs"}, {"eta", eta}});
    REQUIRE(HyperbandFactory().validate(spec).empty());
    auto algorithm = HyperbandFactory().create(spec);
    auto* search = dynamic_cast<algorithms::HyperbandSearch*>(algorithm.get());
    REQUIRE(search);
    REQUIRE(search->brackets().size() == 4);
    CHECK(search->brackets()[0].configurations == 27);
  }
}

}  // namespace sextant::test
