// asha as a search algorithm: promotions (which, where to, with what labels), new
// configurations, brackets, exhaustion, determinism and settings validation.
#include <algorithm>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/asha/asha_search.hpp"
#include "algorithms/builtin.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::AshaSearchFactory;
using engine::AlgorithmSetting;
using engine::ObjectiveType;
using engine::Suggestion;
using engine::TrialState;

const std::string kResume = engine::kResumeFromLabel;
const std::string kBracket = algorithms::kAshaBracketLabel;
const std::string kRung = algorithms::kAshaRungLabel;

std::vector<ParameterSpec> default_parameters() {
  return {double_param("lr", 0.001, 1, 0, Distribution::kLogUniform), int_param("epochs", 1, 100),
          list_param("opt", ParameterType::kCategorical, {"sgd", "adam", "rmsprop"})};
}

// min_resource 1, reduction_factor 3 (defaults), max_resource 9: rungs 1, 3, 9.
std::vector<AlgorithmSetting> default_settings() {
  return {{"resource_name", "epochs"}, {"max_resource", "9"}, {"random_state", "7"}};
}

engine::ExperimentSpec asha_spec(std::vector<AlgorithmSetting> settings = default_settings(),
                                 std::vector<ParameterSpec> parameters = default_parameters(),
                                 ObjectiveType type = ObjectiveType::kMinimize) {
  auto spec = make_spec("asha", std::move(parameters), std::move(settings));
  spec.objective.type = type;
  return spec;
}

std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) {
  AshaSearchFactory factory;
  std::string problems;
  for (const auto& p : factory.validate(spec)) problems += p.path + ": " + p.message + "\n";
  INFO(problems);
  REQUIRE(problems.empty());
  return factory.create(spec);
}

// The trial the controller would create from a suggestion, labels included.
void add(std::vector<engine::Trial>& history, const Suggestion& s, TrialState state,
         std::optional<double> objective = std::nullopt) {
  auto t = make_trial(history.size(), s.assignment, state, objective);
  t.labels = s.labels;
  history.push_back(std::move(t));
}

std::string value(const engine::Assignment& a, const std::string& name) {
  const std::string* v = engine::find_value(a, name);
  return v ? *v : "<missing>";
}

// The configuration: every value but the resource.
std::string config_of(const engine::Assignment& a, const std::string& resource = "epochs") {
  std::string key;
  for (const auto& p : a)
    if (p.name != resource) key += p.name + "=" + p.value + ";";
  return key;
}

std::string label(const Suggestion& s, const std::string& name) {
  auto it = s.labels.find(name);
  return it == s.labels.end() ? "<none>" : it->second;
}

// `count` new configurations at rung 0, completed with the given objectives.
std::vector<engine::Trial> completed_rung0(engine::Algorithm& asha,
                                           const std::vector<double>& objectives) {
  auto batch = asha.suggest({}, static_cast<int>(objectives.size()));
  REQUIRE(batch.suggestions.size() == objectives.size());
  std::vector<engine::Trial> history;
  for (size_t i = 0; i < objectives.size(); ++i) {
    REQUIRE(value(batch.suggestions[i].assignment, "epochs") == "1");
    add(history, batch.suggestions[i], TrialState::kSucceeded, objectives[i]);
  }
  return history;
}

void require_promotion(const Suggestion& s, const engine::Trial& parent,
                       const std::string& resource, const std::string& rung) {
  INFO("promotion of " << parent.name);
  CHECK(config_of(s.assignment) == config_of(parent.assignment));
  CHECK(value(s.assignment, "epochs") == resource);
  CHECK(label(s, kResume) == parent.name);
  CHECK(label(s, kRung) == rung);
  CHECK(label(s, kBracket) == "0");
}

void require_new(const Suggestion& s, const std::vector<engine::Trial>& history,
                 const std::string& resource = "1") {
  CHECK(value(s.assignment, "epochs") == resource);
  CHECK(label(s, kResume) == "<none>");
  CHECK(label(s, kRung) == "0");
  for (const auto& t : history) CHECK(config_of(s.assignment) != config_of(t.assignment));
}

}  // namespace

TEST_CASE("asha search: new configurations start at the first rung when nothing is promotable",
          "[algorithms][asha]") {
  auto spec = asha_spec();
  auto asha = create(spec);
  auto batch = asha->suggest({}, 5);
  REQUIRE(batch.suggestions.size() == 5);
  CHECK_FALSE(batch.exhausted);
  std::set<std::string> configs;
  for (const auto& s : batch.suggestions) {
    CHECK(assignment_problem(spec.parameters, s.assignment) == "");
    require_new(s, {});
    CHECK(label(s, kBracket) == "0");
    configs.insert(config_of(s.assignment));
  }
  CHECK(configs.size() == 5);

  // Two completed results at rung 0: floor(2/3) = 0 promotable, so new configurations again.
  std::vector<engine::Trial> history;
  add(history, batch.suggestions[0], TrialState::kSucceeded, 0.1);
  add(history, batch.suggestions[1], TrialState::kSucceeded, 0.2);
  auto next = asha->suggest(history, 2);
  REQUIRE(next.suggestions.size() == 2);
  for (const auto& s : next.suggestions) require_new(s, history);
}

TEST_CASE("asha search: promotions take the best unpromoted trial of a rung's top 1/eta",
          "[algorithms][asha]") {
  auto asha = create(asha_spec());
  // 6 results at rung 0: the top floor(6/3) = 2 are trials 3 (0.1) and 1 (0.2).
  auto history = completed_rung0(*asha, {0.6, 0.2, 0.5, 0.1, 0.4, 0.3});

  auto first = asha->suggest(history, 1);
  REQUIRE(first.suggestions.size() == 1);
  require_promotion(first.suggestions[0], history[3], "3", "1");
  auto after_first = history;
  add(after_first, first.suggestions[0], TrialState::kRunning);

  auto second = asha->suggest(after_first, 1);
  REQUIRE(second.suggestions.size() == 1);
  require_promotion(second.suggestions[0], history[1], "3", "1");
  auto after_second = after_first;
  add(after_second, second.suggestions[0], TrialState::kRunning);

  // The third best (0.3) is outside the top 2: a new configuration.
  auto third = asha->suggest(after_second, 1);
  REQUIRE(third.suggestions.size() == 1);
  require_new(third.suggestions[0], after_second);

  // One batch gives the same: each suggestion counts as pending for the next.
  auto batch = asha->suggest(history, 3);
  REQUIRE(batch.suggestions.size() == 3);
  require_promotion(batch.suggestions[0], history[3], "3", "1");
  require_promotion(batch.suggestions[1], history[1], "3", "1");
  require_new(batch.suggestions[2], history);
}

TEST_CASE("asha search: maximize promotes the highest objective", "[algorithms][asha]") {
  auto asha = create(asha_spec(default_settings(), default_parameters(), ObjectiveType::kMaximize));
  auto history = completed_rung0(*asha, {0.6, 0.2, 0.5, 0.1, 0.4, 0.3});
  auto batch = asha->suggest(history, 3);
  REQUIRE(batch.suggestions.size() == 3);
  require_promotion(batch.suggestions[0], history[0], "3", "1");  // 0.6
  require_promotion(batch.suggestions[1], history[2], "3", "1");  // 0.5
  require_new(batch.suggestions[2], history);
}

TEST_CASE("asha search: the highest rung promotes first, ranked by its own results",
          "[algorithms][asha]") {
  auto asha = create(asha_spec());
  // 10 configurations at rung 0: 9 finished with 0.1 ... 0.9, the 10th still running.
  auto start = asha->suggest({}, 10);
  REQUIRE(start.suggestions.size() == 10);
  std::vector<engine::Trial> history;
  for (size_t i = 0; i < 9; ++i)
    add(history, start.suggestions[i], TrialState::kSucceeded, 0.1 * static_cast<double>(i + 1));
  add(history, start.suggestions[9], TrialState::kRunning);
  // The top floor(9/3) = 3 (trials 0, 1, 2) go to rung 1 and finish there (history[10..12]),
  // where trial 1's configuration does best.
  const std::vector<double> at_rung1 = {0.08, 0.03, 0.07};
  for (size_t i = 0; i < 3; ++i) {
    auto promotion = asha->suggest(history, 1);
    REQUIRE(promotion.suggestions.size() == 1);
    require_promotion(promotion.suggestions[0], history[i], "3", "1");
    add(history, promotion.suggestions[0], TrialState::kSucceeded, at_rung1[i]);
  }
  // The 10th finishes with the best result of rung 0: top floor(10/3) = 3 now holds it,
  // unpromoted, while rung 1's top floor(3/3) = 1 holds trial 1's configuration, unpromoted.
  history[9].state = TrialState::kSucceeded;
  history[9].objective = 0.05;

  auto batch = asha->suggest(history, 3);
  REQUIRE(batch.suggestions.size() == 3);
  // Rung 1 goes first: continued from its rung-1 trial, to the top rung 9.
  require_promotion(batch.suggestions[0], history[11], "9", "2");
  CHECK(config_of(batch.suggestions[0].assignment) == config_of(history[1].assignment));
  // Then rung 0: the late arrival.
  require_promotion(batch.suggestions[1], history[9], "3", "1");
  require_new(batch.suggestions[2], history);
}

TEST_CASE("asha search: a configuration is promoted once, even when its promotion failed",
          "[algorithms][asha]") {
  auto asha = create(asha_spec());
  auto history = completed_rung0(*asha, {0.3, 0.1, 0.2});
  auto promotion = asha->suggest(history, 1);
  REQUIRE(promotion.suggestions.size() == 1);
  require_promotion(promotion.suggestions[0], history[1], "3", "1");
  for (auto state : {TrialState::kFailed, TrialState::kCreated, TrialState::kSucceeded}) {
    INFO("the promoted trial is " << engine::to_string(state));
    auto with = history;
    add(with, promotion.suggestions[0], state,
        state == TrialState::kSucceeded ? std::optional(0.05) : std::nullopt);
    auto next = asha->suggest(with, 1);
    REQUIRE(next.suggestions.size() == 1);
    require_new(next.suggestions[0], with);
  }
}

TEST_CASE("asha search: the resource parameter's feasible space is not used",
          "[algorithms][asha]") {
  // A double resource from 0 to 0.5, rungs 0.1, 0.3, 0.9: the top rung lies outside it.
  auto spec = asha_spec({{"resource_name", "budget"},
                         {"min_resource", "0.1"},
                         {"max_resource", "0.9"},
                         {"random_state", "3"}},
                        {double_param("x", -1, 1), double_param("budget", 0, 0.5)});
  auto asha = create(spec);
  std::vector<engine::Trial> history;
  auto start = asha->suggest({}, 3);
  REQUIRE(start.suggestions.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(value(start.suggestions[i].assignment, "budget") == "0.1");
    add(history, start.suggestions[i], TrialState::kSucceeded, static_cast<double>(i));
  }
  auto up = asha->suggest(history, 1);
  REQUIRE(up.suggestions.size() == 1);
  CHECK(value(up.suggestions[0].assignment, "budget") == "0.3");  // not 0.30000000000000004
  CHECK(label(up.suggestions[0], kResume) == history[0].name);
  add(history, up.suggestions[0], TrialState::kSucceeded, 0.0);
  // Worse new configurations fill rung 0.1 until its top 1/3 sends two more to 0.3; then
  // rung 0.3's best goes on to 0.9.
  for (int i = 0; i < 9; ++i) {
    auto s = asha->suggest(history, 1);
    REQUIRE(s.suggestions.size() == 1);
    add(history, s.suggestions[0], TrialState::kSucceeded, 10.0 + i);
  }
  std::set<std::string> budgets;
  for (const auto& t : history) budgets.insert(value(t.assignment, "budget"));
  CHECK(budgets == std::set<std::string>{"0.1", "0.3", "0.9"});
}

TEST_CASE("asha search: brackets take new configurations in turn and promote apart",
          "[algorithms][asha]") {
  auto settings = default_settings();
  settings.push_back({"brackets", "2"});
  auto asha = create(asha_spec(settings));
  auto batch = asha->suggest({}, 6);
  REQUIRE(batch.suggestions.size() == 6);
  std::vector<engine::Trial> history;
  const std::vector<double> objectives = {0.5, 0.9, 0.4, 0.8, 0.3, 0.7};
  for (size_t i = 0; i < 6; ++i) {
    const auto& s = batch.suggestions[i];
    CHECK(label(s, kBracket) == (i % 2 == 0 ? "0" : "1"));
    CHECK(label(s, kRung) == "0");
    CHECK(value(s.assignment, "epochs") == (i % 2 == 0 ? "1" : "3"));  // 1 * 3^bracket
    add(history, s, TrialState::kSucceeded, objectives[i]);
  }
  // Each bracket has 3 results and promotes its own best: bracket 1 (rungs 3, 9) to 9 first
  // (the higher resource), then bracket 0 (rungs 1, 3, 9) to 3, although bracket 0's 0.3 beats
  // every bracket-1 result.
  auto promotions = asha->suggest(history, 3);
  REQUIRE(promotions.suggestions.size() == 3);
  const auto& b1 = promotions.suggestions[0];
  CHECK(label(b1, kBracket) == "1");
  CHECK(label(b1, kRung) == "1");
  CHECK(value(b1.assignment, "epochs") == "9");
  CHECK(label(b1, kResume) == history[5].name);  // 0.7, bracket 1's best
  const auto& b0 = promotions.suggestions[1];
  CHECK(label(b0, kBracket) == "0");
  CHECK(value(b0.assignment, "epochs") == "3");
  CHECK(label(b0, kResume) == history[4].name);  // 0.3
  // A new configuration, in bracket 0 (3 + 3 configurations so far: the lower bracket).
  CHECK(label(promotions.suggestions[2], kResume) == "<none>");
  CHECK(label(promotions.suggestions[2], kBracket) == "0");
}

TEST_CASE("asha search: a finite space ends when no promotion can come any more",
          "[algorithms][asha]") {
  const std::vector<ParameterSpec> colors = {
      list_param("color", ParameterType::kCategorical, {"red", "green", "blue"}),
      int_param("epochs", 1, 10)};
  SECTION("reduction_factor 3: one of the three configurations is still due a promotion") {
    auto asha = create(asha_spec({{"resource_name", "epochs"}, {"max_resource", "3"}}, colors));
    auto start = asha->suggest({}, 5);
    REQUIRE(start.suggestions.size() == 3);
    CHECK_FALSE(start.exhausted);
    std::vector<engine::Trial> running;
    for (const auto& s : start.suggestions) add(running, s, TrialState::kRunning);
    auto waiting = asha->suggest(running, 2);
    CHECK(waiting.suggestions.empty());
    CHECK_FALSE(waiting.exhausted);  // the running trials may still earn a promotion

    std::vector<engine::Trial> done;
    const std::vector<double> objectives = {0.3, 0.1, 0.2};
    for (size_t i = 0; i < 3; ++i)
      add(done, start.suggestions[i], TrialState::kSucceeded, objectives[i]);
    auto last = asha->suggest(done, 5);
    REQUIRE(last.suggestions.size() == 1);
    CHECK(label(last.suggestions[0], kResume) == done[1].name);
    CHECK(value(last.suggestions[0].assignment, "epochs") == "3");
    CHECK(last.exhausted);
  }
  SECTION("reduction_factor 4: three configurations can never promote one") {
    auto asha = create(asha_spec(
        {{"resource_name", "epochs"}, {"max_resource", "4"}, {"reduction_factor", "4"}}, colors));
    auto start = asha->suggest({}, 5);
    CHECK(start.suggestions.size() == 3);
    CHECK(start.exhausted);
  }
}

TEST_CASE("asha search: the same seed and history give the same suggestions",
          "[algorithms][asha]") {
  auto spec = asha_spec();
  auto history = completed_rung0(*create(spec), {0.6, 0.2, 0.5, 0.1, 0.4, 0.3});
  history[5].state = TrialState::kRunning;
  history[5].objective.reset();
  auto a = create(spec)->suggest(history, 4);
  auto b = create(spec)->suggest(history, 4);
  REQUIRE(a.suggestions.size() == 4);
  CHECK(keys_of(a) == keys_of(b));
  for (size_t i = 0; i < 4; ++i) CHECK(a.suggestions[i].labels == b.suggestions[i].labels);

  auto other_seed = default_settings();
  other_seed.back().value = "8";
  auto c = create(asha_spec(other_seed))->suggest(history, 4);
  REQUIRE(c.suggestions.size() == 4);
  // Promotions do not depend on the seed; new configurations do.
  CHECK(keys_of(c)[0] == keys_of(a)[0]);
  CHECK(keys_of(c)[3] != keys_of(a)[3]);

  // Without random_state, the saved seed carries the sequence over a restart.
  auto unseeded = asha_spec({{"resource_name", "epochs"}, {"max_resource", "9"}});
  auto running = create(unseeded);
  auto first = running->suggest({}, 3);
  auto restarted = create(unseeded);
  restarted->restore_state(running->save_state());
  CHECK(keys_of(restarted->suggest({}, 3)) == keys_of(first));
}

TEST_CASE("asha search: settings and the resource parameter are validated", "[algorithms][asha]") {
  AshaSearchFactory factory;
  struct Case {
    std::string what;
    std::vector<AlgorithmSetting> settings;
    std::vector<ParameterSpec> parameters;
    std::string path;
    std::string message;
  };
  const std::string base = "spec.algorithm.algorithmSettings";
  auto with = [](std::vector<AlgorithmSetting> extra) {
    std::vector<AlgorithmSetting> settings = {{"resource_name", "epochs"}, {"max_resource", "9"}};
    settings.insert(settings.end(), extra.begin(), extra.end());
    return settings;
  };
  auto lr_zero = default_parameters();
  lr_zero[0].min = 0;
  const std::vector<Case> cases = {
      {"reduction_factor 1", with({{"reduction_factor", "1"}}), default_parameters(),
       base + "[2].value", "reduction_factor must be an integer >= 2"},
      {"min_resource 0", with({{"min_resource", "0"}}), default_parameters(), base + "[2].value",
       "min_resource must be a number > 0"},
      {"max below min", with({{"min_resource", "10"}}), default_parameters(), base + "[1].value",
       "max_resource (9) must be >= min_resource (10)"},
      {"resource not a parameter",
       {{"resource_name", "steps"}, {"max_resource", "9"}},
       default_parameters(),
       base + "[0].value",
       "resource_name must name one of spec.parameters (lr, epochs, opt); found \"steps\""},
      {"categorical resource",
       {{"resource_name", "opt"}, {"max_resource", "9"}},
       default_parameters(),
       base + "[0].value",
       "resource_name \"opt\" is a categorical parameter (spec.parameters[2]); asha needs an int "
       "or double parameter"},
      {"unknown setting", with({{"grace_period", "2"}}), default_parameters(), base + "[2].name",
       "unknown setting \"grace_period\""},
      {"too many brackets", with({{"brackets", "4"}}), default_parameters(), base + "[2].value",
       "brackets 4 is too many: the first rung of bracket 3 (min_resource * reduction_factor^3) "
       "is 27, beyond max_resource 9; at most 3 brackets fit"},
      {"no max_resource",
       {{"resource_name", "epochs"}},
       default_parameters(),
       base,
       "asha needs max_resource"},
      {"no resource_name",
       {{"max_resource", "9"}},
       default_parameters(),
       base,
       "asha needs resource_name"},
      {"fractional rung for an int resource", with({{"min_resource", "0.5"}}), default_parameters(),
       base + "[2].value",
       "min_resource must be a whole number because the resource parameter \"epochs\" is an int"},
      {"nothing but the resource",
       with({}),
       {int_param("epochs", 1, 100)},
       "spec.parameters",
       "at least one parameter besides its resource"},
      {"log scale over 0", with({}), lr_zero, "spec.parameters[0].feasibleSpace.min", ""},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    auto problems = factory.validate(asha_spec(c.settings, c.parameters));
    for (const auto& p : problems) UNSCOPED_INFO(p.path << ": " << p.message);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == c.path);
    CHECK_THAT(problems[0].message, Catch::Contains(c.message));
  }

  // The resource's own feasible space is not checked: a log scale from 0 is not an error there.
  auto zero_epochs = default_parameters();
  zero_epochs[1] = int_param("epochs", 0, 100, 0, Distribution::kLogUniform);
  CHECK(factory.validate(asha_spec(default_settings(), zero_epochs)).empty());
  CHECK_NOTHROW(factory.create(asha_spec(default_settings(), zero_epochs))->suggest({}, 2));

  // create() without validation: a located error, not a crash.
  try {
    factory.create(asha_spec({{"resource_name", "steps"}, {"max_resource", "9"}}));
    FAIL("create() accepted a resource that is not a parameter");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.message(), Catch::Contains("resource_name"));
  }
}

TEST_CASE("asha search: registered as an algorithm", "[algorithms][asha]") {
  engine::AlgorithmRegistry registry;
  algorithms::register_builtin_algorithms(registry);
  const auto* factory = registry.find("asha");
  REQUIRE(factory != nullptr);
  auto known = factory->known_settings();
  for (const char* name : {"min_resource", "max_resource", "reduction_factor", "brackets",
                           "resource_name", "random_state"})
    CHECK(std::count(known.begin(), known.end(), name) == 1);
}

}  // namespace sextant::test
