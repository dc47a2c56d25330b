// Refit on schedule, else extend the cached factor (or rebuild it canonically).
#include "algorithms/bayesopt/surrogate.hpp"

#include <cmath>

#include "algorithms/bayesopt/likelihood_fit.hpp"
#include "algorithms/bayesopt/matern52_kernel.hpp"
#include "algorithms/bayesopt/mean.hpp"
#include "algorithms/bayesopt/refit_schedule.hpp"
#include "algorithms/common/rng.hpp"

namespace sextant::algorithms::bayesopt {

namespace {
constexpr uint64_t kRefitStream = 0x6270726566697473ULL;  // keeps fit draws apart from trial draws
}  // namespace

Surrogate::Surrogate(FeatureLayout layout) : layout_(std::move(layout)) {}

size_t Surrogate::hyperparameter_count() const {
  return Matern52Kernel(layout_).parameter_count() + 1;
}

GaussianProcess Surrogate::make_gp(const Eigen::VectorXd& theta) const {
  auto kernel = std::make_unique<Matern52Kernel>(layout_);
  const Eigen::Index p = static_cast<Eigen::Index>(kernel->parameter_count());
  kernel->set_parameters(theta.head(p));
  return GaussianProcess(std::move(kernel), std::make_unique<ConstantMean>(0.0),
                         std::exp(theta[p]));
}

void Surrogate::restore(const Eigen::VectorXd& theta, size_t fitted_at) {
  if (static_cast<size_t>(theta.size()) != hyperparameter_count() || !theta.allFinite()) return;
  theta_ = theta;
  fitted_at_ = fitted_at;
  gp_.reset();
}

void Surrogate::update(const Eigen::MatrixXd& features, const std::vector<double>& losses,
                       uint64_t seed) {
  const Eigen::Index n = features.rows();
  scaler_ = OutputScaler::fit(losses);
  const Eigen::VectorXd y = scaler_.transform(losses);
  refitted_ = false;

  if (!theta_ || refit_due(fitted_at_, static_cast<size_t>(n))) {
    Matern52Kernel kernel(layout_);
    Rng rng(derive_seed(splitmix64(seed ^ kRefitStream), static_cast<uint64_t>(n)));
    const bool warm = theta_.has_value();
    theta_ = fit_hyperparameters(kernel, features, y, theta_,
                                 fit_budget(static_cast<size_t>(n), warm), rng);
    fitted_at_ = static_cast<size_t>(n);
    gp_ = make_gp(*theta_);
    gp_->reset(features, y);
    refitted_ = true;
    return;
  }

  const Eigen::Index fitted = static_cast<Eigen::Index>(*fitted_at_);
  const bool extends = gp_ && gp_->size() >= fitted && gp_->size() <= n &&
                       gp_->points() == features.topRows(gp_->size());
  if (!extends) {
    gp_ = make_gp(*theta_);
    gp_->reset(features.topRows(fitted), y.head(fitted));
  }
  for (Eigen::Index i = gp_->size(); i < n; ++i) gp_->append(features.row(i), y[i], false);
  gp_->set_targets(y);
}

}  // namespace sextant::algorithms::bayesopt
