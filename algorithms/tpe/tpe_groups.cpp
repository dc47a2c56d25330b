// Recency weights, group layout and the loss split.
#include "algorithms/tpe/tpe_groups.hpp"

#include <algorithm>
#include <numeric>

namespace sextant::algorithms {

namespace {
constexpr size_t kFullWeightMembers = 25;
}  // namespace

std::vector<double> recency_weights(size_t m) {
  std::vector<double> weights(m, 1.0);
  if (m <= kFullWeightMembers) return weights;
  const size_t ramp = m - kFullWeightMembers;
  const double first = 1.0 / static_cast<double>(m);
  for (size_t i = 0; i < ramp; ++i) {
    const double t = ramp == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(ramp - 1);
    weights[i] = first + t * (1.0 - first);
  }
  return weights;
}

TpeGroup make_group(const std::vector<const std::vector<double>*>& members, size_t dims) {
  TpeGroup group;
  group.dims = dims;
  const size_t m = members.size();
  group.coords.resize(dims * m);
  for (size_t i = 0; i < m; ++i)
    for (size_t d = 0; d < dims; ++d) group.coords[d * m + i] = (*members[i])[d];
  group.weights = recency_weights(m);
  return group;
}

TpeSplit split_by_loss(const std::vector<double>& losses, size_t good_count) {
  std::vector<size_t> order(losses.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return losses[a] < losses[b]; });
  good_count = std::min(good_count, order.size());
  TpeSplit split;
  split.good.assign(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(good_count));
  split.bad.assign(order.begin() + static_cast<std::ptrdiff_t>(good_count), order.end());
  std::sort(split.good.begin(), split.good.end());
  std::sort(split.bad.begin(), split.bad.end());
  return split;
}

}  // namespace sextant::algorithms
