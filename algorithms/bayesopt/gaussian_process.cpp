// Exact GP algebra on Eigen: LLT on refits, row appends in between, TRSM for batched variances.
#include "algorithms/bayesopt/gaussian_process.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Cholesky>

#include "algorithms/bayesopt/cholesky_append.hpp"

namespace sextant::algorithms::bayesopt {

namespace {
constexpr Eigen::Index kPredictChunk = 512;
}  // namespace

GaussianProcess::GaussianProcess(std::unique_ptr<Kernel> kernel, std::unique_ptr<Mean> mean,
                                 double noise_variance)
    : kernel_(std::move(kernel)), mean_(std::move(mean)), noise_(noise_variance) {}

GaussianProcess::GaussianProcess(const GaussianProcess& other)
    : kernel_(other.kernel_->clone()),
      mean_(other.mean_->clone()),
      noise_(other.noise_),
      n_(other.n_),
      x_(other.x_),
      y_(other.y_),
      l_(other.l_),
      alpha_(other.alpha_) {}

GaussianProcess& GaussianProcess::operator=(const GaussianProcess& other) {
  if (this != &other) *this = GaussianProcess(other);
  return *this;
}

Eigen::MatrixXd GaussianProcess::factor() const {
  Eigen::MatrixXd l = l_.topLeftCorner(n_, n_);
  return l.triangularView<Eigen::Lower>();
}

void GaussianProcess::reserve(Eigen::Index capacity) {
  if (capacity <= x_.rows()) return;
  capacity = std::max(capacity, x_.rows() + x_.rows() / 2);
  const Eigen::Index features = static_cast<Eigen::Index>(x_.cols());
  Eigen::MatrixXd x(capacity, features);
  Eigen::MatrixXd l(capacity, capacity);
  x.topRows(n_) = x_.topRows(n_);
  l.topLeftCorner(n_, n_) = l_.topLeftCorner(n_, n_);
  x_.swap(x);
  l_.swap(l);
  y_.conservativeResize(capacity);
}

void GaussianProcess::reset(const Eigen::MatrixXd& points, const Eigen::VectorXd& targets) {
  n_ = 0;
  x_.resize(0, points.cols());
  l_.resize(0, 0);
  y_.resize(0);
  reserve(points.rows() + 16);
  n_ = points.rows();
  x_.topRows(n_) = points;
  y_.head(n_) = targets;
  Eigen::MatrixXd k = kernel_->cross(points, points);
  k.diagonal().setConstant(kernel_->variance());  // exact, whatever the distance rounding
  const double base_noise = noise_;
  double jitter = 0;
  for (int attempt = 0; attempt < 12; ++attempt) {
    Eigen::MatrixXd shifted = k;
    shifted.diagonal().array() += base_noise + jitter;
    Eigen::LLT<Eigen::MatrixXd> llt(shifted);
    if (llt.info() == Eigen::Success) {
      noise_ = base_noise + jitter;
      l_.topLeftCorner(n_, n_) = llt.matrixL();
      solve_alpha();
      return;
    }
    jitter = jitter == 0 ? 1e-10 * kernel_->variance() : jitter * 10;
  }
  // Not reachable with a positive kernel variance (jitter reaches 0.1 s2); keep a diagonal model
  // rather than fail the suggestion.
  noise_ = base_noise + jitter;
  l_.topLeftCorner(n_, n_).setZero();
  l_.topLeftCorner(n_, n_).diagonal().setConstant(std::sqrt(kernel_->variance() + noise_));
  solve_alpha();
}

void GaussianProcess::append(const Eigen::RowVectorXd& point, double target, bool solve) {
  if (x_.cols() != point.size()) x_.resize(0, point.size());
  reserve(n_ + 1);
  const Eigen::VectorXd k =
      n_ > 0 ? Eigen::VectorXd(kernel_->cross(x_.topRows(n_), point).col(0)) : Eigen::VectorXd();
  cholesky_append(l_, n_, k, kernel_->variance() + noise_, 1e-3 * noise_);
  x_.row(n_) = point;
  y_[n_] = target;
  ++n_;
  if (solve) solve_alpha();
}

void GaussianProcess::set_targets(const Eigen::VectorXd& targets) {
  y_.head(n_) = targets;
  solve_alpha();
}

void GaussianProcess::solve_alpha() {
  alpha_ = y_.head(n_) - mean_->at(x_.topRows(n_));
  if (n_ == 0) return;
  const auto l = l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>();
  l.solveInPlace(alpha_);
  l.transpose().solveInPlace(alpha_);
}

void GaussianProcess::predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean,
                              Eigen::VectorXd& variance) const {
  const Eigen::Index m = points.rows();
  mean = mean_->at(points);
  variance = Eigen::VectorXd::Constant(m, kernel_->variance());
  if (n_ == 0) return;
  const auto l = l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>();
  const Eigen::MatrixXd x = x_.topRows(n_);
  for (Eigen::Index start = 0; start < m; start += kPredictChunk) {
    const Eigen::Index rows = std::min(kPredictChunk, m - start);
    Eigen::MatrixXd cross = kernel_->cross(x, points.middleRows(start, rows));  // n x rows
    mean.segment(start, rows) += cross.transpose() * alpha_;
    l.solveInPlace(cross);
    variance.segment(start, rows) -= cross.colwise().squaredNorm().transpose();
  }
  variance = variance.cwiseMax(0.0);
}

Eigen::VectorXd GaussianProcess::predict_mean(const Eigen::MatrixXd& points) const {
  Eigen::VectorXd mean = mean_->at(points);
  if (n_ > 0) mean += kernel_->cross(points, x_.topRows(n_)) * alpha_;
  return mean;
}

GaussianProcess::PointPrediction GaussianProcess::predict_point(
    const Eigen::RowVectorXd& point) const {
  PointPrediction out;
  out.mean = mean_->at(point)[0];
  out.variance = kernel_->variance();
  out.mean_gradient = mean_->gradient(point);
  out.variance_gradient = Eigen::RowVectorXd::Zero(point.size());
  if (n_ == 0) return out;
  const Eigen::MatrixXd x = x_.topRows(n_);
  const Eigen::VectorXd k = kernel_->cross(x, point).col(0);
  const Eigen::MatrixXd dk = kernel_->cross_gradient(point, x);  // n x features
  out.mean += k.dot(alpha_);
  out.mean_gradient += alpha_.transpose() * dk;
  const auto l = l_.topLeftCorner(n_, n_).triangularView<Eigen::Lower>();
  Eigen::VectorXd v = l.solve(k);
  out.variance = std::max(0.0, out.variance - v.squaredNorm());
  l.transpose().solveInPlace(v);  // K^-1 k
  out.variance_gradient = -2.0 * (v.transpose() * dk);
  return out;
}

}  // namespace sextant::algorithms::bayesopt
