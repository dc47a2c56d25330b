// `bayesianoptimization`: Gaussian-process Bayesian optimisation (Katib: scikit-optimize's
// Optimizer), built from limbo's pieces, each in its own file of this folder: kernel (Matern 5/2
// ARD, matern52_kernel.hpp), mean (mean.hpp), output standardisation (output_scaler.hpp),
// likelihood fit (likelihood_fit.hpp, refit_schedule.hpp), incremental Cholesky
// (cholesky_append.hpp), acquisition (acquisition.hpp, gp_hedge.hpp) and acquisition optimiser
// (acquisition_optimizer.hpp), over the GP inputs of feature_map.hpp.
//
// Settings (spec.algorithm.algorithmSettings):
// | name             | default             | values                | meaning                     |
// |------------------|---------------------|-----------------------|-----------------------------|
// | base_estimator   | GP                  | GP                    | surrogate model; Katib's RF,|
// |                  |                     |                       | ET, GBRT are rejected with  |
// |                  |                     |                       | a message                   |
// | n_initial_points | 10                  | integer >= 0          | scrambled Sobol points      |
// |                  |                     |                       | before the GP is used       |
// | acq_func         | gp_hedge            | gp_hedge, LCB, EI, PI | acquisition; EIps and PIps  |
// |                  |                     |                       | are rejected (trial         |
// |                  |                     |                       | durations are not modelled) |
// | acq_optimizer    | auto                | auto, sampling, lbfgs | acquisition search, see     |
// |                  |                     |                       | acquisition_optimizer.hpp   |
// | random_state     | none: a seed is     | integer >= 0          | seed of every draw          |
// |                  | drawn once and kept |                       |                             |
// |                  | in the state        |                       |                             |
// Any other setting name is rejected with this list (as Katib's skopt service does).
//
// Each suggestion:
// - Initial design: while completed + pending trials (plus the batch so far) number fewer than
//   n_initial_points, or fewer than 2 trials have a loss, trial i of the experiment gets point i
//   of a scrambled Sobol sequence (random points above 64 parameters).
// - Model: a GP on the completed trials' standardised losses (maximised objectives negated).
//   Failed, Killed and MetricsUnavailable trials are NOT fed to the model (Katib ignores them
//   too: there is no loss to learn from), but are never proposed again.
// - Hyperparameters: refitted by maximum likelihood with mild priors at every new observation
//   up to 20, then every 10% more (refit_schedule.hpp); in between each new observation adds
//   one row to the Cholesky factor in O(n^2).
// - Pending trials and batches: constant liar. Each pending trial, then each suggestion already
//   made in the batch, is added to a copy of the GP with the mean observed loss as its value
//   (Ginsbourger, Le Riche, Carraro 2010), which removes the variance there and spreads the batch.
// - Acquisition: EI, LCB (kappa 1.96) or PI on the standardised loss; gp_hedge draws one of the
//   three per suggestion by the Hedge rule (gp_hedge.hpp).
// - Every suggestion passes FreshPoints: the best-ranked point that no trial has used wins; when
//   all candidates are used, a random unused point.
//
// Reproducibility: the generator of the i-th trial is derived from (seed, i); the fit's restarts
// from (seed, number of observations). The saved state holds the seed, the hyperparameters and
// the observation count they were fitted at, and gp_hedge's gains and last nominees; a
// restarted instance with that state and the same history suggests the same points (see
// surrogate.hpp for why the factor is bit-identical).
//
// Known limit: one maximum-likelihood fit can switch off inputs whose effect the early data do
// not show (long length scales). On Hartmann6, 12 of 20 seeds settle in the -3.20 local optimum
// for that reason (bench/quality/results/). Marginalising the hyperparameters (Snoek et al.
// 2012) or input warping is the fix to try; EI/LCB variants, interleaved Sobol points and
// tighter priors did not change it.
//
// References: C. E. Rasmussen and C. K. I. Williams, "Gaussian Processes for Machine Learning",
// MIT Press 2006; J. Snoek, H. Larochelle and R. P. Adams, "Practical Bayesian Optimization of
// Machine Learning Algorithms", NIPS 2012; M. Hoffman, E. Brochu and N. de Freitas, "Portfolio
// Allocation for Bayesian Optimization", UAI 2011; D. R. Jones, M. Schonlau and W. J. Welch,
// "Efficient Global Optimization of Expensive Black-Box Functions", J. Global Optimization 13
// (1998) 455-492; E. C. Garrido-Merchan and D. Hernandez-Lobato, "Dealing with categorical and
// integer-valued variables in Bayesian optimization with Gaussian processes", Neurocomputing 380
// (2020) 20-35; J.-B. Mouret et al., limbo (resibots). Katib: reference/katib.md section 3.3.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/bayesopt/bayesopt_settings.hpp"
#include "algorithms/bayesopt/feature_map.hpp"
#include "algorithms/bayesopt/gp_hedge.hpp"
#include "algorithms/bayesopt/surrogate.hpp"
#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/observations.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/sobol/sobol_sequence.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class BayesianOptimization final : public engine::Algorithm {
 public:
  BayesianOptimization(const engine::ExperimentSpec& spec, bayesopt::BayesOptSettings settings);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  // {"seed":"<decimal>", "hyperparameters":[...], "fitted_at":n, "gains":[3],
  //  "nominees":[[...] x 3], "nominated_at":n}; all but the seed optional.
  std::string save_state() const override;
  void restore_state(const std::string& state) override;

  uint64_t seed() const { return seed_; }

 private:
  std::vector<double> initial_point(uint64_t position, Rng& rng) const;
  // Brings the surrogate up to `observations` and rewards gp_hedge's last nominees.
  void update_model(const Observations& observations);
  std::optional<engine::Assignment> model_suggestion(const bayesopt::GaussianProcess& gp,
                                                     const Observations& observations,
                                                     FreshPoints& fresh, Rng& rng, bool nominate);

  engine::SearchSpace space_;
  engine::ObjectiveType objective_;
  UnitCube cube_;
  bayesopt::FeatureMap features_;
  bayesopt::BayesOptSettings settings_;
  uint64_t seed_ = 0;
  bool seed_fixed_ = false;  // random_state given: a restored state cannot override it
  std::optional<SobolSequence> sobol_;
  bayesopt::Surrogate surrogate_;
  bayesopt::GpHedge hedge_;
};

class BayesianOptimizationFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "bayesianoptimization"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
