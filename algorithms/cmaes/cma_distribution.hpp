// The CMA-ES search distribution N(m, sigma^2 A C A) over R^n and its update from one ranked
// generation (Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772, 2016: the
// weighted recombination, cumulative step-size adaptation, rank-one and rank-mu updates with
// negative weights, and the termination criteria of its appendix B.3). It knows nothing about
// parameters, trials or the unit cube: callers give points of R^n and get points of R^n.
//
// Two additions to the tutorial:
// - A margin (after Hamano, Saito, Nomura, Shirakawa, "CMA-ES with Margin", GECCO 2022): a
//   diagonal A keeps the marginal standard deviation of a coordinate at least floor[j], so a
//   coordinate that is rounded to a few integer cells keeps a chance of leaving its cell instead
//   of fixing early. Steps are measured through A^-1, so the update sees the same normalised
//   steps it would without A.
// - Every step y is clipped to a Mahalanobis length of sqrt(n) + 2n/(n+2) (Hansen, "Injecting
//   External Solutions Into CMA-ES", INRIA RR-7748, 2011), so a point that was not sampled from
//   this distribution (asked ahead from an older one, or a trial from another algorithm) cannot
//   blow up the step size or the covariance.
// Eigen stays inside the .cpp: the state is plain vectors (C and B row-major n x n).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/rng.hpp"

namespace sextant::algorithms {

// Recombination weights for `lambda` ranked points (tutorial eq. 49-53, active CMA): the first
// floor(lambda/2) are positive and sum to 1, the rest are negative. Exposed so that the
// categorical model recombines with the same weights.
std::vector<double> recombination_weights(size_t n, size_t lambda);

class CmaDistribution {
 public:
  // C = I, paths zero. `floor` (size n, entries >= 0) is the margin's lowest marginal standard
  // deviation per coordinate; 0 where the coordinate is continuous.
  CmaDistribution(std::vector<double> mean, double sigma, std::vector<double> floor);

  size_t dimensions() const { return mean_.size(); }
  const std::vector<double>& mean() const { return mean_; }
  double sigma() const { return sigma_; }
  int generation() const { return generation_; }  // updates so far in this run

  // m + spread * sigma * A B D z for z ~ N(0, I) drawn from `rng`. spread > 1 widens the draw
  // (used to escape a region where every sample repeats a trial).
  std::vector<double> sample(Rng& rng, double spread = 1.0) const;

  // One update from a generation's points ranked best first. The first `usable` carry a loss;
  // the rest failed and are ranked worst: they never get a positive weight (if a failure falls
  // into the selected half its weight is dropped and the others renormalised) but do get the
  // negative weights of active CMA. Needs usable >= 1; does nothing otherwise.
  void tell(const std::vector<std::vector<double>>& ranked, size_t usable);

  // Why this run should stop (tutorial B.3: "tolx", "conditioncov", "noeffectaxis",
  // "noeffectcoord"; "numerical" when the state is no longer finite), or nullopt. tolx[j] is the
  // tolerance on the standard deviation of coordinate j.
  std::optional<std::string> stop_reason(const std::vector<double>& tolx) const;

 private:
  void decompose();       // B, D from C; refreshes the margin
  void refresh_margin();  // A from sigma, C and floor_

  std::vector<double> mean_;
  double sigma_;
  std::vector<double> floor_;
  std::vector<double> margin_;  // diagonal of A, >= 1
  std::vector<double> c_;       // covariance C
  std::vector<double> b_;       // eigenvectors of C, as columns
  std::vector<double> d_;       // square roots of the eigenvalues of C
  std::vector<double> pc_;      // evolution path for C
  std::vector<double> ps_;      // conjugate evolution path for sigma
  int generation_ = 0;
  bool broken_ = false;  // a decomposition failed or produced non-finite values
};

}  // namespace sextant::algorithms
