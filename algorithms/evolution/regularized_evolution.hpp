// `regularized-evolution`: aging evolution with tournament selection, over architectures
// (spec.nasConfig) or over ordinary spec.parameters.
//
// Settings (spec.algorithm.algorithmSettings):
// | name            | default                          | values            | meaning            |
// |-----------------|----------------------------------|-------------------|--------------------|
// | population_size | 20                               | integer >= 2      | P: the population  |
// |                 |                                  |                   | is the P most      |
// |                 |                                  |                   | recent results     |
// | sample_size     | 5                                | integer in [1, P] | S: tournament size |
// | random_state    | none: drawn once, kept in state  | integer >= 0      | seed of every draw |
// Any other setting name is rejected with this list.
//
// Algorithm 1 of Real et al., with the engine's history as the population's memory:
// - Until P trials have results (Succeeded or EarlyStopped with an objective), every suggestion
//   is a random individual.
// - Then each suggestion is a child: the population is the P most recent trials with results,
//   in creation order (aging: the oldest leaves, whatever its score); S of them are sampled
//   uniformly without replacement; the parent is the best of the sample for the objective's
//   direction (ties: the younger); the child is the parent changed at one position: for an
//   architecture one layer's operation replaced by a different one or one skip connection
//   flipped, for parameters one parameter redrawn from its prior (details in
//   architecture_genomes.hpp and parameter_genomes.hpp). The child's trial carries the label
//   sextant.evolution/parent = the parent trial's name.
// - A child never repeats an individual of the history (pending trials count as proposed) or of
//   its own batch: the mutation is redrawn up to 32 times, then a fresh random individual is
//   proposed instead. A finite space whose every individual has been proposed is exhausted.
// - Failed trials, and completed ones without an objective, are proposed-but-not-population.
// - Asynchronous, as in the paper: a batch of N suggestions is N independent tournaments on the
//   current population, so running trials never hold the search up.
// - State: only the seed. The draws of the i-th trial come from (seed, i), and the population is
//   read from the history, so a restarted engine continues exactly.
//
// Reference: E. Real, A. Aggarwal, Y. Huang and Q. V. Le, "Regularized Evolution for Image
// Classifier Architecture Search", AAAI 2019 (Algorithm 1). Tabular NAS benchmarks (NAS-Bench-101,
// NAS-Bench-201) rank it above random search and REINFORCE: reference/performance.md section 6.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "algorithms/common/seed_state.hpp"
#include "algorithms/evolution/evolution_settings.hpp"
#include "algorithms/evolution/genome_space.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

inline constexpr const char* kEvolutionParentLabel = "sextant.evolution/parent";

class RegularizedEvolution final : public engine::Algorithm {
 public:
  RegularizedEvolution(std::unique_ptr<GenomeSpace> genomes, const EvolutionSettings& settings,
                       engine::ObjectiveType type);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;  // {"seed":"<decimal>"}
  void restore_state(const std::string& state) override;

 private:
  // The parent of one tournament among history[population[...]].
  size_t tournament(const std::vector<engine::Trial>& history,
                    const std::vector<size_t>& population, Rng& rng) const;

  std::unique_ptr<GenomeSpace> genomes_;
  size_t population_size_;
  size_t sample_size_;
  bool maximize_;
  AlgorithmSeed seed_;
};

class RegularizedEvolutionFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "regularized-evolution"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
