// Type-II maximum likelihood (with mild priors) for the GP's hyperparameters: the kernel's log
// parameters followed by ln(noise variance), fitted by L-BFGS with the analytic gradient.
#pragma once

#include <optional>

#include <Eigen/Core>

#include "algorithms/bayesopt/kernel.hpp"
#include "algorithms/common/rng.hpp"

namespace sextant::algorithms::bayesopt {

// Noise variance on standardised outputs: at least 1e-6 (deterministic objectives, and the
// jitter that keeps K positive definite), at most 1 (all of the spread is noise). Its prior is
// flat in ln(noise) and adds 10 * noise to the objective, so that a little data is explained by
// the kernel rather than as noise, while a really noisy objective can still raise it.
inline constexpr double kNoiseVarianceMin = 1e-6;
inline constexpr double kNoiseVarianceMax = 1.0;
inline constexpr double kNoiseVarianceDefault = 1e-4;

struct FitBudget {
  int random_starts = 2;     // starts drawn from the prior, besides the warm start
  int max_evaluations = 60;  // likelihood evaluations per start
};

// -ln p(y | x, theta) - ln p(theta) (Rasmussen and Williams 2006, eq. 5.8 and 5.9). With a
// gradient pointer, fills d/d theta. Returns a huge value when K cannot be factorised.
// theta = [kernel.parameters()..., ln noise]; `kernel` is left with theta's kernel part set.
double negative_log_posterior(Kernel& kernel, const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                              const Eigen::VectorXd& theta, Eigen::VectorXd* gradient);

// K^-1 from the lower Cholesky factor of K (only the lower triangle of `factor` is read), in
// 2n^3/3 flops.
Eigen::MatrixXd inverse_from_cholesky(const Eigen::MatrixXd& factor);

Eigen::VectorXd hyperparameter_lower_bounds(const Kernel& kernel);
Eigen::VectorXd hyperparameter_upper_bounds(const Kernel& kernel);
Eigen::VectorXd default_hyperparameters(const Kernel& kernel);

// Minimises negative_log_posterior from `warm_start` (the previous optimum, or the defaults)
// and from budget.random_starts draws of the prior, each by NLopt's LD_LBFGS inside the box;
// returns the best theta found and leaves it set in `kernel`. Deterministic for a given rng.
Eigen::VectorXd fit_hyperparameters(Kernel& kernel, const Eigen::MatrixXd& x,
                                    const Eigen::VectorXd& y,
                                    const std::optional<Eigen::VectorXd>& warm_start,
                                    const FitBudget& budget, Rng& rng);

}  // namespace sextant::algorithms::bayesopt
