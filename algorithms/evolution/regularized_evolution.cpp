// Aging evolution: tournaments on the most recent results, one-step mutants, no repeats.
#include "algorithms/evolution/regularized_evolution.hpp"

#include <cmath>

#include "algorithms/common/rng.hpp"
#include "algorithms/common/settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/evolution/architecture_genomes.hpp"
#include "algorithms/evolution/parameter_genomes.hpp"
#include "algorithms/nas/nas_space.hpp"

namespace sextant::algorithms {

namespace {

// Redraws of a mutation that repeats an individual before a random individual is proposed.
constexpr int kMutationTries = 32;

bool has_result(const engine::Trial& trial) {
  return (trial.state == engine::TrialState::kSucceeded ||
          trial.state == engine::TrialState::kEarlyStopped) &&
         trial.objective && std::isfinite(*trial.objective);
}

}  // namespace

RegularizedEvolution::RegularizedEvolution(std::unique_ptr<GenomeSpace> genomes,
                                           const EvolutionSettings& settings,
                                           engine::ObjectiveType type)
    : genomes_(std::move(genomes)),
      population_size_(settings.population_size),
      sample_size_(std::min(settings.sample_size, settings.population_size)),
      maximize_(type == engine::ObjectiveType::kMaximize),
      seed_(settings.seed) {}

engine::SuggestResult RegularizedEvolution::suggest(const std::vector<engine::Trial>& history,
                                                    int count) {
  engine::SuggestResult result;
  genomes_->sync(history);
  // The population: the population_size most recent results, by creation order.
  std::vector<size_t> population;
  for (size_t i = history.size(); i-- > 0 && population.size() < population_size_;)
    if (has_result(history[i]) && genomes_->is_individual(i)) population.push_back(i);

  for (int j = 0; j < count && !genomes_->exhausted(); ++j) {
    const uint64_t position = static_cast<uint64_t>(history.size()) + static_cast<uint64_t>(j);
    Rng rng(derive_seed(seed_.value(), position));
    engine::Suggestion suggestion;
    if (population.size() == population_size_) {
      const size_t parent = tournament(history, population, rng);
      for (int attempt = 0; attempt < kMutationTries; ++attempt) {
        if (auto child = genomes_->take_mutant(parent, rng)) {
          suggestion.assignment = std::move(*child);
          suggestion.labels[kEvolutionParentLabel] = history[parent].name;
          break;
        }
      }
    }
    if (suggestion.assignment.empty()) suggestion.assignment = genomes_->take_random(rng);
    result.suggestions.push_back(std::move(suggestion));
  }
  result.exhausted = genomes_->exhausted();
  return result;
}

size_t RegularizedEvolution::tournament(const std::vector<engine::Trial>& history,
                                        const std::vector<size_t>& population, Rng& rng) const {
  // Floyd's sampling of sample_size distinct members: O(S^2), whatever the population size.
  const size_t n = population.size();
  std::vector<size_t> sample;
  sample.reserve(sample_size_);
  for (size_t k = n - sample_size_; k < n; ++k) {
    const auto t = static_cast<size_t>(rng.below(k + 1));
    bool present = false;
    for (size_t s : sample) present = present || s == t;
    sample.push_back(present ? k : t);
  }
  size_t best = population[sample.front()];
  for (size_t s : sample) {
    const size_t trial = population[s];
    const double value = *history[trial].objective;
    const double incumbent = *history[best].objective;
    const bool better = maximize_ ? value > incumbent : value < incumbent;
    if (better || (value == incumbent && trial > best)) best = trial;  // ties: the younger
  }
  return best;
}

std::string RegularizedEvolution::save_state() const {
  return seed_.save();
}

void RegularizedEvolution::restore_state(const std::string& state) {
  seed_.restore(state, "regularized-evolution");
}

std::vector<std::string> RegularizedEvolutionFactory::known_settings() const {
  return evolution_known_settings();
}

std::vector<engine::SpecProblem> RegularizedEvolutionFactory::validate(
    const engine::ExperimentSpec& spec) const {
  auto problems = evolution_setting_problems(spec.algorithm);
  if (spec.nas_config) {
    for (auto& p : nas_problems(spec, /*need_sizes=*/true)) problems.push_back(std::move(p));
    return problems;
  }
  if (spec.parameters.empty())
    problems.push_back({"spec.parameters",
                        "regularized-evolution needs at least one parameter (or spec.nasConfig "
                        "for neural architecture search)"});
  for (auto& p : log_scale_problems(spec.parameters)) problems.push_back(std::move(p));
  return problems;
}

std::unique_ptr<engine::Algorithm> RegularizedEvolutionFactory::create(
    const engine::ExperimentSpec& spec) const {
  std::unique_ptr<GenomeSpace> genomes;
  if (spec.nas_config)
    genomes = std::make_unique<ArchitectureGenomes>(NasSpace::from_spec(spec));
  else
    genomes = std::make_unique<ParameterGenomes>(spec.parameters);
  return std::make_unique<RegularizedEvolution>(
      std::move(genomes), read_evolution_settings(spec.algorithm), spec.objective.type);
}

}  // namespace sextant::algorithms
