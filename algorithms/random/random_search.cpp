// Random search: per-trial derived generators, rejection of repeats, exhaustion of finite spaces.
#include "algorithms/random/random_search.hpp"

#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/rng.hpp"
#include "algorithms/common/seed_state.hpp"
#include "algorithms/common/settings.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "algorithms/random/random_architecture_search.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

RandomSearch::RandomSearch(const engine::SearchSpace& space, std::optional<uint64_t> seed,
                           Points points)
    : space_(space), cube_(space), points_(points), fresh_(space_, cube_) {
  seed_ = AlgorithmSeed(seed);
  if (points_ == Points::kSobol) sobol_.emplace(cube_.dimensions(), seed_.value());
}

engine::SuggestResult RandomSearch::suggest(const std::vector<engine::Trial>& history, int count) {
  engine::SuggestResult result;
  fresh_.sync(history);
  for (int j = 0; j < count && !fresh_.exhausted(); ++j) {
    const uint64_t position = static_cast<uint64_t>(history.size()) + static_cast<uint64_t>(j);
    Rng rng(derive_seed(seed_.value(), position));
    std::optional<engine::Assignment> assignment;
    if (sobol_)
      assignment = fresh_.take(sobol_->point(position));  // the trial's place in the sequence
    if (!assignment) assignment = fresh_.take_random(rng);
    result.suggestions.push_back({std::move(*assignment), {}});
  }
  result.exhausted = fresh_.exhausted();
  return result;
}

std::string RandomSearch::save_state() const {
  return seed_.save();
}

void RandomSearch::restore_state(const std::string& state) {
  if (seed_.restore(state, "random") && sobol_) sobol_.emplace(cube_.dimensions(), seed_.value());
}

std::vector<std::string> RandomSearchFactory::known_settings() const {
  return {kRandomState};
}

std::vector<engine::SpecProblem> RandomSearchFactory::validate(
    const engine::ExperimentSpec& spec) const {
  auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(), kSettingsPath);
  check_random_state(spec.algorithm, problems);
  if (spec.nas_config) {  // random over architectures (random_architecture_search.hpp)
    for (auto& p : nas_problems(spec, /*need_sizes=*/true)) problems.push_back(std::move(p));
    return problems;
  }
  if (spec.parameters.empty())
    problems.push_back({"spec.parameters", "random needs at least one parameter"});
  for (auto& p : log_scale_problems(spec.parameters)) problems.push_back(std::move(p));
  return problems;
}

std::unique_ptr<engine::Algorithm> RandomSearchFactory::create(
    const engine::ExperimentSpec& spec) const {
  if (spec.nas_config)
    return std::make_unique<RandomArchitectureSearch>(NasSpace::from_spec(spec),
                                                      random_state(spec.algorithm));
  return std::make_unique<RandomSearch>(spec.parameters, random_state(spec.algorithm));
}

}  // namespace sextant::algorithms
