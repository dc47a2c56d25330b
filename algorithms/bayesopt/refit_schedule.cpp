// The geometric refit schedule and the per-fit budget.
#include "algorithms/bayesopt/refit_schedule.hpp"

#include <algorithm>

namespace sextant::algorithms::bayesopt {

size_t next_refit(size_t fitted_at) {
  return fitted_at + std::max<size_t>(1, fitted_at / 10);
}

bool refit_due(std::optional<size_t> fitted_at, size_t n) {
  return !fitted_at || n < *fitted_at || n >= next_refit(*fitted_at);
}

FitBudget fit_budget(size_t n, bool warm) {
  FitBudget budget;
  if (n <= 100) {
    budget = {2, 60};
  } else if (n <= 300) {
    budget = {1, 50};
  } else {
    budget = {0, 40};
  }
  if (!warm) budget.random_starts += 1;
  return budget;
}

}  // namespace sextant::algorithms::bayesopt
