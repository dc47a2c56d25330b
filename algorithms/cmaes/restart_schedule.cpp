// Population and step size of each CMA-ES restart (none, IPOP, BIPOP).
#include "algorithms/cmaes/restart_schedule.hpp"

#include <algorithm>
#include <cmath>

namespace sextant::algorithms {

namespace {
// Doubling stops here: 2^8 times the default population is far beyond any HPO budget, and it
// keeps the generation (and the replay's memory) bounded on flat objectives that restart often.
constexpr size_t kMaxDoublings = 8;
}  // namespace

bool parse_restart_strategy(const std::string& text, RestartStrategy& out) {
  if (text == "none" || text == "None") {  // "None": what Katib's Optuna service accepts
    out = RestartStrategy::kNone;
  } else if (text == "ipop") {
    out = RestartStrategy::kIpop;
  } else if (text == "bipop") {
    out = RestartStrategy::kBipop;
  } else {
    return false;
  }
  return true;
}

RestartSchedule::RestartSchedule(RestartStrategy strategy, size_t default_population, double sigma0)
    : strategy_(strategy), default_population_(default_population), sigma0_(sigma0) {}

RunPlan RestartSchedule::first() const {
  return {default_population_, sigma0_, false};
}

RunPlan RestartSchedule::next(const RunPlan& finished, size_t evaluations, Rng& rng) {
  const auto doubled = [&](size_t times) {
    return default_population_ << std::min(times, kMaxDoublings);
  };
  switch (strategy_) {
    case RestartStrategy::kNone:
      return first();
    case RestartStrategy::kIpop:
      return {doubled(++large_restarts_), sigma0_, false};
    case RestartStrategy::kBipop: {
      (finished.small_regime ? small_budget_ : large_budget_) += evaluations;
      if (small_budget_ < large_budget_) {
        const double u = rng.uniform();
        const double large = static_cast<double>(doubled(large_restarts_));
        const double ratio = 0.5 * large / static_cast<double>(default_population_);
        const auto population = static_cast<size_t>(
            std::floor(static_cast<double>(default_population_) * std::pow(ratio, u * u)));
        return {std::max<size_t>(population, 4), sigma0_ * std::pow(10.0, -2 * u), true};
      }
      return {doubled(++large_restarts_), sigma0_, false};
    }
  }
  return first();
}

}  // namespace sextant::algorithms
