// `grid`: every point of the Cartesian product of the parameters' grids, in a fixed order
// (Katib's optuna GridSampler).
//
// Settings (spec.algorithm.algorithmSettings):
// | name         | default | values       | meaning                                           |
// |--------------|---------|--------------|---------------------------------------------------|
// | random_state | none    | integer >= 0 | accepted for Katib compatibility; the order is    |
// |              |         |              | fixed, so the seed changes nothing                 |
// Any other setting name is rejected with this list.
//
// Grid points per parameter:
// - int: min, min+step, ..., up to max (step defaults to 1).
// - double: min + k*step for k = 0, 1, ... while <= max; a step is required. Points are whole
//   multiples of the step with a small tolerance, so 0.1 steps keep their last point
//   (0, 0.1, 0.2, 0.3) and print as written.
// - discrete, categorical: the list, in order.
// - Distributions are ignored, as Katib's optuna service and optuna's GridSampler do: a
//   logUniform, normal or logNormal parameter gets the same linear points as a uniform one.
//
// Order: the product in spec order, first parameter slowest and last fastest, like nested
// loops. Each call returns the first `count` points that no trial of the history holds (matched
// by value, whatever the trial's state: a failed point is not retried), and exhausted = true
// when no unused point is left after them. No state is kept: the history says everything.
//
// Validation: a double without step; a step that makes more than 2^53 points; maxTrialCount
// above the number of grid points (Katib rejects it too).
//
// Reference: J. Bergstra and Y. Bengio, "Random Search for Hyper-Parameter Optimization",
// JMLR 13 (2012), section 2 (grid search as the baseline); optuna.samplers.GridSampler.
// Katib: reference/katib.md section 3.2.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "algorithms/common/lattice.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class GridSearch final : public engine::Algorithm {
 public:
  explicit GridSearch(const engine::SearchSpace& space);  // throws Error if a grid is infinite
  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;

  const Lattice& lattice() const { return lattice_; }

 private:
  static Lattice build(const engine::SearchSpace& space);
  Lattice lattice_;
};

class GridSearchFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "grid"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
