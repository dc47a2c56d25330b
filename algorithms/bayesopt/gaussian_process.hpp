// Gaussian-process regression with fixed hyperparameters: exact factorisation, O(n^2) appends,
// batched predictions for acquisition sweeps and single predictions with input gradients for
// the acquisition polish.
#pragma once

#include <memory>

#include <Eigen/Core>

#include "algorithms/bayesopt/kernel.hpp"
#include "algorithms/bayesopt/mean.hpp"

namespace sextant::algorithms::bayesopt {

// The model (Rasmussen and Williams 2006, algorithm 2.1): with K = k(X, X) + noise I = L L^T and
// alpha = K^-1 (y - m(X)),
//   mean(x) = m(x) + k(x, X) alpha,   variance(x) = k(x, x) - |L^-1 k(X, x)|^2
// (the variance of the latent function, without the observation noise).
class GaussianProcess {
 public:
  GaussianProcess(std::unique_ptr<Kernel> kernel, std::unique_ptr<Mean> mean,
                  double noise_variance);
  GaussianProcess(const GaussianProcess& other);
  GaussianProcess& operator=(const GaussianProcess& other);
  GaussianProcess(GaussianProcess&&) = default;
  GaussianProcess& operator=(GaussianProcess&&) = default;

  Eigen::Index size() const { return n_; }
  const Kernel& kernel() const { return *kernel_; }
  // The noise on the diagonal, jitter included (see reset()).
  double noise_variance() const { return noise_; }
  Eigen::MatrixXd points() const { return x_.topRows(n_); }
  Eigen::MatrixXd factor() const;  // L, n x n

  // Factorises from scratch in O(n^3). When rounding makes K not positive definite (duplicate
  // points with the smallest noise), jitter is added to the noise in steps of 10 until it is.
  void reset(const Eigen::MatrixXd& points, const Eigen::VectorXd& targets);
  // Adds one observation in O(n^2) (cholesky_append.hpp). `solve` = false skips re-solving
  // alpha, for a run of appends followed by set_targets().
  void append(const Eigen::RowVectorXd& point, double target, bool solve = true);
  // New targets for the same points (say, re-standardised losses): O(n^2).
  void set_targets(const Eigen::VectorXd& targets);

  // One row of `points` per prediction; chunked so memory stays O(n * chunk).
  void predict(const Eigen::MatrixXd& points, Eigen::VectorXd& mean,
               Eigen::VectorXd& variance) const;
  Eigen::VectorXd predict_mean(const Eigen::MatrixXd& points) const;

  struct PointPrediction {
    double mean = 0;
    double variance = 0;
    Eigen::RowVectorXd mean_gradient;      // d mean / d x_f
    Eigen::RowVectorXd variance_gradient;  // d variance / d x_f
  };
  PointPrediction predict_point(const Eigen::RowVectorXd& point) const;

 private:
  void reserve(Eigen::Index capacity);
  void solve_alpha();

  std::unique_ptr<Kernel> kernel_;
  std::unique_ptr<Mean> mean_;
  double noise_;
  Eigen::Index n_ = 0;
  Eigen::MatrixXd x_;  // capacity rows; the first n_ are the points
  Eigen::VectorXd y_;  // targets of the first n_ points
  Eigen::MatrixXd l_;  // capacity x capacity; the top-left n_ x n_ lower triangle is L
  Eigen::VectorXd alpha_;
};

}  // namespace sextant::algorithms::bayesopt
