// A joint Parzen estimator over all parameters (Falkner et al. 2018; Optuna's multivariate TPE):
// one product kernel per member of a group, so a draw takes every coordinate from the same
// member, plus a uniform prior over the whole cube.
#pragma once

#include <cstddef>
#include <vector>

#include "algorithms/common/rng.hpp"
#include "algorithms/tpe/tpe_dimensions.hpp"
#include "algorithms/tpe/tpe_groups.hpp"

namespace sextant::algorithms {

// Per parameter kind, member i's kernel is:
// - continuous: a normal around the member's coordinate truncated to [0, 1], with one width per
//   parameter for all members: Scott's rule scaled to the unit interval, 0.2 m^(-1/(D+4)) for m
//   members and D parameters (Optuna's multivariate width), clipped to [1 / min(100, m + 2), 1];
// - cells: the same kernel's mass over each cell;
// - categories: the member's value with probability 1 - e + e/n, each other value e/n, where
//   e = prior_weight / (m + prior_weight) is the prior's share of the group, so a category's
//   chance of being explored matches the univariate estimator's.
// Densities are with respect to length on continuous coordinates and counting on values; the
// prior's is 1 times each value's cell width (cells) or 1/n (categories).
class MultivariateParzen {
 public:
  // prior_weight > 0; `dims` must outlive the estimator.
  MultivariateParzen(const std::vector<TpeDimension>& dims, const TpeGroup& group,
                     double prior_weight);

  // A point of the cube; cells and categories at their values' centres.
  void sample(Rng& rng, std::vector<double>& point) const;
  // Log of the density at `point` (log-sum-exp over the members: products of many small kernel
  // values would underflow).
  double log_density(const std::vector<double>& point) const;
  // What TPE ranks candidates by: as log_density, but each continuous kernel counts by its
  // profile exp(-z^2/2) / (sqrt(2 pi) mass), without 1/sigma (the prior counts as width 1), as
  // in the univariate estimator (univariate_parzen.hpp) and Optuna 3.1. With one width per
  // parameter this weighs the prior against the members by the product of the widths, so far
  // from the members g and l both fall back on the prior instead of on a far kernel's tail.
  double log_score(const std::vector<double>& point) const;

 private:
  double log_mixture(const std::vector<double>& point, bool density) const;

  const std::vector<TpeDimension>* dims_;
  size_t m_ = 0;
  std::vector<double> coords_;      // as TpeGroup: member i, parameter d at [d * m + i]
  std::vector<size_t> values_;      // cells and categories: member i's value index, same layout
  std::vector<double> sigmas_;      // per parameter
  std::vector<double> base_;        // per member: log share minus the log normalisers but sigma
  double log_sigmas_ = 0;           // sum of log sigma over the continuous parameters
  std::vector<double> cumulative_;  // running sum of the members' shares
  double prior_share_ = 1;
  double category_spread_ = 0;  // e above
  mutable std::vector<double> scratch_;
};

}  // namespace sextant::algorithms
