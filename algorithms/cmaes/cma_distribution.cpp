// CMA-ES sampling and update (Hansen's tutorial, arXiv:1604.00772), written over Eigen.
#include "algorithms/cmaes/cma_distribution.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Dense>

namespace sextant::algorithms {

namespace {

using Matrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Vector = Eigen::VectorXd;
using MatrixMap = Eigen::Map<Matrix>;
using ConstMatrixMap = Eigen::Map<const Matrix>;
using VectorMap = Eigen::Map<Vector>;
using ConstVectorMap = Eigen::Map<const Vector>;

// Tutorial table 1: the learning rates for n dimensions and a variance-effective selection
// mass mu_eff.
struct Rates {
  double c_sigma;
  double d_sigma;
  double c_c;
  double c_1;
  double c_mu;
};

Rates rates_for(double n, double mu_eff) {
  Rates r;
  r.c_sigma = (mu_eff + 2) / (n + mu_eff + 5);
  r.d_sigma = 1 + 2 * std::max(0.0, std::sqrt((mu_eff - 1) / (n + 1)) - 1) + r.c_sigma;
  r.c_c = (4 + mu_eff / n) / (n + 4 + 2 * mu_eff / n);
  constexpr double kAlphaCov = 2;
  r.c_1 = kAlphaCov / ((n + 1.3) * (n + 1.3) + mu_eff);
  r.c_mu = std::min(1 - r.c_1, kAlphaCov * (0.25 + mu_eff + 1 / mu_eff - 2) /
                                   ((n + 2) * (n + 2) + kAlphaCov * mu_eff / 2));
  return r;
}

// (sum w)^2 / sum w^2 over the positive weights.
double effective_mass(const std::vector<double>& weights) {
  double sum = 0, squares = 0;
  for (double w : weights)
    if (w > 0) {
      sum += w;
      squares += w * w;
    }
  return squares > 0 ? sum * sum / squares : 1.0;
}

// E||N(0, I_n)||, tutorial's approximation.
double expected_norm(double n) {
  return std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
}

bool all_finite(const std::vector<double>& v) {
  return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
}

}  // namespace

std::vector<double> recombination_weights(size_t n, size_t lambda) {
  if (lambda <= 1) return std::vector<double>(lambda, 1.0);
  const size_t mu = lambda / 2;
  std::vector<double> raw(lambda);
  for (size_t i = 0; i < lambda; ++i)
    raw[i] = std::log((static_cast<double>(lambda) + 1) / 2) - std::log(static_cast<double>(i + 1));
  double positive = 0, negative = 0, negative_squares = 0;
  for (size_t i = 0; i < lambda; ++i) {
    if (i < mu) {
      positive += raw[i];
    } else {
      negative -= raw[i];
      negative_squares += raw[i] * raw[i];
    }
  }
  std::vector<double> weights(lambda);
  for (size_t i = 0; i < mu; ++i) weights[i] = raw[i] / positive;
  const double mu_eff = effective_mass(weights);
  const Rates r = rates_for(static_cast<double>(std::max<size_t>(n, 1)), mu_eff);
  // Tutorial eq. 53: scale the negative weights so that C stays positive definite.
  const double mu_eff_minus = negative_squares > 0 ? negative * negative / negative_squares : 0;
  const double alpha_mu = 1 + r.c_1 / r.c_mu;
  const double alpha_mu_eff = 1 + 2 * mu_eff_minus / (mu_eff + 2);
  const double alpha_pos_def = (1 - r.c_1 - r.c_mu) / (static_cast<double>(n) * r.c_mu);
  const double scale = std::min({alpha_mu, alpha_mu_eff, alpha_pos_def});
  for (size_t i = mu; i < lambda; ++i) weights[i] = negative > 0 ? scale * raw[i] / negative : 0.0;
  return weights;
}

CmaDistribution::CmaDistribution(std::vector<double> mean, double sigma, std::vector<double> floor)
    : mean_(std::move(mean)), sigma_(sigma), floor_(std::move(floor)) {
  const size_t n = mean_.size();
  floor_.resize(n, 0.0);
  c_.assign(n * n, 0.0);
  for (size_t i = 0; i < n; ++i) c_[i * n + i] = 1.0;
  pc_.assign(n, 0.0);
  ps_.assign(n, 0.0);
  decompose();
}

std::vector<double> CmaDistribution::sample(Rng& rng, double spread) const {
  const size_t n = mean_.size();
  Vector z(n);
  for (size_t i = 0; i < n; ++i) z[i] = rng.normal();
  const Vector y = ConstMatrixMap(b_.data(), n, n) * (ConstVectorMap(d_.data(), n).cwiseProduct(z));
  std::vector<double> x(n);
  for (size_t i = 0; i < n; ++i) x[i] = mean_[i] + spread * sigma_ * margin_[i] * y[i];
  return x;
}

void CmaDistribution::tell(const std::vector<std::vector<double>>& ranked, size_t usable) {
  const size_t n = mean_.size();
  const size_t lambda = ranked.size();
  if (n == 0 || usable == 0 || lambda == 0 || broken_) return;
  usable = std::min(usable, lambda);
  const double dn = static_cast<double>(n);

  // Failures never pull the mean: their positive weights go to the usable points.
  std::vector<double> weights = recombination_weights(n, lambda);
  double positive = 0;
  for (size_t i = 0; i < lambda; ++i) {
    if (weights[i] > 0 && i >= usable) weights[i] = 0;
    if (weights[i] > 0) positive += weights[i];
  }
  if (!(positive > 0)) return;
  for (auto& w : weights)
    if (w > 0) w /= positive;
  const double mu_eff = effective_mass(weights);
  const Rates r = rates_for(dn, mu_eff);
  const double chi_n = expected_norm(dn);

  ConstMatrixMap b(b_.data(), n, n);
  ConstVectorMap d(d_.data(), n);
  const Matrix inv_sqrt_c = b * d.cwiseInverse().asDiagonal() * b.transpose();
  const ConstVectorMap m_old(mean_.data(), n);
  const ConstVectorMap a(margin_.data(), n);

  // Steps y_i = A^-1 (x_i - m) / sigma, clipped in Mahalanobis length (see the header).
  const double clip = std::sqrt(dn) + 2 * dn / (dn + 2);
  std::vector<Vector> steps(lambda);
  std::vector<double> lengths(lambda);
  for (size_t i = 0; i < lambda; ++i) {
    Vector y = (ConstVectorMap(ranked[i].data(), n) - m_old).cwiseQuotient(a) / sigma_;
    double length = (inv_sqrt_c * y).norm();
    if (length > clip) {
      y *= clip / length;
      length = clip;
    }
    steps[i] = std::move(y);
    lengths[i] = length;
  }

  Vector y_w = Vector::Zero(n);
  for (size_t i = 0; i < lambda; ++i)
    if (weights[i] > 0) y_w += weights[i] * steps[i];

  VectorMap mean(mean_.data(), n);
  mean += sigma_ * a.cwiseProduct(y_w);  // c_m = 1

  VectorMap ps(ps_.data(), n);
  ps = (1 - r.c_sigma) * ps + std::sqrt(r.c_sigma * (2 - r.c_sigma) * mu_eff) * (inv_sqrt_c * y_w);
  const double ps_norm = ps.norm();
  const double decay = 1 - std::pow(1 - r.c_sigma, 2.0 * (generation_ + 1));
  const bool h_sigma = ps_norm / std::sqrt(std::max(decay, 1e-300)) < (1.4 + 2 / (dn + 1)) * chi_n;

  VectorMap pc(pc_.data(), n);
  pc = (1 - r.c_c) * pc + (h_sigma ? std::sqrt(r.c_c * (2 - r.c_c) * mu_eff) : 0.0) * y_w;

  MatrixMap c(c_.data(), n, n);
  double weight_sum = 0;
  Matrix rank_mu = Matrix::Zero(n, n);
  for (size_t i = 0; i < lambda; ++i) {
    weight_sum += weights[i];
    double w = weights[i];
    if (w < 0) {
      // Tutorial eq. 46: negative weights act on steps rescaled to length sqrt(n).
      if (!(lengths[i] > 0)) continue;
      w *= dn / (lengths[i] * lengths[i]);
    }
    if (w != 0) rank_mu += w * steps[i] * steps[i].transpose();
  }
  const double delta_h = h_sigma ? 0.0 : r.c_c * (2 - r.c_c);
  c = (1 + r.c_1 * delta_h - r.c_1 - r.c_mu * weight_sum) * c + r.c_1 * (pc * pc.transpose()) +
      r.c_mu * rank_mu;

  // At most a factor e per generation: keeps one odd generation from wrecking the scale.
  sigma_ *= std::exp(std::min(1.0, (r.c_sigma / r.d_sigma) * (ps_norm / chi_n - 1)));
  ++generation_;
  decompose();
}

void CmaDistribution::decompose() {
  const size_t n = mean_.size();
  if (n == 0) {
    b_.clear();
    d_.clear();
    margin_.clear();
    return;
  }
  MatrixMap c(c_.data(), n, n);
  Matrix symmetric = 0.5 * (c + c.transpose());
  if (!symmetric.allFinite() || !std::isfinite(sigma_) || !all_finite(mean_)) {
    broken_ = true;
  } else {
    Eigen::SelfAdjointEigenSolver<Matrix> solver(symmetric);
    if (solver.info() != Eigen::Success) {
      broken_ = true;
    } else {
      Vector values = solver.eigenvalues();
      const double largest = values.maxCoeff();
      if (!(largest > 0) || !std::isfinite(largest)) {
        broken_ = true;
      } else {
        // Rounding can push tiny eigenvalues below zero; C must stay positive definite.
        values = values.cwiseMax(largest * 1e-20);
        Matrix vectors = solver.eigenvectors();
        c = vectors * values.asDiagonal() * vectors.transpose();
        b_.assign(vectors.data(), vectors.data() + n * n);
        // vectors is row-major here, matching b_'s layout.
        d_.resize(n);
        for (size_t i = 0; i < n; ++i) d_[i] = std::sqrt(values[static_cast<Eigen::Index>(i)]);
      }
    }
  }
  if (broken_) {
    // Keep a usable (if meaningless) factorisation; stop_reason() reports "numerical".
    b_.assign(n * n, 0.0);
    for (size_t i = 0; i < n; ++i) b_[i * n + i] = 1.0;
    d_.assign(n, 1.0);
  }
  refresh_margin();
}

void CmaDistribution::refresh_margin() {
  const size_t n = mean_.size();
  margin_.assign(n, 1.0);
  for (size_t j = 0; j < n; ++j) {
    const double sd = sigma_ * std::sqrt(std::max(c_[j * n + j], 0.0));
    if (floor_[j] > 0 && std::isfinite(sd))
      margin_[j] = std::max(1.0, floor_[j] / std::max(sd, 1e-300));
  }
}

std::optional<std::string> CmaDistribution::stop_reason(const std::vector<double>& tolx) const {
  const size_t n = mean_.size();
  if (n == 0) return std::nullopt;
  if (broken_ || !std::isfinite(sigma_) || !(sigma_ > 0) || !all_finite(mean_) || !all_finite(c_))
    return "numerical";
  bool small = true;
  for (size_t j = 0; j < n && small; ++j) {
    const double spread = sigma_ * std::max(std::sqrt(c_[j * n + j]), std::fabs(pc_[j]));
    small = spread < (j < tolx.size() ? tolx[j] : 0.0);
  }
  if (small) return "tolx";
  const auto [low, high] = std::minmax_element(d_.begin(), d_.end());
  if (*high * *high > 1e14 * *low * *low) return "conditioncov";
  const size_t axis = static_cast<size_t>(generation_) % n;
  bool moves = false;
  for (size_t j = 0; j < n && !moves; ++j)
    moves = mean_[j] + 0.1 * sigma_ * margin_[j] * d_[axis] * b_[j * n + axis] != mean_[j];
  if (!moves) return "noeffectaxis";
  for (size_t j = 0; j < n; ++j)
    if (mean_[j] + 0.2 * sigma_ * margin_[j] * std::sqrt(c_[j * n + j]) == mean_[j])
      return "noeffectcoord";
  return std::nullopt;
}

}  // namespace sextant::algorithms
