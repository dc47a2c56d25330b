// NAS conformance: every registered algorithm either searches spec.nasConfig with valid Katib
// ENAS assignments or rejects it with nas_not_supported; `random` over architectures; Katib's
// two NAS examples (../shared/conformance/katib) through the loader with the built-in algorithms.
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "algorithms/builtin.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "algorithms/random/random_search.hpp"
#include "engine/spec/spec_loader.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"
#include "tests/algorithms/nas_test_support.hpp"
#include "tests/support/shared_dir.hpp"

namespace sextant::test {
namespace {

using algorithms::NasSpace;
using engine::TrialState;

// Algorithms that search spec.nasConfig; every other one must reject it.
const std::set<std::string> kArchitectureSearchers = {"enas", "random", "regularized-evolution"};
// Searches nothing itself: its one assignment is checked in darts_test.cpp.
const std::set<std::string> kArchitectureHandOff = {"darts"};

const engine::AlgorithmRegistry& registry() {
  static const engine::AlgorithmRegistry instance = [] {
    engine::AlgorithmRegistry r;
    algorithms::register_builtin_algorithms(r);
    return r;
  }();
  return instance;
}

bool knows(const engine::AlgorithmFactory& factory, const std::string& setting) {
  auto known = factory.known_settings();
  return std::find(known.begin(), known.end(), setting) != known.end();
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string with_algorithm(std::string text, const std::string& algorithm) {
  const std::string key = "algorithmName: ";
  const auto at = text.find(key);
  REQUIRE(at != std::string::npos);
  const auto end = text.find('\n', at);
  return text.replace(at + key.size(), end - at - key.size(), algorithm);
}

std::string describe(const std::vector<engine::SpecProblem>& problems) {
  std::string text;
  for (const auto& p : problems) text += p.path + ": " + p.message + "\n";
  return text;
}

// "" when the assignment is Katib's ENAS pair for an architecture of `space`.
std::string architecture_problem(const NasSpace& space, const engine::Assignment& assignment) {
  if (assignment.size() != 2) return "has " + std::to_string(assignment.size()) + " values";
  if (assignment[0].name != "architecture" || assignment[1].name != "nn_config")
    return "names " + assignment[0].name + ", " + assignment[1].name;
  auto a = algorithms::architecture_of(make_trial(0, assignment), space);
  if (!a) return "architecture " + assignment[0].value + " is not one of the space";
  if (assignment[1].value != algorithms::nn_config_text(space, *a)) return "nn_config differs";
  return "";
}

}  // namespace

TEST_CASE("nas conformance: every algorithm searches a nasConfig or rejects it clearly",
          "[nas][conformance]") {
  const auto names = registry().names();
  for (const auto& name : {"random", "regularized-evolution", "darts"})
    CHECK(std::count(names.begin(), names.end(), name) == 1);
  for (const auto& name : names) {
    INFO("algorithm " << name);
    const auto& factory = *registry().find(name);
    auto spec = parse_nas_spec(kEnasSpec, name);
    auto problems = factory.validate(spec);
    if (kArchitectureSearchers.count(name) || kArchitectureHandOff.count(name)) {
      INFO(describe(problems));
      CHECK(problems.empty());
    } else {
      REQUIRE(problems.size() == 1);
      CHECK(problems[0].path == "spec.algorithm.algorithmName");
      CHECK(problems[0].message == name +
                                       " does not search spec.nasConfig; use enas, darts, "
                                       "regularized-evolution or random");
    }
  }
}

TEST_CASE("nas conformance: architecture searchers suggest valid, reproducible architectures",
          "[nas][conformance]") {
  for (const auto& name : registry().names()) {
    if (!kArchitectureSearchers.count(name)) continue;
    DYNAMIC_SECTION("algorithm " << name) {
      const auto& factory = *registry().find(name);
      auto spec =
          parse_nas_spec(spec_test::replace(kEnasSpec, "numLayers: 1", "numLayers: 3"), name);
      if (knows(factory, "random_state")) spec.algorithm.settings.push_back({"random_state", "7"});
      REQUIRE(factory.validate(spec).empty());
      const auto space = NasSpace::from_spec(spec);
      auto algorithm = factory.create(spec);
      std::vector<engine::Trial> history;
      for (int round = 0; round < 8; ++round) {
        auto batch = algorithm->suggest(history, 3);
        REQUIRE(batch.suggestions.size() == 3);
        CHECK_FALSE(batch.exhausted);
        for (const auto& s : batch.suggestions) {
          INFO("round " << round << ": " << key_of(s.assignment));
          CHECK(architecture_problem(space, s.assignment) == "");
          const bool failed = history.size() % 5 == 4;
          auto a = algorithms::architecture_of(make_trial(0, s.assignment), space);
          history.push_back(make_trial(
              history.size(), s.assignment, failed ? TrialState::kFailed : TrialState::kSucceeded,
              failed || !a ? std::nullopt : std::optional<double>(a->ops[0] % 7 + a->ops[2] % 3)));
        }
      }
      if (knows(factory, "random_state")) {
        auto again = factory.create(spec);
        again->restore_state(algorithm->save_state());
        CHECK(keys_of(again->suggest(history, 3)) == keys_of(algorithm->suggest(history, 3)));
      }
    }
  }
}

TEST_CASE("nas conformance: random over architectures never repeats and is exhausted",
          "[nas][conformance]") {
  const algorithms::RandomSearchFactory factory;
  // 2 layers over 3 operations: 3 * 3 * 2 = 18 architectures.
  auto spec = parse_nas_spec(small_nas_spec(2), "random");
  spec.algorithm.settings = {{"random_state", "5"}};
  REQUIRE(factory.validate(spec).empty());
  const auto space = NasSpace::from_spec(spec);
  auto algorithm = factory.create(spec);
  std::vector<engine::Trial> history;
  std::set<std::string> seen;
  bool exhausted = false;
  for (int round = 0; round < 10 && !exhausted; ++round) {
    auto batch = algorithm->suggest(history, 4);
    exhausted = batch.exhausted;
    for (const auto& s : batch.suggestions) {
      CHECK(architecture_problem(space, s.assignment) == "");
      CHECK(seen.insert(s.assignment[0].value).second);
    }
    // Pending, failed and completed trials all count as proposed.
    const TrialState states[] = {TrialState::kRunning, TrialState::kFailed, TrialState::kSucceeded,
                                 TrialState::kCreated};
    for (size_t i = 0; i < batch.suggestions.size(); ++i)
      history.push_back(
          make_trial(history.size(), batch.suggestions[i].assignment, states[i],
                     states[i] == TrialState::kSucceeded ? std::optional(1.0) : std::nullopt));
    if (!exhausted) CHECK(batch.suggestions.size() == 4);
  }
  CHECK(exhausted);
  CHECK(seen.size() == 18);
  auto after = algorithm->suggest(history, 2);
  CHECK(after.suggestions.empty());
  CHECK(after.exhausted);
  // All at once, from an empty history: exactly the space.
  auto at_once = factory.create(spec)->suggest({}, 30);
  CHECK(at_once.suggestions.size() == 18);
  CHECK(at_once.exhausted);
}

TEST_CASE("nas conformance: random over architectures is seeded like random",
          "[nas][conformance]") {
  const algorithms::RandomSearchFactory factory;
  auto spec =
      parse_nas_spec(spec_test::replace(kEnasSpec, "numLayers: 1", "numLayers: 4"), "random");
  spec.algorithm.settings = {{"random_state", "42"}};
  auto batch = factory.create(spec)->suggest({}, 5);
  REQUIRE(batch.suggestions.size() == 5);
  // Trial i's draw depends on (seed, i) only: the same draws one trial later in the history.
  std::vector<engine::Trial> history;
  history.push_back(make_trial(0, batch.suggestions[0].assignment, TrialState::kRunning));
  auto rest = factory.create(spec)->suggest(history, 4);
  REQUIRE(rest.suggestions.size() == 4);
  for (size_t i = 0; i < 4; ++i)
    CHECK(key_of(rest.suggestions[i].assignment) == key_of(batch.suggestions[i + 1].assignment));
  // Another seed, other architectures; no seed: one is drawn and kept in the state.
  spec.algorithm.settings = {{"random_state", "43"}};
  CHECK(keys_of(factory.create(spec)->suggest({}, 5)) != keys_of(batch));
  spec.algorithm.settings.clear();
  auto unseeded = factory.create(spec);
  auto first = unseeded->suggest({}, 3);
  auto restored = factory.create(spec);
  restored->restore_state(unseeded->save_state());
  CHECK(keys_of(restored->suggest({}, 3)) == keys_of(first));
  // A bad random_state is reported at its path.
  spec.algorithm.settings = {{"random_state", "-3"}};
  auto problems = factory.validate(spec);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.algorithm.algorithmSettings[0].value");
}

TEST_CASE("nas conformance: random and regularized-evolution need ENAS's graph sizes",
          "[nas][conformance]") {
  auto no_sizes = spec_test::replace(kEnasSpec, "      outputSizes: [10]\n", "");
  for (const std::string name : {"random", "regularized-evolution"}) {
    INFO(name);
    auto problems = registry().find(name)->validate(parse_nas_spec(no_sizes, name));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "spec.nasConfig.graphConfig.outputSizes");
  }
}

TEST_CASE("nas conformance: Katib's NAS examples load and run with the built-in algorithms",
          "[nas][conformance]") {
  const auto dir = testing::require_conformance_dir();
  const engine::SpecCatalog catalog{&registry(), nullptr};
  const std::string enas = read_file(dir / "nas_enas-cpu.yaml");
  const std::string darts = read_file(dir / "nas_darts-cpu.yaml");
  REQUIRE_FALSE(enas.empty());
  REQUIRE_FALSE(darts.empty());

  // The ENAS space under random and regularized evolution: 106 operations, one layer.
  for (const std::string name : {"random", "regularized-evolution"}) {
    INFO(name);
    auto spec =
        engine::parse_experiment(with_algorithm(enas, name), "nas_enas-cpu.yaml", dir, catalog);
    const auto space = NasSpace::from_spec(spec);
    CHECK(space.operations.size() == 106);
    auto batch = registry().find(name)->create(spec)->suggest({}, 3);
    REQUIRE(batch.suggestions.size() == 3);
    for (const auto& s : batch.suggestions) CHECK(architecture_problem(space, s.assignment) == "");
  }
  // An algorithm of spec.parameters is refused at the algorithm's name.
  try {
    engine::parse_experiment(with_algorithm(enas, "tpe"), "nas_enas-cpu.yaml", dir, catalog);
    FAIL("tpe accepted a nasConfig");
  } catch (const engine::SpecError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].path == "spec.algorithm.algorithmName");
    CHECK_THAT(e.diagnostics()[0].message, Catch::Contains("does not search spec.nasConfig"));
  }

  // Katib's DARTS example: its one trial's assignments, byte for byte.
  auto spec = engine::parse_experiment(darts, "nas_darts-cpu.yaml", dir, catalog);
  auto result = registry().find("darts")->create(spec)->suggest({}, 1);
  REQUIRE(result.suggestions.size() == 1);
  const auto& a = result.suggestions[0].assignment;
  REQUIRE(a.size() == 3);
  CHECK(a[0].value ==
        "{'num_epochs': '1', 'w_lr': 0.025, 'w_lr_min': 0.001, 'w_momentum': 0.9, "
        "'w_weight_decay': 0.0003, 'w_grad_clip': 5.0, 'alpha_lr': 0.0003, "
        "'alpha_weight_decay': 0.001, 'batch_size': 128, 'num_workers': 4, 'init_channels': "
        "'1', 'print_step': 50, 'num_nodes': '1', 'stem_multiplier': '1'}");
  CHECK(a[1].value == "['max_pooling_3x3']");
  CHECK(a[2].value == "1");
  // The DARTS example has no graph sizes: ENAS-style search refuses it where they are missing.
  try {
    engine::parse_experiment(with_algorithm(darts, "random"), "nas_darts-cpu.yaml", dir, catalog);
    FAIL("random accepted a nasConfig without inputSizes");
  } catch (const engine::SpecError& e) {
    std::set<std::string> paths;
    for (const auto& d : e.diagnostics()) paths.insert(d.path);
    CHECK(paths.count("spec.nasConfig.graphConfig.inputSizes") == 1);
    CHECK(paths.count("spec.nasConfig.graphConfig.outputSizes") == 1);
  }
}

}  // namespace sextant::test
