// History -> unit-cube observations.
#include "algorithms/common/observations.hpp"

#include <cmath>

namespace sextant::algorithms {

size_t Observations::best() const {
  size_t best = losses.size();
  for (size_t i = 0; i < losses.size(); ++i)
    if (best == losses.size() || losses[i] < losses[best]) best = i;
  return best;
}

Observations observe(const UnitCube& cube, engine::ObjectiveType type,
                     const std::vector<engine::Trial>& history) {
  using engine::TrialState;
  Observations out;
  const double sign = type == engine::ObjectiveType::kMaximize ? -1.0 : 1.0;
  for (const auto& trial : history) {
    auto point = cube.point_of(trial.assignment);
    if (!point) continue;
    if (engine::is_active(trial.state)) {
      out.pending.push_back(std::move(*point));
    } else if ((trial.state == TrialState::kSucceeded ||
                trial.state == TrialState::kEarlyStopped) &&
               trial.objective && std::isfinite(*trial.objective)) {
      out.points.push_back(std::move(*point));
      out.losses.push_back(sign * *trial.objective);
    } else {
      out.failed.push_back(std::move(*point));
    }
  }
  return out;
}

}  // namespace sextant::algorithms
