// pbt: generation 0, synchronous generations, exploit (copy of a top member, its parent label),
// explore (perturbations within bounds, resampling), labels, re-queue of failed members,
// determinism, restarts and settings validation.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/pbt/pbt_factory.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::PbtFactory;
using engine::AlgorithmSetting;
using engine::TrialState;

constexpr const char* kGeneration = "pbt.suggestion.katib.kubeflow.org/generation";
constexpr const char* kParent = "pbt.suggestion.katib.kubeflow.org/parent";
constexpr const char* kMember = "sextant.pbt/member";

const std::vector<std::string> kOptimizers = {"sgd", "adam", "rmsprop"};
const std::vector<std::string> kBatches = {"16", "32", "64", "128"};

std::vector<ParameterSpec> pbt_space() {
  return {double_param("lr", 0.001, 1),  // no step: continuous
          int_param("layers", 1, 10), list_param("opt", ParameterType::kCategorical, kOptimizers),
          list_param("bs", ParameterType::kDiscrete, kBatches), double_param("drop", 0, 0.5, 0.1)};
}

engine::ExperimentSpec pbt_spec(const std::string& population, const std::string& threshold,
                                std::vector<AlgorithmSetting> extra = {{"random_state", "3"}},
                                engine::ObjectiveType type = engine::ObjectiveType::kMinimize) {
  std::vector<AlgorithmSetting> settings = {{"n_population", population},
                                            {"truncation_threshold", threshold},
                                            {"suggestion_trial_dir", "/var/checkpoints"}};
  settings.insert(settings.end(), extra.begin(), extra.end());
  auto spec = make_spec("pbt", pbt_space(), settings);
  spec.objective.type = type;
  return spec;
}

double number(const engine::Assignment& a, const std::string& name) {
  auto x = parse_full_double(*engine::find_value(a, name));
  REQUIRE(x);
  return *x;
}

std::string value(const engine::Assignment& a, const std::string& name) {
  return *engine::find_value(a, name);
}

std::string label(const engine::Suggestion& s, const char* key) {
  auto it = s.labels.find(key);
  return it == s.labels.end() ? "" : it->second;
}

void append_running(std::vector<engine::Trial>& history, const engine::SuggestResult& r) {
  for (const auto& s : r.suggestions) {
    auto t = make_trial(history.size(), s.assignment, TrialState::kRunning);
    t.labels = s.labels;
    history.push_back(std::move(t));
  }
}

double objective_of(const engine::Assignment& a) {
  return number(a, "lr") + 0.01 * number(a, "layers");
}

void succeed(engine::Trial& t) {
  t.state = TrialState::kSucceeded;
  t.objective = objective_of(t.assignment);
}

// A generation proposed and completed: the history grows by its trials.
std::vector<engine::Trial> run_generation_zero(engine::Algorithm& algorithm, size_t population) {
  std::vector<engine::Trial> history;
  auto first = algorithm.suggest(history, 1000);
  REQUIRE(first.suggestions.size() == population);
  append_running(history, first);
  for (auto& t : history) succeed(t);
  return history;
}

// The two values a perturbation of v can give on the grid min + k*step, computed without the
// algorithm's code: v*0.8 and v*1.2 clamped and rounded to the grid; a product that rounds back
// to v moves one step instead.
std::set<double> grid_neighbours(double v, double min, double max, double step) {
  std::set<double> out;
  const double count = std::round((max - min) / step);
  const double k = std::round((v - min) / step);
  for (double factor : {0.8, 1.2}) {
    const double target = std::clamp(v * factor, min, max);
    double to = std::round((target - min) / step);
    if (to == k && target != v) to = target > v ? std::min(k + 1, count) : std::max(k - 1, 0.0);
    out.insert(std::round((min + to * step) * 1e9) / 1e9);
  }
  return out;
}

void check_explored(const engine::Assignment& from, const engine::Assignment& to) {
  INFO("from " << key_of(from) << " to " << key_of(to));
  CHECK(assignment_problem(engine::SearchSpace{pbt_space()}, to) == "");
  const double lr = number(from, "lr");
  std::set<std::string> lrs = {engine::format_double(std::clamp(lr * 0.8, 0.001, 1.0)),
                               engine::format_double(std::clamp(lr * 1.2, 0.001, 1.0))};
  CHECK(lrs.count(value(to, "lr")));
  CHECK(grid_neighbours(number(from, "layers"), 1, 10, 1).count(number(to, "layers")));
  CHECK(grid_neighbours(number(from, "drop"), 0, 0.5, 0.1)
            .count(std::round(number(to, "drop") * 1e9) / 1e9));
  // Categorical: the previous or next entry, wrapping; with 3 entries, any other one.
  CHECK(value(to, "opt") != value(from, "opt"));
  const auto b = std::find(kBatches.begin(), kBatches.end(), value(from, "bs")) - kBatches.begin();
  std::set<std::string> batches = {kBatches[std::max<long>(b - 1, 0)],
                                   kBatches[std::min<long>(b + 1, 3)]};
  CHECK(batches.count(value(to, "bs")));
}

}  // namespace

TEST_CASE("pbt: generation 0 is n_population labelled random members", "[algorithms][pbt]") {
  auto algorithm = PbtFactory().create(pbt_spec("10", "0.2"));
  auto part = algorithm->suggest({}, 4);
  CHECK(part.suggestions.size() == 4);
  auto result = algorithm->suggest({}, 1000);
  REQUIRE(result.suggestions.size() == 10);
  CHECK_FALSE(result.exhausted);
  std::set<std::string> keys;
  for (size_t j = 0; j < result.suggestions.size(); ++j) {
    const auto& s = result.suggestions[j];
    CHECK(assignment_problem(engine::SearchSpace{pbt_space()}, s.assignment) == "");
    CHECK(label(s, kGeneration) == "0");
    CHECK(label(s, kMember) == std::to_string(j));
    CHECK(label(s, kParent) == "");
    CHECK(label(s, engine::kResumeFromLabel) == "");
    keys.insert(key_of(s.assignment));
  }
  CHECK(keys.size() == 10);
  const auto all = keys_of(result);
  CHECK(keys_of(part) == std::vector<std::string>(all.begin(), all.begin() + 4));
}

TEST_CASE("pbt: the next generation starts only when every member has completed",
          "[algorithms][pbt]") {
  auto algorithm = PbtFactory().create(pbt_spec("6", "0.2"));
  std::vector<engine::Trial> history;
  append_running(history, algorithm->suggest(history, 100));
  REQUIRE(history.size() == 6);
  auto none = algorithm->suggest(history, 100);
  CHECK(none.suggestions.empty());
  CHECK_FALSE(none.exhausted);
  for (size_t k = 0; k < 5; ++k) succeed(history[k]);
  auto still = algorithm->suggest(history, 100);
  CHECK(still.suggestions.empty());  // history[5] still runs
  CHECK_FALSE(still.exhausted);
  history[5].state = TrialState::kEarlyStopped;  // a result too
  history[5].objective = objective_of(history[5].assignment);
  auto next = algorithm->suggest(history, 100);
  REQUIRE(next.suggestions.size() == 6);
  CHECK_FALSE(next.exhausted);
  for (const auto& s : next.suggestions) CHECK(label(s, kGeneration) == "1");
}

TEST_CASE("pbt: the bottom members copy a top member, the others explore from themselves",
          "[algorithms][pbt]") {
  for (auto type : {engine::ObjectiveType::kMinimize, engine::ObjectiveType::kMaximize}) {
    INFO(engine::to_string(type));
    auto spec = pbt_spec("10", "0.2", {{"random_state", "5"}}, type);
    auto algorithm = PbtFactory().create(spec);
    auto history = run_generation_zero(*algorithm, 10);

    // Ranking, independently: k = floor(10 * 0.2) = 2 at each end.
    std::vector<size_t> order(10);
    for (size_t j = 0; j < 10; ++j) order[j] = j;
    const double sign = type == engine::ObjectiveType::kMinimize ? 1 : -1;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return sign * *history[a].objective < sign * *history[b].objective;
    });
    const std::set<std::string> top = {history[order[0]].name, history[order[1]].name};
    const std::set<size_t> bottom = {order[8], order[9]};

    auto next = algorithm->suggest(history, 1000);
    REQUIRE(next.suggestions.size() == 10);
    std::map<std::string, const engine::Trial*> by_name;
    for (const auto& t : history) by_name[t.name] = &t;
    size_t copies = 0;
    for (size_t j = 0; j < 10; ++j) {
      const auto& s = next.suggestions[j];
      INFO("member " << j);
      CHECK(label(s, kGeneration) == "1");
      CHECK(label(s, kMember) == std::to_string(j));
      const std::string parent = label(s, kParent);
      CHECK(label(s, engine::kResumeFromLabel) == parent);
      REQUIRE(by_name.count(parent));
      if (bottom.count(j)) {
        CHECK(top.count(parent));
        CHECK(key_of(s.assignment) == key_of(by_name[parent]->assignment));
        ++copies;
      } else {
        CHECK(parent == history[j].name);
        check_explored(history[j].assignment, s.assignment);
      }
    }
    CHECK(copies == 2);
  }
}

TEST_CASE("pbt: resample_probability redraws parameters instead of perturbing them",
          "[algorithms][pbt]") {
  auto algorithm = PbtFactory().create(
      pbt_spec("10", "0", {{"random_state", "8"}, {"resample_probability", "1"}}));
  auto history = run_generation_zero(*algorithm, 10);
  auto next = algorithm->suggest(history, 1000);
  REQUIRE(next.suggestions.size() == 10);
  size_t perturbed = 0;
  for (size_t j = 0; j < 10; ++j) {
    const auto& s = next.suggestions[j];
    CHECK(label(s, kParent) == history[j].name);  // threshold 0: nobody exploits
    CHECK(assignment_problem(engine::SearchSpace{pbt_space()}, s.assignment) == "");
    const double lr = number(history[j].assignment, "lr");
    const std::string v = value(s.assignment, "lr");
    if (v == engine::format_double(lr * 0.8) || v == engine::format_double(lr * 1.2)) ++perturbed;
  }
  CHECK(perturbed == 0);
}

TEST_CASE("pbt: doubles without step are sampled and perturbed continuously", "[algorithms][pbt]") {
  auto result = PbtFactory().create(pbt_spec("40", "0.2"))->suggest({}, 40);
  REQUIRE(result.suggestions.size() == 40);
  std::set<std::string> lrs;
  size_t off_grid = 0;
  for (const auto& v : values_of(result, "lr")) {
    lrs.insert(v);
    const double x = *parse_full_double(v) * 1000;
    if (std::fabs(x - std::round(x)) > 1e-6) ++off_grid;
  }
  CHECK(lrs.size() == 40);
  CHECK(off_grid > 30);  // not a grid of 0.001 steps (Katib would need a step here)
}

TEST_CASE("pbt: a failed member is re-queued once with the same parameters and parent",
          "[algorithms][pbt]") {
  for (auto failure : {TrialState::kFailed, TrialState::kKilled, TrialState::kMetricsUnavailable}) {
    INFO(engine::to_string(failure));
    auto algorithm = PbtFactory().create(pbt_spec("5", "0.2"));
    std::vector<engine::Trial> history;
    append_running(history, algorithm->suggest(history, 100));
    REQUIRE(history.size() == 5);
    history[3].state = failure;

    auto retry = algorithm->suggest(history, 100);
    REQUIRE(retry.suggestions.size() == 1);
    CHECK(key_of(retry.suggestions[0].assignment) == key_of(history[3].assignment));
    CHECK(label(retry.suggestions[0], kMember) == "3");
    CHECK(label(retry.suggestions[0], kGeneration) == "0");
    CHECK(label(retry.suggestions[0], kParent) == "");
    append_running(history, retry);
    history[5].state = failure;  // fails again: no third attempt
    for (size_t k : {0, 1, 2, 4}) succeed(history[k]);
    history[2].objective = -1;  // the best member

    auto next = algorithm->suggest(history, 100);
    REQUIRE(next.suggestions.size() == 5);
    // Member 3 has no result: it ranks last and, with k = 1, copies the best member.
    CHECK(label(next.suggestions[3], kParent) == history[2].name);
    CHECK(key_of(next.suggestions[3].assignment) == key_of(history[2].assignment));
    CHECK(label(next.suggestions[1], kParent) == history[1].name);

    // In a later generation the re-queue keeps the parent (and resumes from it).
    append_running(history, next);
    history[6 + 1].state = failure;
    auto again = algorithm->suggest(history, 100);
    REQUIRE(again.suggestions.size() == 1);
    CHECK(label(again.suggestions[0], kMember) == "1");
    CHECK(label(again.suggestions[0], kGeneration) == "1");
    CHECK(label(again.suggestions[0], kParent) == history[1].name);
    CHECK(label(again.suggestions[0], engine::kResumeFromLabel) == history[1].name);
    CHECK(key_of(again.suggestions[0].assignment) == key_of(history[7].assignment));
  }
}

TEST_CASE("pbt: same seed same output, restarts continue exactly", "[algorithms][pbt]") {
  auto one = PbtFactory().create(pbt_spec("8", "0.25", {{"random_state", "11"}}));
  auto two = PbtFactory().create(pbt_spec("8", "0.25", {{"random_state", "11"}}));
  auto other = PbtFactory().create(pbt_spec("8", "0.25", {{"random_state", "12"}}));
  auto history = run_generation_zero(*one, 8);
  CHECK(keys_of(two->suggest({}, 8)) == keys_of(one->suggest({}, 8)));
  CHECK(keys_of(other->suggest({}, 8)) != keys_of(one->suggest({}, 8)));
  auto a = one->suggest(history, 8);
  auto b = two->suggest(history, 8);
  REQUIRE(a.suggestions.size() == 8);
  CHECK(keys_of(a) == keys_of(b));
  for (size_t j = 0; j < 8; ++j) CHECK(a.suggestions[j].labels == b.suggestions[j].labels);

  // Without random_state the seed is drawn once and travels in the saved state.
  auto unseeded = pbt_spec("8", "0.25", {});
  auto running = PbtFactory().create(unseeded);
  auto own = run_generation_zero(*running, 8);
  auto restarted = PbtFactory().create(unseeded);
  restarted->restore_state(running->save_state());
  CHECK(keys_of(restarted->suggest(own, 8)) == keys_of(running->suggest(own, 8)));
}

TEST_CASE("pbt: settings are checked with their field paths", "[algorithms][pbt]") {
  auto single = [](const engine::ExperimentSpec& spec, const std::string& path,
                   const std::string& text) {
    auto found = PbtFactory().validate(spec);
    INFO(path << ": " << text);
    REQUIRE(found.size() == 1);
    CHECK(found[0].path == path);
    CHECK_THAT(found[0].message, Catch::Contains(text));
  };
  CHECK(PbtFactory().validate(pbt_spec("5", "0")).empty());
  CHECK(PbtFactory().validate(pbt_spec("40", "1", {{"resample_probability", "0.3"}})).empty());
  single(pbt_spec("3", "0.2"), "spec.algorithm.algorithmSettings[0].value",
         "n_population must be an integer between 5 and 100000; found \"3\"");
  single(pbt_spec("5.5", "0.2"), "spec.algorithm.algorithmSettings[0].value", "n_population");
  single(pbt_spec("10", "1.5"), "spec.algorithm.algorithmSettings[1].value",
         "truncation_threshold must be a number between 0 and 1");
  single(pbt_spec("10", "abc"), "spec.algorithm.algorithmSettings[1].value", "found \"abc\"");
  single(pbt_spec("10", "0.2", {{"resample_probability", "2"}}),
         "spec.algorithm.algorithmSettings[3].value", "resample_probability");
  single(pbt_spec("10", "0.2", {{"population", "10"}}), "spec.algorithm.algorithmSettings[3].name",
         "known settings: n_population, truncation_threshold, resample_probability, "
         "suggestion_trial_dir, random_state");
  for (const std::string required :
       {"n_population", "truncation_threshold", "suggestion_trial_dir"}) {
    auto spec = pbt_spec("10", "0.2");
    auto& settings = spec.algorithm.settings;
    settings.erase(std::find_if(settings.begin(), settings.end(),
                                [&](const AlgorithmSetting& s) { return s.name == required; }));
    single(spec, "spec.algorithm.algorithmSettings", "pbt needs the setting " + required);
  }
  try {
    PbtFactory().create(pbt_spec("3", "0.2"));
    FAIL("create() accepted n_population 3");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(e.field_path() == "spec.algorithm.algorithmSettings[0].value");
  }
}

}  // namespace sextant::test
