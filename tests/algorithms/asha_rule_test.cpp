// asha as an early-stopping rule: rung crossings, the top-1/eta test, brackets, max_resource,
// advice and settings validation, on recorded learning curves.
#include <catch2/catch.hpp>

#include "algorithms/asha/asha_rule.hpp"
#include "algorithms/builtin.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::AshaRuleFactory;
using engine::ObjectiveType;
using engine::TrialState;
using Points = std::vector<std::pair<int64_t, double>>;
using Settings = std::vector<engine::AlgorithmSetting>;

// An experiment's trials and curves, and the rule under test.
class Curves {
 public:
  explicit Curves(std::vector<engine::AlgorithmSetting> settings,
                  ObjectiveType type = ObjectiveType::kMaximize) {
    spec_ = make_spec("random", {double_param("lr", 0.001, 0.1)});
    spec_.objective.type = type;
    spec_.objective.objective_metric_name = "accuracy";
    spec_.early_stopping = engine::AlgorithmSpec{"asha", std::move(settings)};
    AshaRuleFactory factory;
    std::string problems;
    for (const auto& p : factory.validate(spec_)) problems += p.path + ": " + p.message + "\n";
    INFO(problems);
    REQUIRE(problems.empty());
    rule_ = factory.create(spec_);
  }

  // A trial with its whole recorded curve; returns its index.
  size_t add(TrialState state, const Points& points) {
    engine::Trial t = make_trial(trials_.size(), {{"lr", "0.01"}}, state);
    for (const auto& [step, value] : points) curves_.add(t.name, step, value);
    trials_.push_back(std::move(t));
    return trials_.size() - 1;
  }

  // Trial `index` reports `value` at a new newest `step`: what the rule decides, asked as the
  // controller asks it.
  engine::StopDecision report(size_t index, int64_t step, double value) {
    const bool newest = curves_.add(trials_[index].name, step, value);
    REQUIRE(newest);
    return rule_->evaluate(trials_[index], trials_, curves_);
  }

  // A new running trial that reports `points` one by one: the decision after the last one.
  // Every earlier report must have been a "continue".
  engine::StopDecision run(const Points& points) {
    const size_t index = add(TrialState::kRunning, {});
    engine::StopDecision decision;
    for (size_t i = 0; i < points.size(); ++i) {
      INFO("report " << i << " at step " << points[i].first);
      if (i > 0) REQUIRE_FALSE(decision.stop);
      decision = report(index, points[i].first, points[i].second);
    }
    return decision;
  }

 private:
  engine::ExperimentSpec spec_;
  std::unique_ptr<engine::EarlyStopper> rule_;
  std::vector<engine::Trial> trials_;
  engine::LearningCurves curves_;
};

std::vector<engine::AlgorithmSetting> eta3() {
  return {{"min_resource", "1"}, {"reduction_factor", "3"}};
}

// The accuracy of a peer at `step`: `start` at step 1, rising by 0.01 a step.
double peer_value(double start, int64_t step) {
  return start + 0.01 * static_cast<double>(step - 1);
}

// Peers in `state` that reported steps 1 to 9, one per start value.
void add_peers(Curves& c, std::vector<double> starts, TrialState state = TrialState::kSucceeded) {
  for (double start : starts) {
    Points points;
    for (int64_t step = 1; step <= 9; ++step) points.push_back({step, peer_value(start, step)});
    c.add(state, points);
  }
}

}  // namespace

TEST_CASE("asha rule: a trial clearly worse at its rung than its peers is stopped",
          "[algorithms][asha]") {
  Curves c(eta3());
  add_peers(c, {0.5, 0.6, 0.7}, TrialState::kSucceeded);
  add_peers(c, {0.8}, TrialState::kEarlyStopped);
  add_peers(c, {0.9}, TrialState::kRunning);
  // 6 trials reached rung 1 (step 1), finished, stopped and running alike: the top
  // floor(6/3) = 2 continue, 0.9 and 0.8.
  auto decision = c.run({{1, 0.2}});
  CHECK(decision.stop);
  CHECK(decision.message ==
        "accuracy 0.2 at step 1 is not in the top 1/3 of the 6 trials that reached rung 1 "
        "(needed 0.8 or better)");
}

TEST_CASE("asha rule: the best trial at a rung continues, and the top 1/eta with it",
          "[algorithms][asha]") {
  Curves c(eta3());
  add_peers(c, {0.5, 0.6, 0.7, 0.8, 0.9});
  auto best = c.run({{1, 0.95}});
  CHECK_FALSE(best.stop);
  CHECK(best.message.empty());
  // 7 at rung 1 with this one: the top 2 continue, and 0.905 is second.
  CHECK_FALSE(c.run({{1, 0.905}}).stop);
  // Third of 8: floor(8/3) = 2, stopped.
  CHECK(c.run({{1, 0.9}}).stop);
}

TEST_CASE("asha rule: ties count in the trial's favour", "[algorithms][asha]") {
  Curves c(eta3());
  add_peers(c, {0.5, 0.6, 0.7, 0.8, 0.9});
  // 0.8 at step 1 ties with the second best: in the top 2 of 6.
  CHECK_FALSE(c.run({{1, 0.8}}).stop);
  // 0.79 is third of 7: stopped.
  CHECK(c.run({{1, 0.79}}).stop);
}

TEST_CASE("asha rule: the first trial at a rung always continues", "[algorithms][asha]") {
  Curves c(eta3());
  // Peers that stopped at step 5: nobody reached rung 9 before.
  for (double v : {0.8, 0.85, 0.9}) c.add(TrialState::kEarlyStopped, {{1, v}, {3, v}, {5, v}});
  // Worst everywhere, but alone at rung 9: it is kept (n = 1, quota max(1, 0) = 1).
  auto first = c.run({{1, 0.95}, {3, 0.95}, {9, 0.1}});
  CHECK_FALSE(first.stop);
  // The second at rung 9 faces n = 2, quota 1: it continues when it beats the first...
  CHECK_FALSE(c.run({{1, 0.95}, {3, 0.96}, {9, 0.2}}).stop);
  // ... and the third (n = 3, quota 1) stops when it does not beat the best.
  CHECK(c.run({{1, 0.97}, {3, 0.97}, {9, 0.15}}).stop);
}

TEST_CASE("asha rule: decisions happen only when a report crosses a rung", "[algorithms][asha]") {
  Curves c(eta3());
  add_peers(c, {0.5, 0.6, 0.7, 0.8, 0.9});
  const size_t t = c.add(TrialState::kRunning, {});
  CHECK_FALSE(c.report(t, 1, 0.95).stop);  // rung 1: best
  CHECK_FALSE(c.report(t, 2, 0.0).stop);   // step 2 crosses no rung: however bad, no decision
  CHECK(c.report(t, 3, 0.0).stop);         // rung 3: worst of 6
}

TEST_CASE("asha rule: minimize and maximize rank in opposite directions", "[algorithms][asha]") {
  for (auto type : {ObjectiveType::kMinimize, ObjectiveType::kMaximize}) {
    INFO(engine::to_string(type));
    Curves c(eta3(), type);
    add_peers(c, {0.5, 0.6, 0.7, 0.8, 0.9});
    const bool minimize = type == ObjectiveType::kMinimize;
    auto low = c.run({{1, 0.1}});
    auto high = c.run({{1, 1.5}});
    CHECK(low.stop == !minimize);
    CHECK(high.stop == minimize);
    // 7 at rung 1: 0.1, 0.5, ..., 0.9, 1.5; the second lowest is the bar when minimizing.
    if (minimize) CHECK_THAT(high.message, Catch::EndsWith("(needed 0.5 or better)"));
  }
}

TEST_CASE("asha rule: brackets offset the rungs and keep their trials apart",
          "[algorithms][asha]") {
  auto settings = eta3();
  settings.push_back({"brackets", "2"});
  Curves c(settings);
  // Sequences 1..6 alternate brackets 0, 1, 0, 1, ...
  add_peers(c, {0.5, 0.1, 0.6, 0.2, 0.7, 0.3});
  // Sequence 7: bracket 0, rungs 1, 3, 9: judged at step 1 against 0.5, 0.6, 0.7 only.
  auto b0 = c.run({{1, 0.4}});
  CHECK(b0.stop);
  CHECK_THAT(b0.message, Catch::Contains("the 4 trials that reached rung 1 of bracket 0"));
  // Sequence 8: bracket 1, rungs 3, 9: no decision at step 1 however bad.
  const size_t b1 = c.add(TrialState::kRunning, {});
  CHECK_FALSE(c.report(b1, 1, 0.0).stop);
  CHECK_FALSE(c.report(b1, 2, 0.0).stop);
  // At step 3, 0.25 is 2nd of bracket 1's 0.12, 0.22, 0.32 and itself: quota 1, stopped; the
  // bracket-0 trials (0.52 and up) are not its competitors.
  auto at3 = c.report(b1, 3, 0.25);
  CHECK(at3.stop);
  CHECK_THAT(at3.message, Catch::Contains("the 4 trials that reached rung 3 of bracket 1"));
  CHECK_THAT(at3.message, Catch::Contains("(needed " + engine::format_double(peer_value(0.3, 3)) +
                                          " or better)"));
  // Sequence 9 is bracket 0 again: 0.34 at step 3 would lead bracket 1 but is last in bracket 0.
  CHECK(c.run({{3, 0.34}}).stop);
  // Sequence 10 is bracket 1: the same value leads there.
  CHECK_FALSE(c.run({{3, 0.34}}).stop);
}

TEST_CASE("asha rule: no decision at or beyond max_resource", "[algorithms][asha]") {
  for (bool capped : {true, false}) {
    INFO((capped ? "max_resource 9" : "no max_resource"));
    auto settings = eta3();
    if (capped) settings.push_back({"max_resource", "9"});
    Curves c(settings);
    add_peers(c, {0.5, 0.6, 0.7, 0.8, 0.9});
    // Best at rungs 1 and 3, worst at step 9.
    auto decision = c.run({{1, 0.95}, {3, 0.95}, {9, 0.0}});
    CHECK(decision.stop == !capped);
    if (capped) {
      auto after = c.run({{1, 0.95}, {3, 0.95}, {9, 0.0}, {27, 0.0}, {100, 0.0}});
      CHECK_FALSE(after.stop);
      CHECK(after.message.empty());
    }
  }
}

TEST_CASE("asha rule: a report that crosses two rungs is decided at the higher one",
          "[algorithms][asha]") {
  Curves c(eta3());
  // Peers whose ranking flips between rung 1 and rung 3.
  c.add(TrialState::kSucceeded, {{1, 0.9}, {3, 0.2}, {9, 0.2}});
  c.add(TrialState::kSucceeded, {{1, 0.8}, {3, 0.3}, {9, 0.3}});
  c.add(TrialState::kSucceeded, {{1, 0.7}, {3, 0.4}, {9, 0.4}});
  // From step 0 to step 4: rungs 1 and 3 crossed. Its rung value is 0.5 (step 4, the first
  // reported step >= 3): best at rung 3, so it continues, although at rung 1 it would have been
  // last of 4 and stopped.
  CHECK_FALSE(c.run({{0, 0.0}, {4, 0.5}}).stop);
  auto worse = c.run({{0, 0.0}, {4, 0.35}});
  CHECK(worse.stop);
  CHECK(worse.message ==
        "accuracy 0.35 at step 4 is not in the top 1/3 of the 5 trials that reached rung 3 "
        "(needed 0.5 or better)");
}

TEST_CASE("asha rule: advice when trials end before the first rung", "[algorithms][asha]") {
  Curves c(Settings{{"min_resource", "10"}});
  c.add(TrialState::kFailed, {{1, 0.5}});
  c.add(TrialState::kSucceeded, {{1, 0.5}, {2, 0.6}, {5, 0.7}});
  auto decision = c.run({{1, 0.1}});
  CHECK_FALSE(decision.stop);
  CHECK(decision.message ==
        "succeeded trial algorithm-test-2 reported its last accuracy at step 5, before step 10, "
        "the first rung (min_resource 10): asha cannot stop trials that end that early; lower "
        "min_resource so that the rungs fall within the trials' length");

  // With brackets, the advice names the bracket and its first rung.
  Curves b(Settings{{"min_resource", "2"}, {"brackets", "2"}});
  b.add(TrialState::kSucceeded, {{1, 0.5}, {5, 0.7}});  // bracket 0: reaches its rung 2
  auto bracket1 = b.run({{1, 0.1}});                    // sequence 2: bracket 1, first rung 6
  CHECK_FALSE(bracket1.stop);
  CHECK_THAT(bracket1.message,
             Catch::Contains("before step 6, the first rung of bracket 1 (min_resource 2 * "
                             "reduction_factor^1 = 6)"));
  CHECK_THAT(bracket1.message, Catch::Contains("lower min_resource or brackets"));
}

TEST_CASE("asha rule: no advice when finished trials reach the first rung", "[algorithms][asha]") {
  Curves c(Settings{{"min_resource", "5"}});
  c.add(TrialState::kSucceeded, {{1, 0.5}, {5, 0.7}});
  c.add(TrialState::kFailed, {{1, 0.5}});  // failed early: says nothing about the length
  auto decision = c.run({{1, 0.1}});
  CHECK_FALSE(decision.stop);
  CHECK(decision.message.empty());
}

TEST_CASE("asha rule: settings are validated at their field paths", "[algorithms][asha]") {
  AshaRuleFactory factory;
  auto problems_of = [&](std::vector<engine::AlgorithmSetting> settings) {
    auto spec = make_spec("random", {double_param("lr", 0.001, 0.1)});
    spec.early_stopping = engine::AlgorithmSpec{"asha", std::move(settings)};
    return factory.validate(spec);
  };
  CHECK(problems_of({}).empty());
  CHECK(problems_of({{"min_resource", "0.5"},
                     {"max_resource", "81"},
                     {"reduction_factor", "3"},
                     {"brackets", "5"}})
            .empty());

  struct Case {
    std::vector<engine::AlgorithmSetting> settings;
    std::string path;
    std::string message;
  };
  const std::string base = "spec.earlyStopping.algorithmSettings";
  const std::vector<Case> cases = {
      {{{"reduction_factor", "1"}}, base + "[0].value", "reduction_factor must be an integer >= 2"},
      {{{"reduction_factor", "2.5"}}, base + "[0].value", "found \"2.5\""},
      {{{"min_resource", "0"}}, base + "[0].value", "min_resource must be a number > 0"},
      {{{"min_resource", "-1"}}, base + "[0].value", "min_resource must be a number > 0"},
      {{{"max_resource", "ten"}}, base + "[0].value", "max_resource must be a number > 0"},
      {{{"min_resource", "4"}, {"max_resource", "3"}},
       base + "[1].value",
       "max_resource (3) must be >= min_resource (4)"},
      {{{"brackets", "0"}}, base + "[0].value", "brackets must be an integer >= 1"},
      {{{"max_resource", "10"}, {"brackets", "4"}},
       base + "[1].value",
       "the first rung of bracket 3 (min_resource * reduction_factor^3) is 27, beyond "
       "max_resource 10; at most 3 brackets fit"},
      {{{"brackets", "100"}}, base + "[0].value", "beyond 2^53"},
      {{{"grace_period", "1"}},
       base + "[0].name",
       "known settings: min_resource, max_resource, reduction_factor, brackets"},
      {{{"resource_name", "epochs"}}, base + "[0].name", "unknown setting \"resource_name\""},
  };
  for (const auto& c : cases) {
    auto problems = problems_of(c.settings);
    INFO(c.path << ": " << c.message);
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == c.path);
    CHECK_THAT(problems[0].message, Catch::Contains(c.message));
  }

  // create() on settings that were not validated throws at the same path.
  auto spec = make_spec("random", {double_param("lr", 0.001, 0.1)});
  spec.early_stopping = engine::AlgorithmSpec{"asha", {{"reduction_factor", "1"}}};
  try {
    factory.create(spec);
    FAIL("create() accepted reduction_factor 1");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(e.field_path() == base + "[0].value");
  }
}

TEST_CASE("asha rule: registered as an early-stopping rule", "[algorithms][asha]") {
  engine::EarlyStopperRegistry registry;
  algorithms::register_builtin_early_stopping(registry);
  const auto* factory = registry.find("asha");
  REQUIRE(factory != nullptr);
  CHECK(factory->name() == "asha");
}

}  // namespace sextant::test
