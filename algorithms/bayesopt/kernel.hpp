// The covariance piece of the Gaussian process: a kernel over feature vectors whose
// hyperparameters live in log space, with their box, their prior, and the derivatives the
// likelihood fit (by hyperparameter) and the acquisition polish (by input) need.
#pragma once

#include <memory>
#include <vector>

#include <Eigen/Core>

#include "algorithms/common/rng.hpp"

namespace sextant::algorithms::bayesopt {

// How the features of one point relate to the kernel's inputs. A numeric parameter is one
// feature of weight 1. A categorical parameter is one-hot, weight 1/2 on each of its features,
// so that two different categories are at squared distance 1 (a Hamming distance) and share one
// length scale.
struct FeatureLayout {
  std::vector<size_t> input_of;  // feature -> input (length scale) index
  std::vector<double> weight;    // feature -> weight of its squared difference
  size_t inputs = 0;             // number of length scales

  size_t features() const { return input_of.size(); }
};

// Contract: every matrix of points has one point per ROW and FeatureLayout::features() columns.
// parameters() and set_parameters() use the same log-space vector that the bounds, the prior and
// weighted_gradient() describe. Stationary: k(x, x) = variance() for every x.
class Kernel {
 public:
  virtual ~Kernel() = default;
  virtual std::unique_ptr<Kernel> clone() const = 0;

  virtual size_t parameter_count() const = 0;
  virtual Eigen::VectorXd parameters() const = 0;
  virtual void set_parameters(const Eigen::VectorXd& theta) = 0;
  virtual Eigen::VectorXd lower_bounds() const = 0;
  virtual Eigen::VectorXd upper_bounds() const = 0;
  // Where a fit starts when there is no earlier optimum: the centre of the prior.
  virtual Eigen::VectorXd default_parameters() const = 0;
  // log p(theta) of the kernel's prior up to a constant; adds d log p / d theta to `gradient`.
  virtual double log_prior(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) const = 0;
  // A draw from the prior, clipped to the box: starting points of the fit's restarts.
  virtual Eigen::VectorXd sample_prior(Rng& rng) const = 0;

  virtual double variance() const = 0;
  // result(i, j) = k(a_i, b_j).
  virtual Eigen::MatrixXd cross(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const = 0;
  // d/d theta of sum_ij w_ij k(x_i, x_j), for a symmetric w: with w = alpha alpha^T - K^-1 this
  // is twice the gradient of the log marginal likelihood.
  virtual Eigen::VectorXd weighted_gradient(const Eigen::MatrixXd& x,
                                            const Eigen::MatrixXd& w) const = 0;
  // result(j, f) = d k(x, b_j) / d x_f, for one point x.
  virtual Eigen::MatrixXd cross_gradient(const Eigen::RowVectorXd& x,
                                         const Eigen::MatrixXd& b) const = 0;
};

}  // namespace sextant::algorithms::bayesopt
