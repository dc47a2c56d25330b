// ENAS over a NAS space: REINFORCE updates from new results, fresh architectures from the
// controller, and the saved state.
#include "algorithms/enas/enas_search.hpp"

#include <cmath>

#include <nlohmann/json.hpp>

#include "algorithms/common/settings.hpp"
#include "algorithms/enas/architecture_prefixes.hpp"
#include "algorithms/enas/double_codec.hpp"
#include "algorithms/enas/enas_factory.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

namespace {

constexpr uint64_t kInitStream = 0;  // weights; draws of call n use stream 1 + n
constexpr int kRedraws = 8;          // policy draws before the restricted draw
constexpr int kStateVersion = 1;

// Sequence numbers as [first, last] runs: an experiment's trials mostly complete in order.
nlohmann::json runs_of(const std::set<int64_t>& values) {
  nlohmann::json runs = nlohmann::json::array();
  for (auto it = values.begin(); it != values.end();) {
    const int64_t first = *it;
    int64_t last = first;
    while (++it != values.end() && *it == last + 1) ++last;
    runs.push_back({first, last});
  }
  return runs;
}

}  // namespace

EnasSearch::EnasSearch(NasSpace space, engine::ObjectiveType type, const EnasSettings& settings)
    : space_(std::move(space)),
      type_(type),
      settings_(settings),
      seed_(settings.seed ? *settings.seed : random_seed()),
      seed_fixed_(settings.seed.has_value()),
      controller_(space_.num_layers, static_cast<int>(space_.operations.size()),
                  settings.controller, derive_seed(seed_, kInitStream)),
      fresh_(space_) {}

void EnasSearch::learn(const std::vector<engine::Trial>& history) {
  std::vector<Architecture> architectures;
  std::vector<double> advantages;
  for (size_t i = 0; i < history.size(); ++i) {
    const auto& trial = history[i];
    const bool result = trial.state == engine::TrialState::kSucceeded ||
                        trial.state == engine::TrialState::kEarlyStopped;
    if (!result || !trial.objective || !std::isfinite(*trial.objective)) continue;
    const int64_t key = trial.sequence > 0 ? trial.sequence : static_cast<int64_t>(i) + 1;
    if (learned_.count(key)) continue;
    const auto& architecture = fresh_.architecture(i);
    if (!architecture) continue;  // not an architecture of this space (an edited spec)
    learned_.insert(key);
    // The controller maximises its reward.
    const double reward =
        type_ == engine::ObjectiveType::kMinimize ? -*trial.objective : *trial.objective;
    const double decay = settings_.baseline_decay;
    baseline_ = baseline_ ? decay * *baseline_ + (1 - decay) * reward : reward;
    architectures.push_back(*architecture);
    advantages.push_back(reward - *baseline_);
  }
  if (architectures.empty()) return;
  for (int step = 0; step < settings_.train_steps; ++step) {
    controller_.train_step(architectures, advantages);
    if (controller_.steps() % settings_.log_every_steps == 0) ++log_points_;
  }
}

Architecture EnasSearch::fresh_architecture(Rng& rng, const std::vector<engine::Trial>& history,
                                            const std::vector<Architecture>& batch) {
  for (int draw = 0; draw < kRedraws; ++draw) {
    Architecture candidate = controller_.sample(rng);
    if (fresh_.take(candidate)) return candidate;
  }
  // The policy keeps proposing used architectures (it has converged, or the space is nearly
  // full): draw again from it, restricted to decisions that still lead somewhere new.
  ArchitecturePrefixes used(
      decision_arities(space_.num_layers, static_cast<int>(space_.operations.size())));
  for (size_t i = 0; i < history.size(); ++i)
    if (const auto& a = fresh_.architecture(i)) used.insert(architecture_decisions(*a));
  for (const auto& a : batch) used.insert(architecture_decisions(a));
  Architecture candidate = controller_.sample(rng, &used);
  if (!fresh_.take(candidate))
    throw Error(ErrorCode::kInternal, "enas: the restricted draw repeated an architecture");
  return candidate;
}

engine::SuggestResult EnasSearch::suggest(const std::vector<engine::Trial>& history, int count) {
  fresh_.sync(history);
  learn(history);
  engine::SuggestResult result;
  if (count > 0 && !fresh_.exhausted()) {
    Rng rng(derive_seed(seed_, 1 + sample_calls_++));
    std::vector<Architecture> batch;
    while (static_cast<int>(batch.size()) < count && !fresh_.exhausted()) {
      batch.push_back(fresh_architecture(rng, history, batch));
      result.suggestions.push_back({nas_assignment(space_, batch.back()), {}});
    }
  }
  result.exhausted = fresh_.exhausted();
  return result;
}

std::string EnasSearch::save_state() const {
  nlohmann::json state = {
      {"algorithm", "enas"},
      {"version", kStateVersion},
      {"seed", std::to_string(seed_)},
      {"sample_calls", sample_calls_},
      {"log_points", log_points_},
      {"baseline", baseline_ ? nlohmann::json(double_bits_text(*baseline_)) : nlohmann::json()},
      {"learned", runs_of(learned_)},
      {"controller", controller_.save()}};
  return state.dump();
}

void EnasSearch::restore_state(const std::string& text) {
  if (text.empty()) return;
  auto fail = [&](const std::string& why) {
    throw Error(ErrorCode::kInternal,
                "the saved state of algorithm \"enas\" " + why + ": " + text.substr(0, 200));
  };
  const auto state = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!state.is_object() || state.value("algorithm", "") != "enas" ||
      state.value("version", 0) != kStateVersion)
    fail("is not an enas state of version " + std::to_string(kStateVersion));
  try {
    const uint64_t seed = std::stoull(state.at("seed").get<std::string>());
    const auto sample_calls = state.at("sample_calls").get<uint64_t>();
    const auto log_points = state.at("log_points").get<int64_t>();
    std::optional<double> baseline;
    if (!state.at("baseline").is_null()) {
      baseline = parse_double_bits(state.at("baseline").get<std::string>());
      if (!baseline) fail("has an unreadable baseline");
    }
    std::set<int64_t> learned;
    for (const auto& run : state.at("learned")) {
      const auto first = run.at(0).get<int64_t>(), last = run.at(1).get<int64_t>();
      if (last < first || last - first > (int64_t{1} << 24)) fail("has a bad run of trials");
      for (int64_t s = first; s <= last; ++s) learned.insert(s);
    }
    controller_.restore(state.at("controller"));
    if (!seed_fixed_) seed_ = seed;
    sample_calls_ = sample_calls;
    log_points_ = log_points;
    baseline_ = baseline;
    learned_ = std::move(learned);
  } catch (const nlohmann::json::exception& e) {
    fail(std::string("is incomplete (") + e.what() + ")");
  } catch (const std::logic_error&) {  // stoull
    fail("has an unreadable seed");
  }
}

std::vector<std::string> EnasFactory::known_settings() const {
  return enas_known_settings();
}

std::vector<engine::SpecProblem> EnasFactory::validate(const engine::ExperimentSpec& spec) const {
  auto problems = enas_setting_problems(spec);
  for (auto& p : nas_problems(spec, /*need_sizes=*/true)) problems.push_back(std::move(p));
  return problems;
}

std::unique_ptr<engine::Algorithm> EnasFactory::create(const engine::ExperimentSpec& spec) const {
  const EnasSettings settings = read_enas_settings(spec);
  auto problems = nas_problems(spec, /*need_sizes=*/true);
  throw_first_problem(problems);
  return std::make_unique<EnasSearch>(NasSpace::from_spec(spec), spec.objective.type, settings);
}

}  // namespace sextant::algorithms
