// `random`: independent draws from every parameter's distribution (Katib's hyperopt rand.suggest).
//
// Settings (spec.algorithm.algorithmSettings):
// | name         | default                | values      | meaning                            |
// |--------------|------------------------|-------------|------------------------------------|
// | random_state | none: a seed is drawn  | integer >= 0| seed of the draws                  |
// |              | once and kept in state |             |                                    |
// Any other setting name is rejected with this list (as Katib's hyperopt service does).
//
// Draws: each parameter independently, through UnitCube (algorithms/common/unit_cube.hpp):
// int and double uniform (with a step: the points min + k*step, all equally likely), logUniform
// (uniform in ln, min must be > 0), normal with mu = (min+max)/2 and sigma = (max-min)/6, and
// logNormal the same in ln. Normal draws are CLIPPED to [min, max], unlike hyperopt, whose normal
// draws leave the feasible space: a value outside the declared space is a defect. Discrete and
// categorical parameters: a uniform choice from the list.
//
// Reproducibility: the generator of the i-th trial of the experiment (i = its position in the
// history) is derived from (seed, i) alone, so the same seed, history and count give the same
// output, and an engine restart continues the sequence from the stored trials. Without
// random_state the seed comes from std::random_device once and is kept by save_state().
//
// Repeats: a suggestion never repeats an assignment of the history (pending, completed and failed
// trials alike: a failed point is not retried) or of its own batch. It redraws up to 32 times;
// in a finite space it then takes the next unused point after a random one. When a finite space
// has no unused point left, exhausted is true. (A space of more than 2^64 points, or one with a
// continuous parameter, is treated as never exhausted; a repeat there would need a near-full
// space of billions of trials.)
//
// With spec.nasConfig instead of spec.parameters, the factory builds RandomArchitectureSearch
// (random_architecture_search.hpp): uniform ENAS architectures, with the same seeding and
// no-repeat rules.
//
// Reference: J. Bergstra and Y. Bengio, "Random Search for Hyper-Parameter Optimization",
// JMLR 13 (2012) 281-305. Katib: reference/katib.md section 3.1.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/seed_state.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/sobol/sobol_sequence.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class RandomSearch final : public engine::Algorithm {
 public:
  // Where the first candidate of each trial comes from: independent draws, or point number i of a
  // scrambled Sobol sequence (the `sobol` algorithm, algorithms/sobol/sobol_factory.hpp). Repeats
  // are avoided the same way for both.
  enum class Points { kPseudoRandom, kSobol };

  // seed: random_state, or nullopt to draw one from std::random_device.
  RandomSearch(const engine::SearchSpace& space, std::optional<uint64_t> seed,
               Points points = Points::kPseudoRandom);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;  // {"seed":"<decimal>"}
  void restore_state(const std::string& state) override;

  uint64_t seed() const { return seed_.value(); }

 private:
  engine::SearchSpace space_;
  UnitCube cube_;
  AlgorithmSeed seed_;
  Points points_;
  std::optional<SobolSequence> sobol_;  // built from seed_ when points_ is kSobol
  FreshPoints fresh_;  // kept between calls: each suggest() reads only the new trials
};

class RandomSearchFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "random"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
