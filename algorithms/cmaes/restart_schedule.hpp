// What the next CMA-ES run looks like after one has converged: population size and initial
// step size, per restart strategy.
// - none: the same population and step size again (Katib's goptuna and Optuna do not restart at
//   all; a converged distribution only repeats its points, so a fresh start is the useful way to
//   spend the remaining trials).
// - ipop: the population doubles at every restart (Auger and Hansen, "A Restart CMA Evolution
//   Strategy With Increasing Population Size", CEC 2005).
// - bipop: two interlaced regimes (Hansen, "Benchmarking a BI-Population CMA-ES on the BBOB-2009
//   Function Testbed", GECCO 2009): "large" doubles the population as ipop does; "small" draws
//   U ~ U(0,1) and uses lambda_def * (lambda_large / (2 lambda_def))^(U^2) points and step
//   size sigma0 * 10^(-2U). The first run counts as large; each restart picks the regime that
//   has spent fewer evaluations so far (ties: large).
// Every restart starts from a uniformly random mean (as in both papers).
#pragma once

#include <cstddef>
#include <string>

#include "algorithms/common/rng.hpp"

namespace sextant::algorithms {

enum class RestartStrategy { kNone, kIpop, kBipop };

// "none" (also "None", as Katib's Optuna service spells it) | "ipop" | "bipop"; false otherwise.
bool parse_restart_strategy(const std::string& text, RestartStrategy& out);

struct RunPlan {
  size_t population = 0;
  double sigma = 0;
  bool small_regime = false;  // bipop only
};

class RestartSchedule {
 public:
  RestartSchedule(RestartStrategy strategy, size_t default_population, double sigma0);

  RunPlan first() const;
  // The run after one that used `evaluations` trials; `rng` draws bipop's U.
  RunPlan next(const RunPlan& finished, size_t evaluations, Rng& rng);

 private:
  RestartStrategy strategy_;
  size_t default_population_;
  double sigma0_;
  size_t large_restarts_ = 0;  // ipop restarts, or bipop large-regime restarts
  size_t large_budget_ = 0;    // bipop: evaluations spent per regime
  size_t small_budget_ = 0;
};

}  // namespace sextant::algorithms
