// Log marginal likelihood with its ARD gradient, minimised by NLopt L-BFGS with restarts.
#include "algorithms/bayesopt/likelihood_fit.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <Eigen/Cholesky>
#include <nlopt.hpp>

namespace sextant::algorithms::bayesopt {

namespace {

constexpr double kFailedValue = 1e30;
constexpr double kNoisePenalty = 10.0;  // -ln prior of the noise variance v: 10 v

struct Objective {
  Kernel* kernel;
  const Eigen::MatrixXd* x;
  const Eigen::VectorXd* y;
  double best_value = std::numeric_limits<double>::infinity();
  Eigen::VectorXd best_theta;
};

double evaluate(unsigned dimension, const double* theta_data, double* gradient_data,
                void* context) {
  auto& objective = *static_cast<Objective*>(context);
  const Eigen::Map<const Eigen::VectorXd> theta(theta_data, dimension);
  Eigen::VectorXd gradient(dimension);
  const double value = negative_log_posterior(*objective.kernel, *objective.x, *objective.y, theta,
                                              gradient_data ? &gradient : nullptr);
  if (gradient_data) Eigen::Map<Eigen::VectorXd>(gradient_data, dimension) = gradient;
  if (value < objective.best_value) {
    objective.best_value = value;
    objective.best_theta = theta;
  }
  return value;
}

}  // namespace

Eigen::MatrixXd inverse_from_cholesky(const Eigen::MatrixXd& factor) {
  // X = L^-1 by column blocks: block column J of X solves L[J:, J:] X[J:, J] = I[J:, J], and the
  // rows above J are zero, so the solves cost n^3 / 3 in all. Then K^-1 = X^T X, whose block
  // column J (rows >= J) is X[J:, J:]^T X[J:, J], triangular times dense: n^3 / 3 again. The
  // plain K.llt().solve(I) costs 2 n^3; this is the O(n^3) of every likelihood gradient.
  constexpr Eigen::Index kBlock = 64;
  const Eigen::Index n = factor.rows();
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, n);
  for (Eigen::Index j = 0; j < n; j += kBlock) {
    const Eigen::Index width = std::min(kBlock, n - j), rest = n - j;
    auto block = x.block(j, j, rest, width);
    block.topRows(width).setIdentity();
    factor.bottomRightCorner(rest, rest).triangularView<Eigen::Lower>().solveInPlace(block);
  }
  Eigen::MatrixXd lower(n, n);
  for (Eigen::Index j = 0; j < n; j += kBlock) {
    const Eigen::Index width = std::min(kBlock, n - j), rest = n - j;
    lower.block(j, j, rest, width).noalias() =
        x.bottomRightCorner(rest, rest).triangularView<Eigen::Lower>().transpose() *
        x.block(j, j, rest, width);
  }
  return lower.selfadjointView<Eigen::Lower>();
}

Eigen::VectorXd hyperparameter_lower_bounds(const Kernel& kernel) {
  Eigen::VectorXd lower(kernel.parameter_count() + 1);
  lower << kernel.lower_bounds(), std::log(kNoiseVarianceMin);
  return lower;
}

Eigen::VectorXd hyperparameter_upper_bounds(const Kernel& kernel) {
  Eigen::VectorXd upper(kernel.parameter_count() + 1);
  upper << kernel.upper_bounds(), std::log(kNoiseVarianceMax);
  return upper;
}

Eigen::VectorXd default_hyperparameters(const Kernel& kernel) {
  Eigen::VectorXd theta(kernel.parameter_count() + 1);
  theta << kernel.default_parameters(), std::log(kNoiseVarianceDefault);
  return theta;
}

double negative_log_posterior(Kernel& kernel, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                              const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) {
  const Eigen::Index p = static_cast<Eigen::Index>(kernel.parameter_count());
  const Eigen::Index n = x.rows();
  kernel.set_parameters(theta.head(p));
  const double noise = std::exp(theta[p]);
  if (gradient) gradient->setZero(p + 1);

  Eigen::MatrixXd k = kernel.cross(x, x);
  k.diagonal().setConstant(kernel.variance() + noise);
  Eigen::LLT<Eigen::MatrixXd> llt(k);
  if (llt.info() != Eigen::Success) return kFailedValue;
  const Eigen::VectorXd alpha = llt.solve(y);
  const double log_det = 2.0 * llt.matrixLLT().diagonal().array().log().sum();
  double value =
      0.5 * y.dot(alpha) + 0.5 * log_det + 0.5 * static_cast<double>(n) * std::log(2 * M_PI);

  // Priors: the kernel's own, and the noise penalty.
  Eigen::VectorXd prior_gradient = Eigen::VectorXd::Zero(p);
  value -= kernel.log_prior(theta.head(p), prior_gradient);
  value += kNoisePenalty * noise;
  if (!std::isfinite(value)) return kFailedValue;
  if (!gradient) return value;

  // d(-ln p(y))/d theta = -1/2 tr((alpha alpha^T - K^-1) dK/d theta) (R&W eq. 5.9).
  Eigen::MatrixXd w = inverse_from_cholesky(llt.matrixLLT());
  w = alpha * alpha.transpose() - w;
  gradient->head(p) = -0.5 * kernel.weighted_gradient(x, w) - prior_gradient;
  (*gradient)[p] = -0.5 * noise * w.trace() + kNoisePenalty * noise;
  return value;
}

Eigen::VectorXd fit_hyperparameters(Kernel& kernel, const Eigen::MatrixXd& x,
                                    const Eigen::VectorXd& y,
                                    const std::optional<Eigen::VectorXd>& warm_start,
                                    const FitBudget& budget, Rng& rng) {
  const Eigen::VectorXd lower = hyperparameter_lower_bounds(kernel);
  const Eigen::VectorXd upper = hyperparameter_upper_bounds(kernel);
  const unsigned dimension = static_cast<unsigned>(lower.size());

  std::vector<Eigen::VectorXd> starts;
  if (warm_start && warm_start->size() == lower.size() && warm_start->allFinite())
    starts.push_back(*warm_start);
  else
    starts.push_back(default_hyperparameters(kernel));
  for (int i = 0; i < budget.random_starts; ++i) {
    Eigen::VectorXd start(dimension);
    start << kernel.sample_prior(rng),
        std::log(kNoiseVarianceMin) +
            rng.uniform() * (std::log(1e-2) - std::log(kNoiseVarianceMin));
    starts.push_back(start);
  }

  Objective objective{&kernel, &x, &y, std::numeric_limits<double>::infinity(), {}};
  for (const auto& start : starts) {
    nlopt::opt optimizer(nlopt::LD_LBFGS, dimension);
    optimizer.set_lower_bounds(std::vector<double>(lower.data(), lower.data() + dimension));
    optimizer.set_upper_bounds(std::vector<double>(upper.data(), upper.data() + dimension));
    optimizer.set_min_objective(evaluate, &objective);
    optimizer.set_maxeval(budget.max_evaluations);
    optimizer.set_ftol_rel(1e-7);
    optimizer.set_xtol_rel(1e-5);
    const Eigen::VectorXd clipped = start.cwiseMax(lower).cwiseMin(upper);
    std::vector<double> point(clipped.data(), clipped.data() + dimension);
    double value = 0;
    try {
      optimizer.optimize(point, value);
    } catch (const std::exception&) {
      // Round-off or a failed line search ends this start; the best point seen is kept below.
    }
  }
  Eigen::VectorXd best =
      objective.best_theta.size() == lower.size() ? objective.best_theta : starts.front();
  kernel.set_parameters(best.head(static_cast<Eigen::Index>(kernel.parameter_count())));
  return best;
}

}  // namespace sextant::algorithms::bayesopt
