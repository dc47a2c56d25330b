// Joint Parzen estimator: product kernels, draws by member, densities by log-sum-exp.
#include "algorithms/tpe/multivariate_parzen.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "algorithms/tpe/truncated_normal.hpp"

namespace sextant::algorithms {

namespace {
constexpr double kLogSqrt2Pi = 0.91893853320467274178;
constexpr double kScottFactor = 0.2;
}  // namespace

MultivariateParzen::MultivariateParzen(const std::vector<TpeDimension>& dims, const TpeGroup& group,
                                       double prior_weight)
    : dims_(&dims), m_(group.size()), coords_(group.coords) {
  const size_t n_dims = dims.size();
  const double total =
      prior_weight + std::accumulate(group.weights.begin(), group.weights.end(), 0.0);
  prior_share_ = prior_weight / total;
  category_spread_ = prior_weight / (static_cast<double>(m_) + prior_weight);
  cumulative_.resize(m_);
  base_.resize(m_);
  double running = 0;
  for (size_t i = 0; i < m_; ++i) {
    cumulative_[i] = running += group.weights[i] / total;
    base_[i] = std::log(group.weights[i] / total);
  }

  const double scott = kScottFactor * std::pow(std::max<double>(static_cast<double>(m_), 1.0),
                                               -1.0 / (static_cast<double>(n_dims) + 4.0));
  const double min_sigma = 1.0 / std::min(100.0, static_cast<double>(m_) + 2.0);
  sigmas_.assign(n_dims, std::clamp(scott, min_sigma, 1.0));
  values_.assign(coords_.size(), 0);
  for (size_t d = 0; d < n_dims; ++d) {
    const auto& dim = dims[d];
    const double* mu = coords_.data() + d * m_;
    if (dim.kind != TpeDimensionKind::kContinuous)
      for (size_t i = 0; i < m_; ++i) values_[d * m_ + i] = dim.index_of(mu[i]);
    if (dim.kind == TpeDimensionKind::kCategories) continue;
    const double sigma = sigmas_[d];
    // Cells: a mass, not a density, so no sqrt(2 pi); continuous: sigma is kept apart.
    const double log_width = dim.kind == TpeDimensionKind::kContinuous ? kLogSqrt2Pi : 0.0;
    if (dim.kind == TpeDimensionKind::kContinuous) log_sigmas_ += std::log(sigma);
    for (size_t i = 0; i < m_; ++i)
      base_[i] -= log_width + std::log(TruncatedNormal(mu[i], sigma).mass);
  }
  scratch_.resize(m_);
}

void MultivariateParzen::sample(Rng& rng, std::vector<double>& point) const {
  const auto& dims = *dims_;
  point.resize(dims.size());
  const double pick = rng.uniform();
  if (m_ == 0 || pick < prior_share_) {
    for (size_t d = 0; d < dims.size(); ++d) {
      const double u = rng.uniform();
      point[d] =
          dims[d].kind == TpeDimensionKind::kContinuous ? u : dims[d].centers[dims[d].index_of(u)];
    }
    return;
  }
  auto it = std::upper_bound(cumulative_.begin(), cumulative_.end(), pick - prior_share_);
  const size_t i = std::min(static_cast<size_t>(it - cumulative_.begin()), m_ - 1);
  for (size_t d = 0; d < dims.size(); ++d) {
    const auto& dim = dims[d];
    const double mu = coords_[d * m_ + i];
    if (dim.kind == TpeDimensionKind::kCategories) {
      const bool spread = rng.uniform() < category_spread_;
      point[d] = dim.centers[spread ? rng.below(dim.size()) : values_[d * m_ + i]];
      continue;
    }
    const double u = TruncatedNormal(mu, sigmas_[d]).sample(rng);
    point[d] = dim.kind == TpeDimensionKind::kCells ? dim.centers[dim.index_of(u)] : u;
  }
}

double MultivariateParzen::log_density(const std::vector<double>& point) const {
  return log_mixture(point, true);
}

double MultivariateParzen::log_score(const std::vector<double>& point) const {
  return log_mixture(point, false);
}

double MultivariateParzen::log_mixture(const std::vector<double>& point, bool density) const {
  const auto& dims = *dims_;
  double log_prior = std::log(prior_share_);
  double* acc = scratch_.data();
  const double offset = density ? -log_sigmas_ : 0.0;
  for (size_t i = 0; i < m_; ++i) acc[i] = base_[i] + offset;
  for (size_t d = 0; d < dims.size(); ++d) {
    const auto& dim = dims[d];
    const double x = point[d];
    const double* mu = coords_.data() + d * m_;
    if (dim.kind == TpeDimensionKind::kContinuous) {
      const double half_precision = 0.5 / (sigmas_[d] * sigmas_[d]);
      for (size_t i = 0; i < m_; ++i) {
        const double diff = x - mu[i];
        acc[i] -= half_precision * diff * diff;
      }
      continue;
    }
    const size_t k = dim.index_of(x);
    if (dim.kind == TpeDimensionKind::kCategories) {
      const double n = static_cast<double>(dim.size());
      const double other = std::log(category_spread_ / n);
      const double same = std::log(1.0 - category_spread_ + category_spread_ / n);
      const size_t* value = values_.data() + d * m_;
      for (size_t i = 0; i < m_; ++i) acc[i] += value[i] == k ? same : other;
      log_prior -= std::log(n);
      continue;
    }
    const double low = dim.edges[k];
    const double high = dim.edges[k + 1];
    const double inv_sigma = 1.0 / sigmas_[d];
    for (size_t i = 0; i < m_; ++i)
      acc[i] += std::log(std::max(
          normal_interval_mass((low - mu[i]) * inv_sigma, (high - mu[i]) * inv_sigma), 1e-300));
    log_prior += std::log(std::max(high - low, 1e-300));
  }
  double top = log_prior;
  for (size_t i = 0; i < m_; ++i) top = std::max(top, acc[i]);
  double sum = std::exp(log_prior - top);
  for (size_t i = 0; i < m_; ++i) sum += std::exp(acc[i] - top);
  return top + std::log(sum);
}

}  // namespace sextant::algorithms
