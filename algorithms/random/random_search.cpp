// Random search: per-trial derived generators, rejection of repeats, exhaustion of finite spaces.
#include "algorithms/random/random_search.hpp"

#include <charconv>
#include <set>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "algorithms/common/rng.hpp"
#include "algorithms/common/settings.hpp"
#include "algorithms/common/values.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

namespace {
constexpr int kRedraws = 32;
}  // namespace

RandomSearch::RandomSearch(const engine::SearchSpace& space, std::optional<uint64_t> seed,
                           Points points)
    : space_(space), cube_(space), points_(points) {
  auto lattice = Lattice::of(space);
  if (lattice && !lattice->overflowed()) lattice_ = std::move(lattice);
  seed_fixed_ = seed.has_value();
  seed_ = seed ? *seed : random_seed();
  if (points_ == Points::kSobol) sobol_.emplace(cube_.dimensions(), seed_);
}

engine::SuggestResult RandomSearch::suggest(const std::vector<engine::Trial>& history, int count) {
  engine::SuggestResult result;
  std::unordered_set<std::string> seen;
  std::set<uint64_t> used;  // ranks of the lattice points taken, when the space is finite
  for (const auto& trial : history) {
    seen.insert(assignment_key(space_, trial.assignment));
    if (lattice_)
      if (auto digits = lattice_->locate(trial.assignment)) used.insert(lattice_->rank(*digits));
  }
  auto full = [&] { return lattice_ && used.size() >= lattice_->size(); };

  for (int j = 0; j < count && !full(); ++j) {
    const uint64_t position = static_cast<uint64_t>(history.size()) + static_cast<uint64_t>(j);
    Rng rng(derive_seed(seed_, position));
    std::vector<double> point(cube_.dimensions());
    engine::Assignment assignment;
    std::optional<uint64_t> rank;  // of `assignment`, in a finite space
    bool fresh = false;
    for (int attempt = 0; attempt < kRedraws && !fresh; ++attempt) {
      if (attempt == 0 && sobol_)
        point = sobol_->point(position);  // the trial's place in the sequence
      else
        for (auto& u : point) u = rng.uniform();
      assignment = cube_.assignment_at(point);
      if (lattice_) {
        // Matching by lattice point also catches history values written differently ("0.30").
        auto digits = lattice_->locate(assignment);
        rank = digits ? std::optional(lattice_->rank(*digits)) : std::nullopt;
        fresh = rank && !used.count(*rank);
      } else {
        fresh = !seen.count(assignment_key(space_, assignment));
      }
    }
    if (!fresh && lattice_) {
      // A crowded finite space: walk from a random point to the next unused one. Terminates
      // because used.size() < size(); costs at most one step per used point.
      uint64_t next = rng.below(lattice_->size());
      while (used.count(next)) next = (next + 1) % lattice_->size();
      assignment = lattice_->assignment(lattice_->digits(next));
      rank = next;
    }
    if (rank) used.insert(*rank);
    seen.insert(assignment_key(space_, assignment));
    result.suggestions.push_back({std::move(assignment), {}});
  }
  result.exhausted = full();
  return result;
}

std::string RandomSearch::save_state() const {
  // The seed as a string: JSON readers in other languages lose precision above 2^53.
  return nlohmann::json{{"seed", std::to_string(seed_)}}.dump();
}

void RandomSearch::restore_state(const std::string& state) {
  if (state.empty()) return;
  auto json = nlohmann::json::parse(state, nullptr, /*allow_exceptions=*/false);
  std::optional<uint64_t> seed;
  if (json.is_object() && json.contains("seed") && json["seed"].is_string()) {
    // All 64 bits: seeds from random_device exceed the int64 range of parse_whole_number.
    const std::string text = json["seed"].get<std::string>();
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) seed = value;
  }
  if (!seed)
    throw Error(ErrorCode::kInternal,
                "the saved state of algorithm \"random\" is not {\"seed\":\"<integer>\"}: " +
                    state.substr(0, 200));
  if (!seed_fixed_) {
    seed_ = *seed;
    if (sobol_) sobol_.emplace(cube_.dimensions(), seed_);
  }
}

std::vector<std::string> RandomSearchFactory::known_settings() const {
  return {kRandomState};
}

std::vector<engine::SpecProblem> RandomSearchFactory::validate(
    const engine::ExperimentSpec& spec) const {
  auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(), kSettingsPath);
  check_random_state(spec.algorithm, problems);
  if (spec.parameters.empty())
    problems.push_back({"spec.parameters", "random needs at least one parameter"});
  for (auto& p : log_scale_problems(spec.parameters)) problems.push_back(std::move(p));
  return problems;
}

std::unique_ptr<engine::Algorithm> RandomSearchFactory::create(
    const engine::ExperimentSpec& spec) const {
  return std::make_unique<RandomSearch>(spec.parameters, random_state(spec.algorithm));
}

}  // namespace sextant::algorithms
