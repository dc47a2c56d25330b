// Univariate Parzen estimator: bandwidths, draws, densities and ranking scores for the three
// kinds of parameter.
#include "algorithms/tpe/univariate_parzen.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace sextant::algorithms {

namespace {
constexpr double kInvSqrt2Pi = 0.39894228040143267794;
// exp(-z^2/2) below exp(-40) is negligible next to the prior's term: skip the exp.
constexpr double kNegligibleZ2 = 80.0;
constexpr double kPriorMean = 0.5;
constexpr double kClipPerRootDimension = 0.35;
}  // namespace

double magic_clip_scale(size_t dimensions) {
  return std::min(1.0, kClipPerRootDimension * std::sqrt(static_cast<double>(dimensions)));
}

namespace {

// neighbour_bandwidths for coordinates already in ascending order.
std::vector<double> sorted_bandwidths(const std::vector<double>& sorted, double floor_scale) {
  const size_t m = sorted.size();
  std::vector<double> sigmas(m, 1.0);
  if (m == 0) return sigmas;
  // The prior's mean sits before the first coordinate at or above it.
  const size_t prior = static_cast<size_t>(
      std::lower_bound(sorted.begin(), sorted.end(), kPriorMean) - sorted.begin());
  const double floor = floor_scale / std::min(100.0, static_cast<double>(m) + 2.0);
  for (size_t j = 0; j < m; ++j) {
    // Neighbours in the sorted list with the prior's mean inserted at index `prior`.
    double left = -1, right = -1;  // -1: none
    if (j < prior) {
      if (j > 0) left = sorted[j - 1];
      right = j + 1 == prior ? kPriorMean : sorted[j + 1];
    } else {
      left = j == prior ? kPriorMean : sorted[j - 1];
      if (j + 1 < m) right = sorted[j + 1];
    }
    double gap = 0;
    if (left >= 0) gap = std::max(gap, sorted[j] - left);
    if (right >= 0) gap = std::max(gap, right - sorted[j]);
    sigmas[j] = std::clamp(gap, floor, 1.0);
  }
  return sigmas;
}

// Ascending order of the coordinates, ties by index.
std::vector<size_t> ascending(const double* coords, size_t m) {
  std::vector<std::pair<double, size_t>> keyed(m);
  for (size_t i = 0; i < m; ++i) keyed[i] = {coords[i], i};
  std::sort(keyed.begin(), keyed.end());
  std::vector<size_t> order(m);
  for (size_t j = 0; j < m; ++j) order[j] = keyed[j].second;
  return order;
}

}  // namespace

std::vector<double> neighbour_bandwidths(const double* coords, size_t m, double floor_scale) {
  const auto order = ascending(coords, m);
  std::vector<double> sorted(m);
  for (size_t j = 0; j < m; ++j) sorted[j] = coords[order[j]];
  const auto by_rank = sorted_bandwidths(sorted, floor_scale);
  std::vector<double> sigmas(m);
  for (size_t j = 0; j < m; ++j) sigmas[order[j]] = by_rank[j];
  return sigmas;
}

UnivariateParzen::UnivariateParzen(const TpeDimension& dim, const TpeGroup& group, size_t d,
                                   double prior_weight, double floor_scale)
    : dim_(&dim) {
  const size_t m = group.size();
  const double* coords = group.column(d);
  const double total =
      prior_weight + std::accumulate(group.weights.begin(), group.weights.end(), 0.0);
  prior_share_ = prior_weight / total;
  // Kernels are kept in ascending order of their centres: the bandwidths need it, and a density
  // then only visits the kernels that reach the point.
  std::vector<size_t> order(m);
  if (dim.kind == TpeDimensionKind::kCategories)
    std::iota(order.begin(), order.end(), size_t{0});
  else
    order = ascending(coords, m);
  mus_.resize(m);
  shares_.resize(m);
  cumulative_.resize(m);
  double running = 0;
  for (size_t j = 0; j < m; ++j) {
    mus_[j] = coords[order[j]];
    shares_[j] = group.weights[order[j]] / total;
    cumulative_[j] = running += shares_[j];
  }

  if (dim.kind == TpeDimensionKind::kCategories) {
    std::vector<double> probabilities(dim.size(), prior_share_ / static_cast<double>(dim.size()));
    for (size_t j = 0; j < m; ++j) probabilities[dim.index_of(mus_[j])] += shares_[j];
    for (double p : probabilities) log_probabilities_.push_back(std::log(p));
    return;
  }

  const auto sigmas = sorted_bandwidths(mus_, floor_scale);
  kernels_.reserve(m);
  for (size_t j = 0; j < m; ++j) kernels_.emplace_back(mus_[j], sigmas[j]);
  if (dim.kind == TpeDimensionKind::kCells) {
    // Filled on first use: a call looks at a few dozen cells, not all of them.
    log_probabilities_.assign(dim.size(), std::numeric_limits<double>::quiet_NaN());
    return;
  }
  inv_sigmas_.resize(m);
  heights_.resize(m);
  reach_up_.resize(m);
  reach_down_.resize(m);
  const double reach = std::sqrt(kNegligibleZ2);
  for (size_t j = 0; j < m; ++j) {
    inv_sigmas_[j] = 1.0 / sigmas[j];
    heights_[j] = shares_[j] * kInvSqrt2Pi / kernels_[j].mass;
    reach_up_[j] = std::max(j ? reach_up_[j - 1] : -1.0, mus_[j] + reach * sigmas[j]);
  }
  for (size_t j = m; j-- > 0;)
    reach_down_[j] = std::min(j + 1 < m ? reach_down_[j + 1] : 2.0, mus_[j] - reach * sigmas[j]);
}

double UnivariateParzen::cell_log_probability(double u) const {
  const size_t k = dim_->index_of(u);
  double& cached = log_probabilities_[k];
  if (!std::isnan(cached)) return cached;
  const double low = dim_->edges[k];
  const double high = dim_->edges[k + 1];
  double p = prior_share_ * (high - low);
  for (size_t i = 0; i < kernels_.size(); ++i)
    p += shares_[i] * kernels_[i].interval_probability(low, high);
  cached = std::log(std::max(p, std::numeric_limits<double>::min()));
  return cached;
}

double UnivariateParzen::continuous_sum(double u, bool density) const {
  double sum = prior_share_;  // the uniform prior: density 1, and a profile of width 1
  auto add = [&](size_t j) {
    const double z = (u - mus_[j]) * inv_sigmas_[j];
    const double z2 = z * z;
    if (z2 < kNegligibleZ2)
      sum += heights_[j] * (density ? inv_sigmas_[j] : 1.0) * std::exp(-0.5 * z2);
  };
  // Only the kernels whose reach covers u: walk out from u's place among the sorted centres
  // until no kernel further out reaches back to u.
  const size_t start =
      static_cast<size_t>(std::lower_bound(mus_.begin(), mus_.end(), u) - mus_.begin());
  for (size_t j = start; j-- > 0 && reach_up_[j] > u;) add(j);
  for (size_t j = start; j < mus_.size() && reach_down_[j] < u; ++j) add(j);
  return sum;
}

double UnivariateParzen::sample(Rng& rng) const {
  const double pick = rng.uniform();
  const size_t prior = cumulative_.size();
  size_t component = prior;
  if (pick >= prior_share_ && !cumulative_.empty()) {
    auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), pick - prior_share_);
    component = std::min(static_cast<size_t>(it - cumulative_.begin()), cumulative_.size() - 1);
  }
  if (dim_->kind == TpeDimensionKind::kCategories) {
    const size_t k = component == prior ? rng.below(dim_->size()) : dim_->index_of(mus_[component]);
    return dim_->centers[k];
  }
  const double u = component == prior ? rng.uniform() : kernels_[component].sample(rng);
  if (dim_->kind == TpeDimensionKind::kCells) return dim_->centers[dim_->index_of(u)];
  return u;
}

double UnivariateParzen::log_density(double u) const {
  if (dim_->kind == TpeDimensionKind::kContinuous) return std::log(continuous_sum(u, true));
  if (dim_->kind == TpeDimensionKind::kCells) return cell_log_probability(u);
  return log_probabilities_[dim_->index_of(u)];
}

double UnivariateParzen::log_score(double u) const {
  if (dim_->kind == TpeDimensionKind::kContinuous) return std::log(continuous_sum(u, false));
  return log_density(u);
}

}  // namespace sextant::algorithms
