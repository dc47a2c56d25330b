// The categorical half of the search: one probability vector per categorical or discrete
// parameter, moved towards the values of each generation's selected half with the same
// recombination weights as the CMA mean. This is the natural-gradient update of a categorical
// distribution (the IGO framework: Ollivier, Arnold, Auger, Hansen, JMLR 18 (2017) 1-65; also
// PBIL, Baluja 1994), the cheap way to make lists learn instead of being drawn at random forever
// as goptuna's and Optuna's CMA-ES do. A floor on every probability (the categorical analogue of
// CMA-ES with Margin) keeps every value reachable.
#pragma once

#include <cstddef>
#include <vector>

#include "algorithms/common/rng.hpp"

namespace sextant::algorithms {

class CategoricalModel {
 public:
  CategoricalModel() = default;
  // sizes[k]: how many values list parameter k has. Starts uniform. Every probability stays at
  // least `floor` (clamped to at most half of 1/size).
  CategoricalModel(const std::vector<size_t>& sizes, double floor);

  size_t parameters() const { return probabilities_.size(); }
  const std::vector<double>& probabilities(size_t k) const { return probabilities_[k]; }

  // One index per parameter. `uniform_mix` in [0, 1] blends the probabilities with the uniform
  // distribution (used when samples keep repeating trials).
  std::vector<size_t> sample(Rng& rng, double uniform_mix = 0.0) const;

  // ranked[i]: the indices of the i-th best point; weights[i]: its recombination weight (only
  // positive weights are used; they sum to 1).
  void update(const std::vector<std::vector<size_t>>& ranked, const std::vector<double>& weights);

 private:
  static void apply_floor(std::vector<double>& p, double floor);

  std::vector<std::vector<double>> probabilities_;
  std::vector<double> floors_;
};

}  // namespace sextant::algorithms
