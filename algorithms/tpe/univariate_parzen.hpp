// One parameter's Parzen estimator (Bergstra et al. 2011): a uniform prior over the parameter's
// unit interval plus one kernel per member of a group, weighted by the members' weights.
#pragma once

#include <cstddef>
#include <vector>

#include "algorithms/common/rng.hpp"
#include "algorithms/tpe/tpe_dimensions.hpp"
#include "algorithms/tpe/tpe_groups.hpp"
#include "algorithms/tpe/truncated_normal.hpp"

namespace sextant::algorithms {

// Kernel widths for coordinates in [0, 1] (hyperopt's adaptive Parzen estimator): each kernel is
// as wide as the larger gap to its sorted neighbours (the prior's mean, 0.5, counted as one of
// them, the interval's ends not), clipped to [floor_scale / min(100, m + 2), 1]. With
// floor_scale 1 that floor is hyperopt's and Optuna's "magic clip": no kernel narrower than the
// spacing of m + 2 evenly spread points.
std::vector<double> neighbour_bandwidths(const double* coords, size_t m, double floor_scale = 1.0);

// The magic clip's scale for univariate TPE over `dimensions` parameters: min(1, 0.35 sqrt(d)).
// With few parameters a narrower floor lets l close in on an optimum (Branin, six-hump camel,
// Hartmann3: 0.3 to 0.8 lower log10 regret at 100-200 trials); with many, each parameter's
// kernels must stay wide enough for the independent draws to meet in one good region, and the
// floor returns to 1 from about 8 parameters on.
double magic_clip_scale(size_t dimensions);

// By kind of parameter:
// - continuous: truncated-normal kernels on [0, 1];
// - cells: the same kernels on the cells' centres; a value's probability is each kernel's mass
//   over the value's cell; draws are snapped to the cell's centre;
// - categories: no kernel width (a list has no order): the probability of value k is
//   (prior_weight / n + the weight of the members at k) / total weight.
class UnivariateParzen {
 public:
  // The estimator of parameter d of `group`; prior_weight > 0. `dim` must outlive it.
  UnivariateParzen(const TpeDimension& dim, const TpeGroup& group, size_t d, double prior_weight,
                   double floor_scale = 1.0);

  double sample(Rng& rng) const;
  // Continuous: the log of the probability density at u. Cells and categories: the log
  // probability of the value whose cell holds u.
  double log_density(double u) const;
  // What TPE ranks candidates by (log l - log g of these). Cells and categories: log_density.
  // Continuous: the log of the mixture of kernel *profiles*, each kernel's weight times
  // exp(-z^2/2) / (sqrt(2 pi) mass), without the 1/sigma that makes it a density (the prior
  // counts as a kernel of width 1). So a crowd of narrow kernels around bad points does not
  // outweigh the prior in g, nor a tight cluster the isolated good points in l: the ranking
  // looks at how close a candidate is to members in units of their widths. Optuna 3.1's TPE
  // ranks this way (its truncated-normal log-pdf leaves out the scale); with normalised
  // densities our suite's Hartmann6, Ackley and Griewank runs were 0.1-0.3 log10 worse.
  double log_score(double u) const;

 private:
  double continuous_sum(double u, bool density) const;
  double cell_log_probability(double u) const;

  const TpeDimension* dim_;
  double prior_share_ = 1;          // prior weight / total weight
  std::vector<double> cumulative_;  // running sum of the kernels' shares, to pick one by weight
  std::vector<TruncatedNormal> kernels_;  // ascending centres (categories: none)
  std::vector<double> shares_;            // each kernel's weight / total weight
  std::vector<double> mus_;         // kernel centres, ascending (categories: members' coordinates)
  std::vector<double> inv_sigmas_;  // continuous: 1 / sigma
  std::vector<double> heights_;     // continuous: share / (sqrt(2 pi) mass)
  // Continuous: the highest mu + R sigma of kernels 0..j and the lowest mu - R sigma of kernels
  // j..m-1, R = sqrt(80) (where the kernel is negligible), to visit only kernels that reach u.
  std::vector<double> reach_up_;
  std::vector<double> reach_down_;
  // Categories: per value. Cells: per value, computed on first use (NaN until then).
  mutable std::vector<double> log_probabilities_;
};

}  // namespace sextant::algorithms
