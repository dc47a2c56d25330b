// The GP of the completed trials as bayesianoptimization keeps it between suggestions: losses
// standardised, hyperparameters refitted on the schedule of refit_schedule.hpp, and the Cholesky
// factor extended row by row in between.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include <Eigen/Core>

#include "algorithms/bayesopt/gaussian_process.hpp"
#include "algorithms/bayesopt/kernel.hpp"
#include "algorithms/bayesopt/output_scaler.hpp"

namespace sextant::algorithms::bayesopt {

// Reproducibility: the factor is always "full factorisation of the first fitted_at observations,
// then one appended row per later observation, in history order". That is what a running
// instance computes incrementally and what a restarted one (hyperparameters and fitted_at from
// the saved state) recomputes, so both hold the same bits and suggest the same points. When the
// observations are not an extension of the cached ones (a trial that was pending completed
// before later ones), the factor is rebuilt the same canonical way.
class Surrogate {
 public:
  explicit Surrogate(FeatureLayout layout);

  // `features`: one row per completed trial, in history order; `losses` the same order.
  // `seed` seeds the fit's random restarts (with the number of observations).
  void update(const Eigen::MatrixXd& features, const std::vector<double>& losses, uint64_t seed);

  const GaussianProcess& gp() const { return *gp_; }
  const OutputScaler& scaler() const { return scaler_; }
  bool refitted() const { return refitted_; }  // by the last update()

  // Saved state: the hyperparameters ([kernel..., ln noise]) and the count they were fitted at.
  const std::optional<Eigen::VectorXd>& hyperparameters() const { return theta_; }
  std::optional<size_t> fitted_at() const { return fitted_at_; }
  size_t hyperparameter_count() const;
  // Ignored unless theta has hyperparameter_count() finite entries.
  void restore(const Eigen::VectorXd& theta, size_t fitted_at);

 private:
  GaussianProcess make_gp(const Eigen::VectorXd& theta) const;

  FeatureLayout layout_;
  OutputScaler scaler_;
  std::optional<Eigen::VectorXd> theta_;
  std::optional<size_t> fitted_at_;
  std::optional<GaussianProcess> gp_;
  bool refitted_ = false;
};

}  // namespace sextant::algorithms::bayesopt
