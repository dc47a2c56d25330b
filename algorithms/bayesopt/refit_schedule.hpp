// When the GP's hyperparameters are fitted again, and how much effort a fit gets.
#pragma once

#include <cstddef>
#include <optional>

#include "algorithms/bayesopt/likelihood_fit.hpp"

namespace sextant::algorithms::bayesopt {

// The schedule, in completed observations n (fitted_at = n at the last fit):
//   next_refit(m) = m + max(1, m / 10)
// Every new observation up to 20, then on a geometric schedule with ratio 1.1: every 2nd at 20,
// every 5th at 50, every 10th at 100, every 50th at 500, every 100th at 1000. A fit costs
// O(n^3) per likelihood evaluation, so its amortised share per trial stays O(n^2 x evaluations),
// the order of the incremental updates in between. Between fits the hyperparameters stay fixed
// and each new observation extends the Cholesky factor by one row (cholesky_append.hpp).
size_t next_refit(size_t fitted_at);

// No fit yet, fewer observations than at the last fit (an edited history), or the schedule.
bool refit_due(std::optional<size_t> fitted_at, size_t n);

// Fewer and shorter restarts as n grows, where one likelihood evaluation costs ~n^3:
// | n          | random starts (besides the warm start) | evaluations per start |
// |------------|----------------------------------------|-----------------------|
// | <= 100     | 2                                      | 60                    |
// | <= 300     | 1                                      | 50                    |
// | > 300      | 0                                      | 40                    |
// The first fit (no warm start from an earlier optimum) gets one more random start.
FitBudget fit_budget(size_t n, bool warm);

}  // namespace sextant::algorithms::bayesopt
