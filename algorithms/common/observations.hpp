// The history of an experiment as a model-based algorithm sees it: points of the unit cube with a
// loss to minimise, points still being evaluated, and points that failed.
#pragma once

#include <vector>

#include "algorithms/common/unit_cube.hpp"
#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

struct Observations {
  // Succeeded and EarlyStopped trials with a numeric objective (what Katib feeds its
  // optimisers). EarlyStopped ones carry the objective they had when stopped.
  std::vector<std::vector<double>> points;
  // The objective as a loss: as is when minimising, negated when maximising. Lower is better.
  std::vector<double> losses;
  // Created and Running trials: the algorithm must not propose them again, and model-based ones
  // should spread around them (constant liar, fantasies).
  std::vector<std::vector<double>> pending;
  // Failed, Killed and MetricsUnavailable trials, and completed ones without a numeric
  // objective: no loss to learn from, but not worth proposing again.
  std::vector<std::vector<double>> failed;

  size_t size() const { return points.size(); }
  // Index of the lowest loss; size() when there is none.
  size_t best() const;
};

// Trials whose assignment is not a point of the space (a parameter missing or out of range, as
// after an edited spec) are left out: there is nothing sound to learn from them.
Observations observe(const UnitCube& cube, engine::ObjectiveType type,
                     const std::vector<engine::Trial>& history);

}  // namespace sextant::algorithms
