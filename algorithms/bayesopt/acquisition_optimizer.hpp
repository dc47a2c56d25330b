// Maximising an acquisition over the unit cube: a batched global sweep, then local search from
// the best candidates (discrete neighbourhoods, then L-BFGS on the continuous coordinates).
#pragma once

#include <vector>

#include "algorithms/bayesopt/acquisition.hpp"
#include "algorithms/bayesopt/feature_map.hpp"
#include "algorithms/bayesopt/gaussian_process.hpp"
#include "algorithms/common/rng.hpp"

namespace sextant::algorithms::bayesopt {

// Katib's acq_optimizer values:
// | value    | what runs                                                                      |
// |----------|--------------------------------------------------------------------------------|
// | auto     | sweep; from the best `starts` candidates, a discrete-neighbourhood search      |
// |          | (every value of a list or small stepped parameter, +-1, 2, 4, ... cells of a   |
// |          | large one, repeated while it improves), then L-BFGS on the continuous inputs   |
// | sampling | the sweep alone                                                                |
// | lbfgs    | sweep, then L-BFGS on the continuous inputs of the best `starts` candidates    |
// The sweep: scrambled Sobol points of the whole cube plus Gaussian perturbations (scales 0.01,
// 0.05, 0.2) of the five best observed points, all evaluated in one batched GP prediction. A
// space of at most 4096 points (no continuous parameter; fewer as n grows, 4x the sweep) is
// enumerated instead: every point is a candidate, so the result is the exact maximiser.
enum class AcquisitionOptimizerKind { kAuto, kSampling, kLbfgs };

struct SearchBudget {
  size_t sweep = 1024;   // Sobol candidates
  size_t local = 256;    // perturbations of the best observed points
  size_t starts = 5;     // local searches
  int evaluations = 40;  // L-BFGS evaluations per local search
};

// The sweep costs O(n^2) per candidate (one triangular solve), so above n = 350 it shrinks as
// 1/n, keeping its cost linear in n: 1024 + 256 candidates up to n = 350, 716 + 179 at n = 500,
// 358 + 89 at n = 1000, never below 256 + 64. (On Branin and Hartmann6, 1024 Sobol candidates
// found the same optima as 2048 in half the time.) L-BFGS gets 20 + 4 per continuous input
// evaluations (at most 60), from 5 starts (3 above n = 500).
SearchBudget search_budget(AcquisitionOptimizerKind kind, Eigen::Index observations,
                           size_t continuous_inputs);

struct SearchRequest {
  const GaussianProcess* gp = nullptr;
  const FeatureMap* map = nullptr;
  std::vector<Acquisition> members;             // the acquisition, or gp_hedge's three
  size_t chosen = 0;                            // the member whose maximiser is wanted
  std::vector<std::vector<double>> incumbents;  // best observed points first
  AcquisitionOptimizerKind kind = AcquisitionOptimizerKind::kAuto;
  SearchBudget budget;
};

struct SearchResult {
  // For the chosen member, best first: the local searches' results, then the sweep's best
  // candidates (all of them for an enumerated space). Every point is snapped (FeatureMap::snap),
  // so it is exactly the trial it names. The caller takes the first one not used yet.
  std::vector<std::vector<double>> ranked;
  std::vector<std::vector<double>> nominees;  // per member: its best point
};

SearchResult search_acquisition(const SearchRequest& request, Rng& rng);

}  // namespace sextant::algorithms::bayesopt
