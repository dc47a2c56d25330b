// TPE's split of the history into a "good" group (model l) and a "bad" group (model g), with each
// member's weight.
#pragma once

#include <cstddef>
#include <vector>

namespace sextant::algorithms {

// Members' coordinates and weights, ready for the estimators. Coordinates are stored one
// parameter after the other (member i's coordinate of parameter d at coords[d * size() + i]) so
// the estimators run through one parameter's kernels in a tight loop.
struct TpeGroup {
  size_t dims = 0;
  std::vector<double> coords;
  std::vector<double> weights;  // > 0, one per member

  size_t size() const { return weights.size(); }
  const double* column(size_t d) const { return coords.data() + d * size(); }
};

// Recency weights of a group of m members in trial order (Optuna's default, hyperopt's linear
// forgetting of 25): the newest 25 weigh 1, the older ones ramp linearly from 1/m up to 1.
std::vector<double> recency_weights(size_t m);

// The members (points of the unit cube, in trial order) as a group with recency weights.
TpeGroup make_group(const std::vector<const std::vector<double>*>& members, size_t dims);

// Indices (into losses) of the best `good_count` losses and of the rest, each list in trial order.
// Ties are broken by trial order, so the split is deterministic.
struct TpeSplit {
  std::vector<size_t> good;
  std::vector<size_t> bad;
};
TpeSplit split_by_loss(const std::vector<double>& losses, size_t good_count);

}  // namespace sextant::algorithms
