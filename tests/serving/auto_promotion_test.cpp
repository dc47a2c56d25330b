// spec.promotion's decision (better by the margin, worse, equal, both directions, missing values)
// and the shared promotion core (registry changed only after a successful rollout).
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "engine/store/store.hpp"
#include "serving/promote/auto_promotion.hpp"
#include "serving/promote/promote_trial.hpp"
#include "serving/registry/model_registry.hpp"
#include "tests/e2e/process.hpp"
#include "tests/serving/model_fixtures.hpp"

using namespace sextant;
using namespace sextant::serving;
using sextant::testing::TempDir;

namespace {

engine::PromotionSpec with_margin(double margin) {
  engine::PromotionSpec spec;
  spec.model = "m";
  spec.margin = margin;
  return spec;
}

PromotionCandidate candidate(double value, engine::ObjectiveType type,
                             const std::string& trial = "exp-b-1") {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return {"exp-b", trial, "accuracy", type, value, text};
}

ModelVersion production_version(int64_t version = 2, const std::string& experiment = "exp-a",
                                const std::string& trial = "exp-a-7") {
  ModelVersion v;
  v.model = "m";
  v.version = version;
  v.experiment = experiment;
  v.trial = trial;
  v.metrics = {{"accuracy", "0.975"}, {"objective", "0.975"}};
  return v;
}

constexpr auto kMax = engine::ObjectiveType::kMaximize;
constexpr auto kMin = engine::ObjectiveType::kMinimize;

}  // namespace

TEST_CASE("auto-promotion: no production version promotes") {
  auto d =
      decide_auto_promotion(with_margin(0.5), candidate(0.1, kMax), std::nullopt, std::nullopt);
  CHECK(d.action == AutoPromotionAction::kPromote);
}

TEST_CASE("auto-promotion: maximize promotes only when better by the margin") {
  auto prod = production_version();
  auto better = decide_auto_promotion(with_margin(0.005), candidate(0.981, kMax), prod, 0.975);
  CHECK(better.action == AutoPromotionAction::kPromote);
  CHECK(better.reason == "accuracy 0.981 beats version 2's 0.975 by 0.006, margin 0.005");

  auto barely = decide_auto_promotion(with_margin(0.005), candidate(0.976, kMax), prod, 0.975);
  CHECK(barely.action == AutoPromotionAction::kNotBetter);
  CHECK(barely.reason == "accuracy 0.976 beats version 2's 0.975 by only 0.001 (margin 0.005)");

  // Exactly the margin counts, although 0.98 - 0.975 is not exactly 0.005 in binary.
  auto exact = decide_auto_promotion(with_margin(0.005), candidate(0.98, kMax), prod, 0.975);
  CHECK(exact.action == AutoPromotionAction::kPromote);

  auto worse = decide_auto_promotion(with_margin(0), candidate(0.9, kMax), prod, 0.975);
  CHECK(worse.action == AutoPromotionAction::kNotBetter);
  CHECK_THAT(worse.reason, Catch::Contains("is worse than version 2's 0.975"));

  // Equal is not better, even with margin 0.
  auto equal = decide_auto_promotion(with_margin(0), candidate(0.975, kMax), prod, 0.975);
  CHECK(equal.action == AutoPromotionAction::kNotBetter);
  CHECK_THAT(equal.reason, Catch::Contains("is no better than"));

  auto tiny = decide_auto_promotion(with_margin(0), candidate(0.9751, kMax), prod, 0.975);
  CHECK(tiny.action == AutoPromotionAction::kPromote);
}

TEST_CASE("auto-promotion: minimize promotes a lower value by the margin") {
  auto prod = production_version();
  CHECK(decide_auto_promotion(with_margin(0.01), candidate(0.10, kMin), prod, 0.12).action ==
        AutoPromotionAction::kPromote);
  auto short_of = decide_auto_promotion(with_margin(0.05), candidate(0.10, kMin), prod, 0.12);
  CHECK(short_of.action == AutoPromotionAction::kNotBetter);
  CHECK_THAT(short_of.reason, Catch::Contains("by only 0.02 (margin 0.05)"));
  // A higher value is worse when minimizing, by however much.
  auto higher = decide_auto_promotion(with_margin(0), candidate(0.5, kMin), prod, 0.12);
  CHECK(higher.action == AutoPromotionAction::kNotBetter);
  CHECK_THAT(higher.reason, Catch::Contains("is worse than") && Catch::Contains("minimize"));
  CHECK(decide_auto_promotion(with_margin(0), candidate(0.12, kMin), prod, 0.12).action ==
        AutoPromotionAction::kNotBetter);
}

TEST_CASE("auto-promotion: production from the same experiment and trial is left alone") {
  auto prod = production_version(3, "exp-b", "exp-b-1");
  // Even with a value that would otherwise win: no duplicate version of the same model.
  auto d = decide_auto_promotion(with_margin(0), candidate(0.99, kMax, "exp-b-1"), prod, 0.5);
  CHECK(d.action == AutoPromotionAction::kAlreadyServing);
  CHECK_THAT(d.reason, Catch::Contains("already is trial exp-b-1 of exp-b"));
  // Another trial of the same experiment (a resumed run found a better one) is compared.
  CHECK(decide_auto_promotion(with_margin(0), candidate(0.99, kMax, "exp-b-4"), prod, 0.5).action ==
        AutoPromotionAction::kPromote);
}

TEST_CASE("auto-promotion: a production version without the metric is not compared") {
  auto prod = production_version();
  prod.metrics = {{"loss", "0.2"}};
  auto value = recorded_value(prod, "accuracy", "loss");
  CHECK_FALSE(value.has_value());
  auto d = decide_auto_promotion(with_margin(0), candidate(0.99, kMax), prod, value);
  CHECK(d.action == AutoPromotionAction::kNotComparable);
  CHECK_THAT(d.reason, Catch::Contains("has no recorded value of accuracy"));

  auto genotype = candidate(0.99, kMax);
  genotype.value.reset();
  genotype.value_text = "[[conv3x3]]";
  CHECK(decide_auto_promotion(with_margin(0), genotype, production_version(), 0.975).action ==
        AutoPromotionAction::kNotComparable);
}

TEST_CASE("auto-promotion: the recorded value is the objective when the metric was the objective") {
  auto prod = production_version();
  prod.metrics = {{"accuracy", "0.95"}, {"objective", "0.97"}};  // max strategy, latest lower
  CHECK(recorded_value(prod, "accuracy", "accuracy").value_or(-1) == Approx(0.97));
  // The source experiment optimized another metric: its "objective" is not accuracy.
  CHECK(recorded_value(prod, "accuracy", "loss").value_or(-1) == Approx(0.95));
  CHECK(recorded_value(prod, "accuracy", "").value_or(-1) == Approx(0.95));
  prod.metrics = {{"accuracy", "unavailable"}};
  CHECK_FALSE(recorded_value(prod, "accuracy", "").has_value());
  prod.metrics = {{"accuracy", 0.5}};
  CHECK(recorded_value(prod, "accuracy", "").value_or(-1) == Approx(0.5));
}

namespace {

// A promoter that succeeds or fails as told and remembers what it was asked.
class ScriptedPromoter : public engine::Promoter {
 public:
  explicit ScriptedPromoter(bool fail) : fail_(fail) {}
  std::string name() const override { return "scripted"; }
  std::vector<std::string> plan(const engine::PromotionRequest&) const override { return {}; }
  engine::PromotionOutcome promote(const engine::PromotionRequest& request) override {
    requests.push_back(request);
    if (fail_) throw Error(ErrorCode::kUnavailable, "cannot reach the target");
    return {"/repo/" + request.model + "/" + std::to_string(request.version), {"loaded"}};
  }
  engine::PromotionOutcome rollback(const engine::PromotionRequest&) override { return {}; }
  std::vector<engine::PromotionRequest> requests;

 private:
  bool fail_;
};

engine::Trial trial_with_model(const TempDir& dir, const std::string& name, const char* accuracy) {
  engine::Trial t;
  t.name = name;
  t.experiment = "exp";
  t.state = engine::TrialState::kSucceeded;
  t.artifact = (dir / name).string();
  t.observation = {{"accuracy", accuracy, accuracy, accuracy}};
  t.objective_text = accuracy;
  testing::write_json(dir / name / "sextant-mlp.json", testing::constant_mlp(1.0));
  return t;
}

}  // namespace

TEST_CASE("promotion core: the registry changes only after the promoter succeeded") {
  TempDir dir;
  auto store = engine::Store::open(dir / "core.db", engine::Store::Mode::kReadWrite);
  ModelRegistry registry(*store);
  engine::ExperimentRecord record;
  record.name = "exp";

  auto first = prepare_promotion(registry, record, trial_with_model(dir, "exp-1", "0.9"), "m",
                                 "local", "", 0);
  CHECK(first.request.version == 1);
  CHECK(first.request.format == "sextant-mlp");
  CHECK_FALSE(first.previous);
  ScriptedPromoter ok(false);
  auto done = carry_out_promotion(registry, ok, first, "tester");
  CHECK(done.version.version == 1);
  CHECK(done.version.stage == Stage::kProduction);
  CHECK(done.version.metrics["accuracy"] == "0.9");
  CHECK(done.version.location == "/repo/m/1");

  auto second = prepare_promotion(registry, record, trial_with_model(dir, "exp-2", "0.95"), "m",
                                  "local", "", 0);
  CHECK(second.request.version == 2);
  REQUIRE(second.previous);
  CHECK(second.request.previous_version == 1);
  ScriptedPromoter broken(true);
  CHECK_THROWS_AS(carry_out_promotion(registry, broken, second, "tester"), Error);
  CHECK(broken.requests.size() == 1);
  CHECK(registry.versions("m").size() == 1);
  CHECK(registry.production("m")->version == 1);
  auto history = registry.history("m");
  REQUIRE(history.size() == 2);
  CHECK(history.back().result == "failed");
  CHECK_THAT(history.back().message, Catch::Contains("cannot reach the target"));

  // A trial that saved nothing is refused before any promoter is asked.
  engine::Trial empty;
  empty.name = "exp-3";
  empty.artifact = (dir / "nothing").string();
  std::filesystem::create_directories(empty.artifact);
  CHECK_THROWS_WITH(prepare_promotion(registry, record, empty, "m", "local", "", 0),
                    Catch::Contains("saved no model"));
}
