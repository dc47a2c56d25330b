// Conformance suite: every factory that register_builtin_algorithms adds must pass these, so a new
// algorithm is tested as soon as it is registered (DESIGN.md section 8).
//
// To adapt the suite to a new algorithm, edit only the two tables below:
// - kRequiredSettings: settings without which the algorithm cannot run (hyperband's r_l, ...).
// - kSeedIndependent: algorithms whose output does not depend on random_state (they still must
//   accept it when they list it).
// - kNeverExhausts: algorithms that revisit points by design, exempt from the exhaustion check.
// Parameters that an algorithm rejects in validate() (grid: doubles without step) are dropped
// from the shared space for that algorithm; every type and distribution must survive.
#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/builtin.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using engine::AlgorithmFactory;
using engine::AlgorithmSetting;
using engine::ExperimentSpec;
using engine::SuggestResult;
using engine::TrialState;

const std::map<std::string, std::vector<AlgorithmSetting>> kRequiredSettings = {
    // asha: eta 4, so 3 configurations can never promote one and the tiny space is exhausted.
    {"asha", {{"resource_name", "i_uniform"}, {"max_resource", "6"}, {"reduction_factor", "4"}}},
    // hyperband: rung 0 of the first bracket (64 at resource 1) holds every batch; eta 4 as asha.
    {"hyperband", {{"r_l", "64"}, {"eta", "4"}, {"resource_name", "i_uniform"}}},
    {"pbt", {{"n_population", "40"}, {"truncation_threshold", "0.2"},
             {"suggestion_trial_dir", "/var/checkpoints"}}}};
const std::set<std::string> kSeedIndependent = {"grid"};
// Algorithms that revisit points by design and never exhaust a space (PBT's exploit copies a
// member's parameters; maxTrialCount ends it): the exhaustion check does not apply.
const std::set<std::string> kNeverExhausts = {"pbt"};
// Algorithms that search spec.nasConfig only and cannot run on a parameter space (darts hands its
// one trial the nasConfig operations; enas samples architectures): skipped here, covered by
// nas_conformance_test.cpp.
const std::set<std::string> kArchitectureOnly = {"darts", "enas"};
// Parameters an algorithm needs in every space, added to the tests' own small spaces (cmaes, like
// Katib, needs at least 2 int/double parameters). Each has a single value, so a finite space
// keeps its size and its exhaustion point.
const std::map<std::string, std::vector<ParameterSpec>> kRequiredParameters = {
    {"cmaes", {int_param("fixed_a", 0, 0), int_param("fixed_b", 1, 1)}},
    {"asha", {int_param("i_uniform", 1, 6)}},  // its resource: not a dimension of the space
    {"hyperband", {int_param("i_uniform", 1, 6)}}};  // the same

const engine::AlgorithmRegistry& registry() {
  static const engine::AlgorithmRegistry instance = [] {
    engine::AlgorithmRegistry r;
    algorithms::register_builtin_algorithms(r);
    return r;
  }();
  return instance;
}

bool knows(const AlgorithmFactory& factory, const std::string& setting) {
  auto known = factory.known_settings();
  return std::find(known.begin(), known.end(), setting) != known.end();
}

// Every type, every distribution, with and without step.
std::vector<ParameterSpec> rich_parameters() {
  return {
      int_param("i_uniform", 1, 6),
      int_param("i_step", 0, 20, 5),
      int_param("i_log", 1, 1000, 0, Distribution::kLogUniform),
      int_param("i_normal", -5, 5, 0, Distribution::kNormal),
      int_param("i_lognormal", 1, 100, 0, Distribution::kLogNormal),
      double_param("d_uniform", -1, 1),
      double_param("d_step", 0, 0.3, 0.1),
      double_param("d_log", 1e-4, 1, 0, Distribution::kLogUniform),
      double_param("d_log_step", 0.5, 2.5, 0.5, Distribution::kLogUniform),
      double_param("d_normal", 0, 6, 0, Distribution::kNormal),
      double_param("d_normal_step", 0, 1, 0.25, Distribution::kNormal),
      double_param("d_lognormal", 0.01, 100, 0, Distribution::kLogNormal),
      double_param("d_lognormal_step", 1, 5, 1, Distribution::kLogNormal),
      list_param("discrete", ParameterType::kDiscrete, {"1", "2.5", "10"}),
      list_param("categorical", ParameterType::kCategorical, {"sgd", "adam", "rmsprop"}),
  };
}

std::vector<AlgorithmSetting> settings_for(const std::string& name,
                                           std::optional<std::string> seed = std::nullopt) {
  auto it = kRequiredSettings.find(name);
  std::vector<AlgorithmSetting> settings =
      it == kRequiredSettings.end() ? std::vector<AlgorithmSetting>{} : it->second;
  if (seed) settings.push_back({"random_state", *seed});
  return settings;
}

// The shared space minus the parameters this algorithm rejects; fails the test if what is left
// does not cover every type and distribution or is still rejected.
ExperimentSpec conformance_spec(const AlgorithmFactory& factory,
                                std::optional<std::string> seed = std::nullopt,
                                std::vector<ParameterSpec> parameters = rich_parameters()) {
  const std::string name = factory.name();
  const bool shared_space = parameters.size() == rich_parameters().size();
  auto required = kRequiredParameters.find(name);
  if (!shared_space && required != kRequiredParameters.end())
    parameters.insert(parameters.end(), required->second.begin(), required->second.end());
  auto settings = settings_for(name, knows(factory, "random_state") ? seed : std::nullopt);
  auto spec = make_spec(name, parameters, settings);
  std::set<size_t> rejected;
  for (const auto& problem : factory.validate(spec)) {
    size_t index = 0;
    if (std::sscanf(problem.path.c_str(), "spec.parameters[%zu]", &index) == 1)
      rejected.insert(index);
  }
  std::vector<ParameterSpec> kept;
  for (size_t i = 0; i < parameters.size(); ++i)
    if (!rejected.count(i)) kept.push_back(parameters[i]);
  spec = make_spec(name, kept, settings);

  std::string problems;
  for (const auto& p : factory.validate(spec)) problems += p.path + ": " + p.message + "\n";
  INFO(name << " rejects the conformance space:\n" << problems);
  REQUIRE(problems.empty());
  if (shared_space) {  // the shared space, not a test's own
    std::set<ParameterType> types;
    std::set<std::pair<ParameterType, Distribution>> numeric;
    for (const auto& p : kept) {
      types.insert(p.type);
      if (p.is_numeric_range()) numeric.insert({p.type, p.distribution});
    }
    CHECK(types.size() == 4);
    CHECK(numeric.size() == 8);  // {int, double} x 4 distributions
  }
  return spec;
}

void for_each_algorithm(const std::function<void(const AlgorithmFactory&)>& body) {
  const auto names = registry().names();
  REQUIRE_FALSE(names.empty());
  for (const auto& name : names) {
    if (kArchitectureOnly.count(name)) continue;
    DYNAMIC_SECTION("algorithm " << name) {
      body(*registry().find(name));
    }
  }
}

// A deterministic objective so model-based algorithms have something to learn from.
double objective_of(const engine::Assignment& assignment) {
  double sum = 0;
  for (const auto& a : assignment)
    if (auto x = parse_full_double(a.value))
      sum += std::fabs(*x);
    else
      sum += static_cast<double>(a.value.size());
  return sum;
}

void complete(std::vector<engine::Trial>& history, const SuggestResult& result) {
  for (const auto& s : result.suggestions)
    history.push_back(make_trial(history.size(), s.assignment, TrialState::kSucceeded,
                                 objective_of(s.assignment)));
}

void require_valid(const engine::SearchSpace& space, const SuggestResult& result) {
  for (const auto& s : result.suggestions) {
    auto problem = assignment_problem(space, s.assignment);
    INFO(key_of(s.assignment));
    CHECK(problem == "");
  }
}

void require_distinct(const std::vector<std::string>& keys) {
  std::set<std::string> unique(keys.begin(), keys.end());
  CHECK(unique.size() == keys.size());
}

}  // namespace

TEST_CASE("conformance: random and grid are registered under their Katib names",
          "[algorithms][conformance]") {
  auto names = registry().names();
  CHECK(std::count(names.begin(), names.end(), "random") == 1);
  CHECK(std::count(names.begin(), names.end(), "grid") == 1);
  for (const auto& name : names) CHECK(registry().find(name)->name() == name);
}

TEST_CASE("conformance: suggestions lie in the space, typed and formatted as Katib's",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    auto spec = conformance_spec(factory, "3");
    auto algorithm = factory.create(spec);
    std::vector<engine::Trial> history;
    for (int round = 0; round < 4; ++round) {
      auto result = algorithm->suggest(history, 5);
      REQUIRE(result.suggestions.size() == 5);
      CHECK_FALSE(result.exhausted);
      require_valid(spec.parameters, result);
      complete(history, result);
    }
  });
}

TEST_CASE("conformance: the same seed, history and count give the same suggestions",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    auto spec = conformance_spec(factory, "42");
    auto first = factory.create(spec);
    auto second = factory.create(spec);
    CHECK(keys_of(first->suggest({}, 4)) == keys_of(second->suggest({}, 4)));

    // A history with every kind of trial: completed, failed, pending.
    std::vector<engine::Trial> history;
    auto batch = first->suggest({}, 6);
    const TrialState states[] = {TrialState::kSucceeded,    TrialState::kFailed,
                                 TrialState::kRunning,      TrialState::kCreated,
                                 TrialState::kEarlyStopped, TrialState::kMetricsUnavailable};
    for (size_t i = 0; i < batch.suggestions.size(); ++i) {
      const auto& a = batch.suggestions[i].assignment;
      bool scored = states[i] == TrialState::kSucceeded || states[i] == TrialState::kEarlyStopped;
      history.push_back(
          make_trial(i, a, states[i], scored ? std::optional(objective_of(a)) : std::nullopt));
    }
    auto a = factory.create(spec)->suggest(history, 3);
    auto b = factory.create(spec)->suggest(history, 3);
    REQUIRE(a.suggestions.size() == 3);
    CHECK(keys_of(a) == keys_of(b));
  });
}

TEST_CASE("conformance: different seeds give different suggestions", "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    if (!knows(factory, "random_state") || kSeedIndependent.count(factory.name())) {
      SUCCEED(factory.name() << " does not depend on a seed");
      return;
    }
    auto one = factory.create(conformance_spec(factory, "1"))->suggest({}, 5);
    auto two = factory.create(conformance_spec(factory, "2"))->suggest({}, 5);
    REQUIRE(one.suggestions.size() == 5);
    CHECK(keys_of(one) != keys_of(two));
  });
}

TEST_CASE("conformance: unknown settings are rejected with the list of known ones",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    auto spec = conformance_spec(factory);
    spec.algorithm.settings.push_back({"no_such_setting", "1"});
    const size_t index = spec.algorithm.settings.size() - 1;
    auto problems = factory.validate(spec);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path ==
          "spec.algorithm.algorithmSettings[" + std::to_string(index) + "].name");
    CHECK_THAT(problems[0].message, Catch::Contains("no_such_setting"));
    for (const auto& known : factory.known_settings())
      CHECK_THAT(problems[0].message, Catch::Contains(known));
  });
}

TEST_CASE("conformance: bad random_state values are rejected at their field path",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    if (!knows(factory, "random_state")) {
      SUCCEED(factory.name() << " has no random_state");
      return;
    }
    auto spec = conformance_spec(factory);
    for (const std::string bad : {"-1", "abc", "1.5", "", "99999999999999999999"}) {
      auto with_bad = spec;
      with_bad.algorithm.settings.push_back({"random_state", bad});
      const size_t index = with_bad.algorithm.settings.size() - 1;
      auto problems = factory.validate(with_bad);
      INFO("random_state=\"" << bad << "\"");
      REQUIRE(problems.size() == 1);
      CHECK(problems[0].path ==
            "spec.algorithm.algorithmSettings[" + std::to_string(index) + "].value");
      CHECK_THAT(problems[0].message, Catch::Contains("random_state"));
    }
    for (const std::string good : {"0", "123", "9223372036854775807"}) {
      auto with_good = spec;
      with_good.algorithm.settings.push_back({"random_state", good});
      INFO("random_state=\"" << good << "\"");
      CHECK(factory.validate(with_good).empty());
    }
  });
}

TEST_CASE("conformance: an empty history gives a full batch", "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    auto spec = conformance_spec(factory, "5");
    auto algorithm = factory.create(spec);
    auto one = algorithm->suggest({}, 1);
    CHECK(one.suggestions.size() == 1);
    auto seven = algorithm->suggest({}, 7);
    REQUIRE(seven.suggestions.size() == 7);
    CHECK_FALSE(seven.exhausted);
    require_valid(spec.parameters, seven);
    require_distinct(keys_of(seven));
    auto none = algorithm->suggest({}, 0);
    CHECK(none.suggestions.empty());
    CHECK_FALSE(none.exhausted);
  });
}

TEST_CASE("conformance: a history of failed trials only still gives suggestions",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    auto spec = conformance_spec(factory, "8");
    auto seed_batch = factory.create(spec)->suggest({}, 4);
    std::vector<engine::Trial> history;
    const TrialState failures[] = {TrialState::kFailed, TrialState::kKilled,
                                   TrialState::kMetricsUnavailable, TrialState::kFailed};
    for (size_t i = 0; i < seed_batch.suggestions.size(); ++i)
      history.push_back(make_trial(i, seed_batch.suggestions[i].assignment, failures[i]));
    auto result = factory.create(spec)->suggest(history, 3);
    REQUIRE(result.suggestions.size() == 3);
    CHECK_FALSE(result.exhausted);
    require_valid(spec.parameters, result);
    require_distinct(keys_of(result));
  });
}

TEST_CASE("conformance: a batch never repeats itself or a pending trial",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    // 12 points, 4 of them pending: a batch of 6 must come from the other 8.
    auto spec = conformance_spec(
        factory, "11",
        {list_param("optimizer", ParameterType::kCategorical, {"sgd", "adam", "rmsprop"}),
         int_param("layers", 1, 4)});
    auto algorithm = factory.create(spec);
    std::vector<engine::Trial> history;
    append(history, algorithm->suggest({}, 2), TrialState::kCreated);
    append(history, algorithm->suggest(history, 2), TrialState::kRunning);
    REQUIRE(history.size() == 4);
    std::set<std::string> pending;
    for (const auto& t : history) pending.insert(key_of(t.assignment));
    REQUIRE(pending.size() == 4);

    auto batch = algorithm->suggest(history, 6);
    REQUIRE(batch.suggestions.size() == 6);
    CHECK_FALSE(batch.exhausted);
    require_valid(spec.parameters, batch);
    auto keys = keys_of(batch);
    require_distinct(keys);
    for (const auto& key : keys) CHECK_FALSE(pending.count(key));

    // The same on the rich space, with a larger batch.
    auto rich = conformance_spec(factory, "11");
    auto big = factory.create(rich)->suggest({}, 25);
    REQUIRE(big.suggestions.size() == 25);
    require_distinct(keys_of(big));
  });
}

TEST_CASE("conformance: a long run with failures stays valid and never repeats a point",
          "[algorithms][conformance]") {
  // Long enough for model-based algorithms to leave their initial design; a finite space of 180
  // points, so an algorithm that proposes its incumbent again is caught.
  for_each_algorithm([](const AlgorithmFactory& factory) {
    for (auto type : {engine::ObjectiveType::kMinimize, engine::ObjectiveType::kMaximize}) {
      INFO("objective " << engine::to_string(type));
      auto spec = conformance_spec(
          factory, "17",
          {int_param("layers", 1, 4), double_param("dropout", 0, 1, 0.25),
           list_param("optimizer", ParameterType::kCategorical, {"sgd", "adam", "rmsprop"}),
           list_param("batch", ParameterType::kDiscrete, {"16", "32", "64"})});
      spec.objective.type = type;
      auto algorithm = factory.create(spec);
      std::vector<engine::Trial> history;
      std::set<std::string> seen;
      for (int round = 0; round < 20; ++round) {
        auto batch = algorithm->suggest(history, 3);
        REQUIRE(batch.suggestions.size() == 3);
        require_valid(spec.parameters, batch);
        for (size_t i = 0; i < batch.suggestions.size(); ++i) {
          const auto& a = batch.suggestions[i].assignment;
          INFO("round " << round << ": " << key_of(a));
          CHECK(seen.insert(key_of(a)).second);
          // Every fifth trial fails; the others succeed with a deterministic objective.
          const bool failed = history.size() % 5 == 4;
          history.push_back(make_trial(history.size(), a,
                                       failed ? TrialState::kFailed : TrialState::kSucceeded,
                                       failed ? std::nullopt : std::optional(objective_of(a))));
        }
      }
    }
  });
}

TEST_CASE("conformance: a tiny finite space is exhausted after its last point",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    if (kNeverExhausts.count(factory.name())) return;
    auto spec = conformance_spec(
        factory, "13",
        {list_param("color", ParameterType::kCategorical, {"red", "green", "blue"})});
    auto algorithm = factory.create(spec);
    std::vector<engine::Trial> history;
    auto first = algorithm->suggest(history, 2);
    REQUIRE(first.suggestions.size() == 2);
    CHECK_FALSE(first.exhausted);
    append(history, first, TrialState::kRunning);

    auto second = algorithm->suggest(history, 2);
    REQUIRE(second.suggestions.size() == 1);
    CHECK(second.exhausted);
    complete(history, second);

    std::set<std::string> colors;
    for (const auto& t : history) colors.insert(*engine::find_value(t.assignment, "color"));
    CHECK(colors == std::set<std::string>{"red", "green", "blue"});

    auto after = algorithm->suggest(history, 1);
    CHECK(after.suggestions.empty());
    CHECK(after.exhausted);

    auto at_once = factory.create(spec)->suggest({}, 5);
    CHECK(at_once.suggestions.size() == 3);
    CHECK(at_once.exhausted);
  });
}

TEST_CASE("conformance: a restarted algorithm continues where it left off",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    for (std::optional<std::string> seed :
         {std::optional<std::string>{}, std::optional<std::string>{"21"}}) {
      INFO("random_state " << (seed ? *seed : "unset"));
      auto spec = conformance_spec(factory, seed);
      auto running = factory.create(spec);
      std::vector<engine::Trial> history;
      complete(history, running->suggest(history, 3));
      const std::string state = running->save_state();

      // The engine restarts: a new instance, the stored state, the history from the store.
      auto restarted = factory.create(spec);
      restarted->restore_state(state);
      auto expected = running->suggest(history, 3);
      auto actual = restarted->suggest(history, 3);
      REQUIRE(expected.suggestions.size() == 3);
      CHECK(keys_of(actual) == keys_of(expected));
    }
  });
}

TEST_CASE("conformance: create() on a space no algorithm can use throws a located error",
          "[algorithms][conformance]") {
  for_each_algorithm([](const AlgorithmFactory& factory) {
    auto spec =
        make_spec(factory.name(), {int_param("layers", 5, 1)}, settings_for(factory.name()));
    try {
      factory.create(spec)->suggest({}, 1);
      FAIL("create() accepted min above max");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kInvalidArgument);
      CHECK_THAT(e.field_path(), Catch::StartsWith("spec.parameters[0]"));
    }
  });
}

}  // namespace sextant::test
