// ENAS: the controller's gradients against finite differences, learning from a synthetic reward,
// the search's suggestions, state, settings and nasConfig validation.
#include <bit>
#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/enas/architecture_prefixes.hpp"
#include "algorithms/enas/double_codec.hpp"
#include "algorithms/enas/enas_controller.hpp"
#include "algorithms/enas/enas_factory.hpp"
#include "algorithms/enas/enas_search.hpp"
#include "algorithms/enas/enas_settings.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"
#include "tests/algorithms/nas_test_support.hpp"

namespace sextant::test {
namespace {

using algorithms::Architecture;
using algorithms::EnasController;
using algorithms::EnasControllerConfig;
using algorithms::EnasFactory;
using algorithms::EnasSearch;
using engine::AlgorithmSetting;
using engine::TrialState;

// A Katib nasConfig with `operations` convolutions (filter sizes 1, 3, 5, ...).
engine::ExperimentSpec nas_spec(int layers, int operations,
                                std::vector<AlgorithmSetting> settings = {},
                                engine::ObjectiveType type = engine::ObjectiveType::kMaximize) {
  auto spec = make_spec("enas", {}, std::move(settings));
  spec.objective.type = type;
  nlohmann::json sizes = nlohmann::json::array();
  for (int k = 0; k < operations; ++k) sizes.push_back(std::to_string(2 * k + 1));
  spec.nas_config = nlohmann::json{
      {"graphConfig", {{"numLayers", layers}, {"inputSizes", {32, 32, 3}}, {"outputSizes", {10}}}},
      {"operations",
       {{{"operationType", "convolution"},
         {"parameters",
          {{{"name", "filter_size"},
            {"parameterType", "categorical"},
            {"feasibleSpace", {{"list", sizes}}}}}}}}}};
  return spec;
}

algorithms::NasSpace space_of(const engine::ExperimentSpec& spec) {
  return algorithms::NasSpace::from_spec(spec);
}

std::unique_ptr<EnasSearch> make_search(const engine::ExperimentSpec& spec) {
  EnasFactory factory;
  auto problems = factory.validate(spec);
  std::string text;
  for (const auto& p : problems) text += p.path + ": " + p.message + "\n";
  INFO(text);
  REQUIRE(problems.empty());
  auto algorithm = factory.create(spec);
  auto* search = dynamic_cast<EnasSearch*>(algorithm.get());
  REQUIRE(search != nullptr);
  algorithm.release();
  return std::unique_ptr<EnasSearch>(search);
}

Architecture architecture_in(const engine::Assignment& assignment,
                             const algorithms::NasSpace& space) {
  engine::Trial trial;
  trial.assignment = assignment;
  auto architecture = algorithms::architecture_of(trial, space);
  REQUIRE(architecture.has_value());
  return *architecture;
}

// Completes every suggestion with objective(architecture).
template <class Objective>
void complete_all(std::vector<engine::Trial>& history, const engine::SuggestResult& result,
                  const algorithms::NasSpace& space, Objective objective) {
  for (const auto& s : result.suggestions)
    history.push_back(make_trial(history.size(), s.assignment, TrialState::kSucceeded,
                                 objective(architecture_in(s.assignment, space))));
}

std::vector<std::string> architectures_of(const engine::SuggestResult& result) {
  return values_of(result, "architecture");
}

// The central difference of f along parameter i.
template <class F>
double numeric_derivative(EnasController& controller, Eigen::Index i, F f) {
  const double h = 1e-6;
  const double saved = controller.parameters()[i];
  controller.parameters()[i] = saved + h;
  const double up = f();
  controller.parameters()[i] = saved - h;
  const double down = f();
  controller.parameters()[i] = saved;
  return (up - down) / (2 * h);
}

// Every parameter's analytic derivative against the numeric one.
template <class F>
void check_gradient(EnasController& controller, const Eigen::VectorXd& analytic, F f) {
  REQUIRE(analytic.size() == controller.parameters().size());
  int nonzero = 0;
  double worst = 0;
  for (Eigen::Index i = 0; i < analytic.size(); ++i) {
    const double numeric = numeric_derivative(controller, i, f);
    const double error = std::fabs(numeric - analytic[i]) / std::max(1e-4, std::fabs(numeric));
    worst = std::max(worst, error);
    if (std::fabs(analytic[i]) > 1e-9) ++nonzero;
    INFO("parameter " << i << ": analytic " << analytic[i] << ", numeric " << numeric);
    REQUIRE(error < 1e-4);
  }
  // Nearly every weight takes part (a few embedding columns of unused operations do not).
  CHECK(nonzero > analytic.size() * 3 / 4);
  CHECK(worst < 1e-4);
}

const std::vector<Architecture> kArchitectures = {
    {{2, 0, 1, 2}, {{}, {1}, {0, 1}, {1, 1, 0}}},
    {{0, 0, 2, 1}, {{}, {0}, {1, 1}, {0, 0, 0}}},
    {{1, 2, 0, 0}, {{}, {1}, {1, 0}, {1, 0, 1}}},
};

}  // namespace

TEST_CASE("enas: decisions follow Katib's layer listing and round-trip", "[algorithms][enas]") {
  const Architecture a{{2, 0, 1}, {{}, {1}, {0, 1}}};
  CHECK(algorithms::architecture_decisions(a) == std::vector<int>{2, 0, 1, 1, 0, 1});
  CHECK(algorithms::architecture_from_decisions({2, 0, 1, 1, 0, 1}, 3) == a);
  CHECK(algorithms::decision_arities(3, 5) == std::vector<int>{5, 5, 2, 5, 2, 2});
}

TEST_CASE("enas: doubles survive the codec bit for bit", "[algorithms][enas]") {
  const std::vector<double> values = {0.0, -0.0, 1.0 / 3.0, -1e-310, 1e308, 42.5, -7};
  for (size_t n = 0; n <= values.size(); ++n) {  // every padding length
    auto text = algorithms::encode_doubles(values.data(), n);
    auto back = algorithms::decode_doubles(text);
    REQUIRE(back.has_value());
    REQUIRE(back->size() == n);
    for (size_t i = 0; i < n; ++i)
      CHECK(std::bit_cast<uint64_t>((*back)[i]) == std::bit_cast<uint64_t>(values[i]));
  }
  CHECK(algorithms::encode_doubles(values.data(), 1) == "AAAAAAAAAAA=");
  CHECK_FALSE(algorithms::decode_doubles("AAAA").has_value());  // 3 bytes: not a double
  CHECK_FALSE(algorithms::decode_doubles("AAAAAAAAAA*=").has_value());
  CHECK(*algorithms::parse_double_bits(algorithms::double_bits_text(-2.75)) == -2.75);
  CHECK_FALSE(algorithms::parse_double_bits("xyz").has_value());
}

TEST_CASE("enas: sampled architectures have the controller's shape and use every choice",
          "[algorithms][enas]") {
  EnasControllerConfig config;
  config.hidden_size = 16;
  EnasController controller(5, 4, config, 7);
  algorithms::Rng rng(3);
  std::set<int> ops_seen;
  int skips = 0, skip_slots = 0;
  std::set<std::vector<int>> distinct;
  for (int n = 0; n < 200; ++n) {
    auto a = controller.sample(rng);
    REQUIRE(a.ops.size() == 5);
    REQUIRE(a.skips.size() == 5);
    for (int l = 0; l < 5; ++l) {
      REQUIRE(a.skips[l].size() == static_cast<size_t>(l));
      CHECK(a.ops[l] >= 0);
      CHECK(a.ops[l] < 4);
      ops_seen.insert(a.ops[l]);
      for (int bit : a.skips[l]) {
        CHECK((bit == 0 || bit == 1));
        skips += bit;
        ++skip_slots;
      }
    }
    distinct.insert(algorithms::architecture_decisions(a));
  }
  CHECK(ops_seen.size() == 4);
  // Untrained, the policy is close to uniform: about half the skips, nearly all distinct.
  CHECK(skips > skip_slots * 0.4);
  CHECK(skips < skip_slots * 0.6);
  CHECK(distinct.size() > 190);
}

TEST_CASE("enas: the same seed gives the same controller and draws", "[algorithms][enas]") {
  EnasControllerConfig config;
  config.hidden_size = 8;
  EnasController a(3, 3, config, 11), b(3, 3, config, 11), c(3, 3, config, 12);
  CHECK(a.parameters() == b.parameters());
  CHECK(a.parameters() != c.parameters());
  CHECK(a.parameters().maxCoeff() < 0.1);
  CHECK(a.parameters().minCoeff() > -0.1);
  algorithms::Rng r1(5), r2(5);
  for (int n = 0; n < 10; ++n) CHECK(a.sample(r1) == b.sample(r2));
}

TEST_CASE("enas: evaluate() matches the sampling distribution", "[algorithms][enas]") {
  // Over all 3 * 3 * 2 architectures of a 2-layer space, the probabilities sum to one, and the
  // sampling frequencies follow them.
  EnasControllerConfig config;
  config.hidden_size = 8;
  config.temperature.reset();  // no temperature: a less uniform policy
  EnasController controller(2, 3, config, 21);
  controller.parameters() *= 20.0;
  std::map<std::vector<int>, double> probability;
  double total = 0;
  for (int op0 = 0; op0 < 3; ++op0)
    for (int op1 = 0; op1 < 3; ++op1)
      for (int skip = 0; skip < 2; ++skip) {
        Architecture a{{op0, op1}, {{}, {skip}}};
        const double p = std::exp(controller.evaluate(a).log_prob);
        probability[algorithms::architecture_decisions(a)] = p;
        total += p;
      }
  CHECK(total == Approx(1.0).epsilon(1e-12));
  std::map<std::vector<int>, int> counts;
  algorithms::Rng rng(8);
  const int draws = 20000;
  for (int n = 0; n < draws; ++n)
    ++counts[algorithms::architecture_decisions(controller.sample(rng))];
  for (const auto& [decisions, p] : probability) {
    const double expected = p * draws;
    INFO("p = " << p);
    CHECK(std::fabs(counts[decisions] - expected) < 5 * std::sqrt(expected + 1));
  }
}

TEST_CASE("enas: the gradient of log pi matches finite differences", "[algorithms][enas]") {
  struct Case {
    const char* name;
    EnasControllerConfig config;
  };
  EnasControllerConfig plain;
  plain.single_precision = false;  // finite differences need double
  plain.hidden_size = 4;
  plain.temperature.reset();
  plain.tanh_const.reset();
  EnasControllerConfig katib;  // temperature 5 and tanh 2.25
  katib.single_precision = false;
  katib.hidden_size = 4;
  for (const auto& c : {Case{"Katib's defaults", katib}, Case{"no temperature, no tanh", plain}}) {
    INFO(c.name);
    EnasController controller(4, 3, c.config, 5);
    controller.parameters() *= 5.0;  // away from the near-linear regime of the initial weights
    for (const auto& architecture : kArchitectures) {
      Eigen::VectorXd gradient;
      const double value = controller.log_prob(architecture, &gradient);
      CHECK(value < 0);
      CHECK(value == controller.evaluate(architecture).log_prob);
      check_gradient(controller, gradient,
                     [&] { return controller.log_prob(architecture, nullptr); });
    }
  }
}

TEST_CASE("enas: the gradient of the full loss matches finite differences", "[algorithms][enas]") {
  EnasControllerConfig config;
  config.single_precision = false;
  config.hidden_size = 4;
  config.entropy_weight = 0.3;  // large, so the entropy and penalty terms weigh in the check
  config.skip_weight = 0.7;
  config.skip_target = 0.2;
  for (bool tanh : {true, false}) {
    INFO("tanh " << tanh);
    if (!tanh) config.tanh_const.reset();
    EnasController controller(4, 3, config, 9);
    controller.parameters() *= 5.0;
    const std::vector<double> advantages = {0.8, -1.3, 0.25};
    Eigen::VectorXd gradient;
    const double value = controller.loss(kArchitectures, advantages, &gradient);

    // The loss is what its definition says, from evaluate().
    double expected = 0;
    for (size_t i = 0; i < kArchitectures.size(); ++i) {
      auto e = controller.evaluate(kArchitectures[i]);
      CHECK(e.entropy > 0);
      CHECK(e.skip_penalty > 0);
      expected += -advantages[i] * e.log_prob - 0.3 * e.entropy + 0.7 * e.skip_penalty;
    }
    CHECK(value == Approx(expected / 3).epsilon(1e-12));
    check_gradient(controller, gradient,
                   [&] { return controller.loss(kArchitectures, advantages, nullptr); });

    // Entropy and penalty alone (advantage 0) still have a gradient.
    Eigen::VectorXd regulariser;
    controller.loss({kArchitectures[0]}, {0.0}, &regulariser);
    check_gradient(controller, regulariser,
                   [&] { return controller.loss({kArchitectures[0]}, {0.0}, nullptr); });
  }
}

TEST_CASE("enas: float arithmetic computes the same loss and gradient as double",
          "[algorithms][enas]") {
  EnasControllerConfig config;
  config.hidden_size = 32;
  config.entropy_weight = 0.1;
  EnasController single(4, 3, config, 3);
  config.single_precision = false;
  EnasController twice(4, 3, config, 3);
  REQUIRE(single.parameters() == twice.parameters());
  const std::vector<double> advantages = {0.8, -1.3, 0.25};
  Eigen::VectorXd g1, g2;
  const double l1 = single.loss(kArchitectures, advantages, &g1);
  const double l2 = twice.loss(kArchitectures, advantages, &g2);
  CHECK(l1 == Approx(l2).epsilon(1e-5));
  CHECK(g1 != g2);  // really computed in float
  CHECK((g1 - g2).norm() < 1e-5 * g2.norm());
  CHECK(g1.dot(g2) > 0.99999 * g1.norm() * g2.norm());
}

TEST_CASE("enas: REINFORCE raises the probability of a rewarded operation", "[algorithms][enas]") {
  // Reward 1 when layer 0 runs operation 2, else 0; a moving-average baseline; one Adam step
  // per sampled architecture at learning rate 0.01.
  for (bool rewarded : {true, false}) {
    INFO((rewarded ? "operation 2 rewarded" : "operation 2 punished"));
    EnasControllerConfig config;
    config.hidden_size = 32;
    config.learning_rate = 0.01;
    EnasController controller(3, 4, config, 1);
    const Architecture probe{{0, 0, 0}, {{}, {0}, {0, 0}}};
    const double before = controller.evaluate(probe).operation_probabilities[0][2];
    CHECK(before == Approx(0.25).margin(0.03));
    algorithms::Rng rng(2);
    std::optional<double> baseline;
    for (int update = 0; update < 100; ++update) {
      auto a = controller.sample(rng);
      const double reward = (a.ops[0] == 2) == rewarded ? 1.0 : 0.0;
      baseline = baseline ? 0.9 * *baseline + 0.1 * reward : reward;
      controller.train_step({a}, {reward - *baseline});
    }
    const double after = controller.evaluate(probe).operation_probabilities[0][2];
    INFO("P(op0 = 2): " << before << " -> " << after);
    if (rewarded)
      CHECK(after > 0.6);
    else
      CHECK(after < 0.1);
    CHECK(controller.steps() == 100);
  }
}

TEST_CASE("enas: suggestions are distinct architectures of the space in Katib's format",
          "[algorithms][enas]") {
  auto spec = nas_spec(4, 5, {{"random_state", "3"}});
  auto space = space_of(spec);
  auto search = make_search(spec);
  std::vector<engine::Trial> history;
  std::set<std::string> seen;
  for (int round = 0; round < 3; ++round) {
    auto result = search->suggest(history, 6);
    REQUIRE(result.suggestions.size() == 6);
    CHECK_FALSE(result.exhausted);
    for (const auto& s : result.suggestions) {
      REQUIRE(s.assignment.size() == 2);
      CHECK(s.assignment[0].name == "architecture");
      CHECK(s.assignment[1].name == "nn_config");
      auto a = architecture_in(s.assignment, space);
      CHECK(s.assignment[0].value == algorithms::architecture_text(a));
      CHECK(s.assignment[1].value == algorithms::nn_config_text(space, a));
      CHECK_THAT(s.assignment[1].value, Catch::Contains("'num_layers': 4"));
      CHECK(seen.insert(s.assignment[0].value).second);
    }
    complete_all(history, result, space, [](const Architecture& a) { return a.ops[0] * 0.1; });
  }
  CHECK(search->results_learned() == 12);  // the last round is not yet learned from
  CHECK(search->suggest(history, 0).suggestions.empty());
  CHECK(search->results_learned() == 18);
}

TEST_CASE("enas: Katib's enas-cpu example, through the loader, validates and runs",
          "[algorithms][enas]") {
  // Katib's settings as strings, 3 layers over its 106 operations.
  auto text = spec_test::replace(kEnasSpec, "numLayers: 1", "numLayers: 3");
  text = spec_test::replace(text, "    algorithmName: enas\n",
                            "    algorithmName: enas\n    algorithmSettings:\n"
                            "      - name: controller_temperature\n        value: \"None\"\n"
                            "      - name: controller_train_steps\n        value: \"5\"\n");
  auto spec = parse_nas_spec(text);
  EnasFactory factory;
  CHECK(factory.validate(spec).empty());
  auto search = make_search(spec);
  CHECK_FALSE(search->controller().config().temperature.has_value());
  auto space = space_of(spec);
  REQUIRE(space.operations.size() == 106);
  std::vector<engine::Trial> history;
  for (int round = 0; round < 3; ++round)
    complete_all(history, search->suggest(history, 2), space,
                 [](const Architecture& a) { return a.ops[2] / 106.0; });
  search->suggest(history, 0);
  CHECK(search->controller().steps() == 15);
  std::set<std::string> distinct;
  for (const auto& t : history) distinct.insert(t.assignment[0].value);
  CHECK(distinct.size() == 6);
}

TEST_CASE("enas: random_state fixes the suggestions", "[algorithms][enas]") {
  auto spec = nas_spec(3, 4, {{"random_state", "42"}});
  auto space = space_of(spec);
  auto objective = [](const Architecture& a) { return a.ops[1] == 1 ? 0.9 : 0.3; };
  auto run = [&](const engine::ExperimentSpec& s) {
    auto search = make_search(s);
    std::vector<engine::Trial> history;
    std::vector<std::string> out;
    for (int round = 0; round < 4; ++round) {
      auto result = search->suggest(history, 3);
      for (auto& a : architectures_of(result)) out.push_back(a);
      complete_all(history, result, space, objective);
    }
    return out;
  };
  CHECK(run(spec) == run(spec));
  CHECK(run(spec) != run(nas_spec(3, 4, {{"random_state", "43"}})));
  // Without random_state, two engines draw differently.
  CHECK(run(nas_spec(3, 4)) != run(nas_spec(3, 4)));
}

TEST_CASE("enas: failed trials teach nothing, and results are learned once, in creation order",
          "[algorithms][enas]") {
  auto spec = nas_spec(3, 4, {{"random_state", "5"}, {"controller_train_steps", "7"}});
  auto space = space_of(spec);
  auto search = make_search(spec);
  const Eigen::VectorXd initial = search->controller().parameters();
  auto batch = search->suggest({}, 5);
  std::vector<engine::Trial> history;
  const TrialState states[] = {TrialState::kFailed, TrialState::kMetricsUnavailable,
                               TrialState::kKilled, TrialState::kRunning, TrialState::kCreated};
  for (size_t i = 0; i < 5; ++i)
    history.push_back(make_trial(i, batch.suggestions[i].assignment, states[i]));
  // A Succeeded trial without an objective is not a result either.
  history.push_back(
      make_trial(5, search->suggest(history, 1).suggestions[0].assignment, TrialState::kSucceeded));
  auto more = search->suggest(history, 2);
  CHECK(more.suggestions.size() == 2);
  CHECK(search->results_learned() == 0);
  CHECK(search->controller().steps() == 0);
  CHECK(search->controller().parameters() == initial);
  CHECK_FALSE(search->baseline().has_value());

  // Trial 4 (Running) succeeds, then trial 3 (Created) early-stops with an objective.
  history[3].state = TrialState::kSucceeded;
  history[3].objective = 0.5;
  search->suggest(history, 1);
  CHECK(search->results_learned() == 1);
  CHECK(search->controller().steps() == 7);
  CHECK(*search->baseline() == 0.5);  // the first reward sets the baseline
  history[4].state = TrialState::kEarlyStopped;
  history[4].objective = 1.5;
  search->suggest(history, 1);
  search->suggest(history, 1);  // nothing new: no training
  CHECK(search->results_learned() == 2);
  CHECK(search->controller().steps() == 14);
  CHECK(*search->baseline() == Approx(0.999 * 0.5 + 0.001 * 1.5));
  CHECK(search->log_points() == 1);  // steps 1..14 reach 10 once
}

TEST_CASE("enas: minimize negates the reward, maximize keeps it", "[algorithms][enas]") {
  // Layer 0 running operation 2 is the good choice in all three experiments; in the third the
  // objective rewards it under the wrong sign, so the controller must learn to avoid it.
  struct Case {
    engine::ObjectiveType type;
    double good, bad;
    bool favoured;
  };
  const Case cases[] = {{engine::ObjectiveType::kMaximize, 1.0, 0.0, true},
                        {engine::ObjectiveType::kMinimize, 0.0, 1.0, true},
                        {engine::ObjectiveType::kMinimize, 1.0, 0.0, false}};
  for (const auto& c : cases) {
    INFO(engine::to_string(c.type) << ", objective " << c.good << " for operation 2");
    auto spec = nas_spec(3, 4,
                         {{"random_state", "9"},
                          {"controller_hidden_size", "16"},
                          {"controller_learning_rate", "0.01"},
                          {"controller_baseline_decay", "0.9"},
                          {"controller_train_steps", "3"}},
                         c.type);
    auto space = space_of(spec);
    auto search = make_search(spec);
    std::vector<engine::Trial> history;
    for (int round = 0; round < 30; ++round)
      complete_all(history, search->suggest(history, 2), space,
                   [&](const Architecture& a) { return a.ops[0] == 2 ? c.good : c.bad; });
    search->suggest(history, 0);
    const Architecture probe{{0, 0, 0}, {{}, {0}, {0, 0}}};
    const double p = search->controller().evaluate(probe).operation_probabilities[0][2];
    INFO("P(op0 = 2) = " << p);
    if (c.favoured)
      CHECK(p > 0.6);
    else
      CHECK(p < 0.1);
  }
  // The baseline holds the reward: the objective, negated when minimising.
  for (auto type : {engine::ObjectiveType::kMinimize, engine::ObjectiveType::kMaximize}) {
    auto spec = nas_spec(2, 3, {{"random_state", "1"}}, type);
    auto search = make_search(spec);
    std::vector<engine::Trial> history;
    complete_all(history, search->suggest(history, 1), space_of(spec),
                 [](const Architecture&) { return 3.0; });
    search->suggest(history, 0);
    CHECK(*search->baseline() == (type == engine::ObjectiveType::kMinimize ? -3.0 : 3.0));
  }
}

TEST_CASE("enas: a restored search continues bit-identically", "[algorithms][enas]") {
  for (bool seeded : {true, false}) {
    INFO("random_state " << (seeded ? "7" : "unset"));
    std::vector<AlgorithmSetting> settings = {{"controller_hidden_size", "12"},
                                              {"controller_learning_rate", "0.005"},
                                              {"controller_train_steps", "4"}};
    if (seeded) settings.push_back({"random_state", "7"});
    auto spec = nas_spec(4, 3, settings);
    auto space = space_of(spec);
    auto objective = [](const Architecture& a) { return a.ops[0] + 0.25 * a.skips[3][1]; };
    auto running = make_search(spec);
    std::vector<engine::Trial> history;
    for (int round = 0; round < 3; ++round)
      complete_all(history, running->suggest(history, 2), space, objective);
    running->suggest(history, 1);  // learn from the last round too
    const std::string state = running->save_state();
    // Compact: base64 of the weights and Adam moments (4 characters per 3 bytes), little else.
    const auto weights = static_cast<size_t>(running->controller().parameters().size());
    CHECK(state.size() < 3 * weights * 8 * 4 / 3 + 1000);

    auto restarted = make_search(spec);
    restarted->restore_state(state);
    CHECK(restarted->save_state() == state);
    CHECK(restarted->seed() == running->seed());
    for (int round = 0; round < 3; ++round) {
      auto expected = running->suggest(history, 2);
      auto actual = restarted->suggest(history, 2);
      REQUIRE(expected.suggestions.size() == 2);
      CHECK(architectures_of(actual) == architectures_of(expected));
      complete_all(history, expected, space, objective);
    }
    running->suggest(history, 0);
    restarted->suggest(history, 0);
    CHECK(restarted->controller().parameters() == running->controller().parameters());
    CHECK(restarted->save_state() == running->save_state());
    CHECK(running->controller().steps() == 4 * 6);
  }
}

TEST_CASE("enas: a state of another shape or algorithm is refused", "[algorithms][enas]") {
  auto search = make_search(nas_spec(3, 3, {{"random_state", "1"}}));
  auto other = make_search(nas_spec(4, 3, {{"random_state", "1"}}));
  const std::string bad_states[] = {other->save_state(), R"({"seed":"1"})", "not json",
                                    R"({"algorithm":"enas","version":1})"};
  for (const auto& state : bad_states) {
    INFO(state.substr(0, 80));
    try {
      search->restore_state(state);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kInternal);
      CHECK_THAT(e.message(), Catch::Contains("enas"));
    }
  }
  search->restore_state("");  // nothing saved yet: a fresh start
}

TEST_CASE("enas: a finite space is used up without repeats, then exhausted", "[algorithms][enas]") {
  // 2 layers, 2 operations: 2 * 2 * 2 = 8 architectures.
  auto spec = nas_spec(2, 2, {{"random_state", "4"}});
  auto space = space_of(spec);
  auto search = make_search(spec);
  std::vector<engine::Trial> history;
  append(history, search->suggest(history, 3), TrialState::kRunning);
  complete_all(history, search->suggest(history, 3), space,
               [](const Architecture& a) { return a.ops[0] == 1 ? 1.0 : 0.0; });
  auto last = search->suggest(history, 5);
  CHECK(last.suggestions.size() == 2);
  CHECK(last.exhausted);
  append(history, last, TrialState::kFailed);
  std::set<std::string> all;
  for (const auto& t : history) all.insert(t.assignment[0].value);
  CHECK(all.size() == 8);
  auto after = search->suggest(history, 1);
  CHECK(after.suggestions.empty());
  CHECK(after.exhausted);
  // At once: one layer of three operations.
  auto tiny = make_search(nas_spec(1, 3, {{"random_state", "4"}}))->suggest({}, 5);
  CHECK(tiny.suggestions.size() == 3);
  CHECK(tiny.exhausted);
}

TEST_CASE("enas: a converged controller still proposes only new architectures",
          "[algorithms][enas]") {
  // A policy that almost always picks one architecture: redraws fail, the restricted draw
  // must still find the rest of a 3 * 3 * 2 = 18 architecture space, one by one.
  auto spec = nas_spec(2, 3,
                       {{"random_state", "6"},
                        {"controller_tanh_const", "None"},
                        {"controller_temperature", "None"}});
  auto search = make_search(spec);
  std::vector<engine::Trial> history;
  std::set<std::string> seen;
  for (int n = 0; n < 18; ++n) {
    auto result = search->suggest(history, 1);
    REQUIRE(result.suggestions.size() == 1);
    CHECK(seen.insert(result.suggestions[0].assignment[0].value).second);
    CHECK(result.exhausted == (n == 17));
    append(history, result, TrialState::kFailed);
  }

  algorithms::ArchitecturePrefixes prefixes(algorithms::decision_arities(2, 2));
  CHECK(prefixes.insert({0, 0, 0}));
  CHECK_FALSE(prefixes.insert({0, 0, 0}));
  CHECK(prefixes.insert({0, 0, 1}));
  CHECK_FALSE(prefixes.allowed({0}, 0));  // 0, 0, * is used up
  CHECK(prefixes.allowed({0}, 1));
  CHECK(prefixes.allowed({}, 0));
  CHECK(prefixes.insert({0, 1, 0}));
  CHECK(prefixes.insert({0, 1, 1}));
  CHECK_FALSE(prefixes.allowed({}, 0));
  CHECK_FALSE(prefixes.full());
  for (int a : {0, 1})
    for (int b : {0, 1}) prefixes.insert({1, a, b});
  CHECK(prefixes.full());

  // The controller honours a filter.
  EnasControllerConfig config;
  config.hidden_size = 4;
  EnasController controller(2, 2, config, 1);
  algorithms::ArchitecturePrefixes only_one(algorithms::decision_arities(2, 2));
  for (int a : {0, 1})
    for (int b : {0, 1})
      for (int c : {0, 1})
        if (!(a == 1 && b == 0 && c == 1)) only_one.insert({a, b, c});
  algorithms::Rng rng(1);
  for (int n = 0; n < 5; ++n)
    CHECK(controller.sample(rng, &only_one) == Architecture{{1, 0}, {{}, {1}}});
}

TEST_CASE("enas: settings are checked with Katib's ranges and field paths", "[algorithms][enas]") {
  EnasFactory factory;
  auto problems_for = [&](std::vector<AlgorithmSetting> settings) {
    return factory.validate(nas_spec(3, 3, std::move(settings)));
  };
  CHECK(problems_for({}).empty());
  // Everything valid at its edge, and "None" where Katib allows it.
  CHECK(problems_for({{"controller_hidden_size", "1"},
                      {"controller_temperature", "None"},
                      {"controller_tanh_const", "None"},
                      {"controller_entropy_weight", "None"},
                      {"controller_baseline_decay", "1"},
                      {"controller_learning_rate", "1.0"},
                      {"controller_skip_target", "1"},
                      {"controller_skip_weight", "None"},
                      {"controller_train_steps", "1"},
                      {"controller_log_every_steps", "1"},
                      {"random_state", "0"}})
            .empty());
  const std::pair<AlgorithmSetting, const char*> bad[] = {
      {{"controller_temperature", "0"}, "a number > 0 or \"None\""},
      {{"controller_temperature", "-1"}, "a number > 0 or \"None\""},
      {{"controller_temperature", "abc"}, "a number > 0 or \"None\""},
      {{"controller_temperature", "inf"}, "a number > 0 or \"None\""},
      {{"controller_tanh_const", "nan"}, "a number > 0 or \"None\""},
      {{"controller_entropy_weight", "0"}, "a number > 0 or \"None\""},
      {{"controller_learning_rate", "0"}, "a number in (0, 1]"},
      {{"controller_learning_rate", "1.5"}, "a number in (0, 1]"},
      {{"controller_learning_rate", "None"}, "a number in (0, 1]"},
      {{"controller_baseline_decay", "0"}, "a number in (0, 1]"},
      {{"controller_skip_target", "1.01"}, "a number in (0, 1]"},
      {{"controller_skip_weight", "-0.8"}, "a number > 0 or \"None\""},
      {{"controller_hidden_size", "0"}, "an integer between 1 and 512"},
      {{"controller_hidden_size", "64.0"}, "an integer between 1 and 512"},
      {{"controller_train_steps", "0"}, "an integer between 1 and 10000"},
      {{"controller_log_every_steps", "None"}, "an integer >= 1"},
      {{"random_state", "-3"}, "an integer >= 0"},
  };
  for (const auto& [setting, expected] : bad) {
    INFO(setting.name << " = \"" << setting.value << "\"");
    auto problems = problems_for({{"controller_train_steps", "5"}, setting});
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "spec.algorithm.algorithmSettings[1].value");
    CHECK_THAT(problems[0].message, Catch::Contains(setting.name) && Catch::Contains(expected) &&
                                        Catch::Contains("\"" + setting.value + "\""));
    try {
      factory.create(nas_spec(3, 3, {{"controller_train_steps", "5"}, setting}));
      FAIL("create() accepted it");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::kInvalidArgument);
      CHECK(e.field_path() == "spec.algorithm.algorithmSettings[1].value");
    }
  }

  auto unknown = problems_for({{"controller_hidden_sise", "64"}});
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].path == "spec.algorithm.algorithmSettings[0].name");
  CHECK_THAT(unknown[0].message, Catch::Contains("controller_hidden_sise"));
  for (const auto& known : factory.known_settings())
    CHECK_THAT(unknown[0].message, Catch::Contains(known));
  CHECK(factory.known_settings().size() == 11);
}

TEST_CASE("enas: settings reach the controller", "[algorithms][enas]") {
  auto settings = algorithms::read_enas_settings(nas_spec(2, 2,
                                                          {{"controller_hidden_size", "12"},
                                                           {"controller_temperature", "None"},
                                                           {"controller_tanh_const", "1.5"},
                                                           {"controller_entropy_weight", "None"},
                                                           {"controller_baseline_decay", "0.5"},
                                                           {"controller_learning_rate", "0.02"},
                                                           {"controller_skip_target", "0.3"},
                                                           {"controller_skip_weight", "2"},
                                                           {"controller_train_steps", "9"},
                                                           {"controller_log_every_steps", "3"},
                                                           {"random_state", "17"}}));
  CHECK(settings.controller.hidden_size == 12);
  CHECK_FALSE(settings.controller.temperature.has_value());
  CHECK(settings.controller.tanh_const.value() == 1.5);
  CHECK(settings.controller.entropy_weight == 0.0);
  CHECK(settings.baseline_decay == 0.5);
  CHECK(settings.controller.learning_rate == 0.02);
  CHECK(settings.controller.skip_target == 0.3);
  CHECK(settings.controller.skip_weight == 2.0);
  CHECK(settings.train_steps == 9);
  CHECK(settings.log_every_steps == 3);
  CHECK(settings.seed.value() == 17);
  // Katib's defaults.
  auto defaults = algorithms::read_enas_settings(nas_spec(2, 2));
  CHECK(defaults.controller.hidden_size == 64);
  CHECK(defaults.controller.temperature.value() == 5.0);
  CHECK(defaults.controller.tanh_const.value() == 2.25);
  CHECK(defaults.controller.entropy_weight == 1e-5);
  CHECK(defaults.baseline_decay == 0.999);
  CHECK(defaults.controller.learning_rate == 5e-5);
  CHECK(defaults.controller.skip_target == 0.4);
  CHECK(defaults.controller.skip_weight == 0.8);
  CHECK(defaults.train_steps == 50);
  CHECK(defaults.log_every_steps == 10);
  CHECK_FALSE(defaults.seed.has_value());
  auto search = make_search(nas_spec(2, 2, {{"controller_hidden_size", "12"}}));
  CHECK(search->controller().config().hidden_size == 12);
}

TEST_CASE("enas: the nasConfig is required and checked with Katib's rules", "[algorithms][enas]") {
  EnasFactory factory;
  auto without = make_spec("enas", {int_param("layers", 1, 4)});
  auto problems = factory.validate(without);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.nasConfig");
  CHECK_THAT(problems[0].message, Catch::Contains("enas"));
  CHECK_THROWS_AS(factory.create(without), Error);

  auto no_inputs = nas_spec(3, 3);
  (*no_inputs.nas_config)["graphConfig"].erase("inputSizes");
  problems = factory.validate(no_inputs);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.nasConfig.graphConfig.inputSizes");
  try {
    factory.create(no_inputs);
    FAIL("create() accepted a nasConfig without inputSizes");
  } catch (const Error& e) {
    CHECK(e.field_path() == "spec.nasConfig.graphConfig.inputSizes");
  }

  auto no_layers = nas_spec(3, 3);
  (*no_layers.nas_config)["graphConfig"].erase("numLayers");
  problems = factory.validate(no_layers);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.nasConfig.graphConfig.numLayers");

  // Setting problems and nasConfig problems are reported together.
  auto both = nas_spec(3, 3, {{"controller_learning_rate", "0"}});
  (*both.nas_config)["graphConfig"].erase("outputSizes");
  CHECK(factory.validate(both).size() == 2);
}

// Run by hand (timings do not belong in unit tests): test_algorithms "[.enas-timing]"
TEST_CASE("enas: suggest() timing at hidden size 64 and 8 layers", "[.enas-timing]") {
  for (int batch : {1, 4, 8}) {
    auto spec = nas_spec(8, 6, {{"random_state", "1"}});
    auto space = space_of(spec);
    auto search = make_search(spec);
    std::vector<engine::Trial> history;
    double worst = 0, total = 0, cpu = 0;
    const int rounds = 11;
    for (int round = 0; round < rounds; ++round) {
      const auto start = std::chrono::steady_clock::now();
      const std::clock_t cpu_start = std::clock();
      auto result = search->suggest(history, batch);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (round > 0) {  // every call after the first trains 50 steps on `batch` new results
        worst = std::max(worst, ms);
        total += ms;
        cpu += 1000.0 * static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
      }
      complete_all(history, result, space, [](const Architecture& a) { return a.ops[0] * 0.1; });
    }
    // CPU time is what the call costs; wall time also counts other processes on a busy machine.
    WARN("suggest(" << batch << ") after " << batch << " new results (50 Adam steps): CPU mean "
                    << cpu / (rounds - 1) << " ms; wall mean " << total / (rounds - 1)
                    << " ms, worst " << worst << " ms; saved state " << search->save_state().size()
                    << " bytes");
    CHECK(worst < 100);
  }
}

}  // namespace sextant::test
