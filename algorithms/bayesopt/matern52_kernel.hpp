// Matern 5/2 kernel with automatic relevance determination: one length scale per input.
#pragma once

#include "algorithms/bayesopt/kernel.hpp"

namespace sextant::algorithms::bayesopt {

// k(a, b) = s2 (1 + s + s^2 / 3) exp(-s),  s = sqrt(5 sum_f w_f (a_f - b_f)^2 / l_{input(f)}^2)
// (Rasmussen and Williams 2006, eq. 4.17). Twice differentiable, so its sample paths are rough
// enough for real objectives and smooth enough for gradient-based acquisition search (Snoek,
// Larochelle, Adams 2012 recommend it over the squared exponential for the same reason).
//
// Hyperparameters, in log space: theta = [ln s2, ln l_1, ..., ln l_inputs].
// | hyperparameter                 | box                | prior on its logarithm            |
// |--------------------------------|--------------------|-----------------------------------|
// | s2 (outputs standardised: ~1)  | [0.01, 100]        | N(0, 1.5^2)                       |
// | l_i (inputs in the unit cube)  | [0.01, 10 sqrt(d)] | N(ln(0.3 max(1, sqrt(d))), 1.5^2) |
// The length-scale prior's centre grows with sqrt(d) because typical distances between points of
// [0,1]^d do (Hvarfner, Hellsten, Nardi 2024, "Vanilla Bayesian optimization performs great in
// high dimensions"); its width lets the data move it by a factor of 20 at little cost. The upper
// bound is far enough for an input that does not matter to be switched off.
class Matern52Kernel final : public Kernel {
 public:
  explicit Matern52Kernel(FeatureLayout layout);

  std::unique_ptr<Kernel> clone() const override;

  size_t parameter_count() const override { return 1 + layout_.inputs; }
  Eigen::VectorXd parameters() const override { return theta_; }
  void set_parameters(const Eigen::VectorXd& theta) override;
  Eigen::VectorXd lower_bounds() const override;
  Eigen::VectorXd upper_bounds() const override;
  Eigen::VectorXd default_parameters() const override;
  double log_prior(const Eigen::VectorXd& theta, Eigen::VectorXd& gradient) const override;
  Eigen::VectorXd sample_prior(Rng& rng) const override;

  double variance() const override { return signal_variance_; }
  Eigen::MatrixXd cross(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const override;
  Eigen::VectorXd weighted_gradient(const Eigen::MatrixXd& x,
                                    const Eigen::MatrixXd& w) const override;
  Eigen::MatrixXd cross_gradient(const Eigen::RowVectorXd& x,
                                 const Eigen::MatrixXd& b) const override;

 private:
  // Points with each feature multiplied by sqrt(w_f) / l_input(f): plain Euclidean distances of
  // scaled points are the kernel's r.
  Eigen::MatrixXd scaled(const Eigen::MatrixXd& x) const;
  // sqrt(5) r for every pair of rows.
  Eigen::ArrayXXd root5_distances(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b) const;
  double length_scale_prior_mean() const;

  FeatureLayout layout_;
  Eigen::VectorXd theta_;
  double signal_variance_ = 1;
  Eigen::RowVectorXd feature_scale_;  // sqrt(w_f) / l_input(f)
};

}  // namespace sextant::algorithms::bayesopt
