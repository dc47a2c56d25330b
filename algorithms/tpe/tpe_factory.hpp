// `tpe` and `multivariate-tpe`: Tree-structured Parzen Estimators (Katib: hyperopt's tpe.suggest
// and Optuna's TPESampler(multivariate=True, constant_liar=True)).
//
// `tpe` settings (spec.algorithm.algorithmSettings), as Katib's hyperopt service takes them:
// | name            | default               | values          | meaning                          |
// |-----------------|-----------------------|-----------------|----------------------------------|
// | gamma           | 0.10 (see below)      | number in (0,1) | good group: ceil(gamma * n) of   |
// |                 |                       |                 | the n completed trials, <= 25    |
// | prior_weight    | 1.0                   | number > 0      | weight of the uniform prior in   |
// |                 |                       |                 | each estimator (a member: <= 1)  |
// | n_EI_candidates | 24                    | 1 .. 10000      | draws from l ranked per suggest  |
// | random_state    | none: drawn once and  | integer >= 0    | seed                             |
// |                 | kept in state         |                 |                                  |
// `multivariate-tpe` settings, as Katib's Optuna service takes them:
// | name             | default | values        | meaning                                       |
// |------------------|---------|---------------|-----------------------------------------------|
// | n_startup_trials | 10      | integer >= 0  | completed trials before the model is used     |
// | n_ei_candidates  | 24      | 1 .. 10000    | joint draws from l ranked per suggest         |
// | random_state     | none    | integer >= 0  | seed (Optuna's `seed`)                        |
// Any other name is rejected with the list. n_EI_candidates / n_ei_candidates = 0 is rejected
// (Katib lets 0 through validation and the optimiser then fails).
//
// Algorithm (Bergstra et al. 2011; Watanabe 2023 for the components), in the unit cube of
// algorithms/common/unit_cube.hpp, so every type and distribution is honoured:
// 1. Start: until `startup` trials have completed (tpe: 10, as Optuna; hyperopt's 20 was not
//    better on our suite; multivariate-tpe: n_startup_trials), trial i of the experiment gets
//    point i of a scrambled Sobol sequence (more than 64 parameters: random points).
// 2. Split the completed trials by loss (maximize is negated): the good group is the best
//    min(ceil(gamma * n), 25), the bad group the rest; gamma = 0.10 unless set (Optuna's rule,
//    and multivariate-tpe's). Katib's tpe default of 0.25 belongs to hyperopt's other rule,
//    ceil(0.25 sqrt(n)): 3 of 100 and 4 of 200 trials, which on our synthetic suite (Branin,
//    Hartmann3/6, Ackley, Rosenbrock, Levy, Styblinski-Tang, six-hump camel, Michalewicz,
//    Griewank) left 0.3 to 1.0 more log10 regret at 100-200 trials than 0.1 n, so gamma is the
//    fraction of trials instead and an explicit gamma means that fraction.
//    Members weigh 1 (the newest 25 of a group) down to 1/m (older ones, linear ramp), as in
//    hyperopt and Optuna.
// 3. l is a Parzen estimator of the good group, g of the bad one, each with a uniform prior of
//    weight prior_weight (algorithms/tpe/univariate_parzen.hpp, multivariate_parzen.hpp):
//    truncated normals on [0,1] for continuous parameters; the same kernels' mass per cell for
//    ints and stepped values (up to 128 values; finer grids are continuous); a categorical
//    distribution (counts plus prior, no kernel width) for discrete and categorical lists.
//    tpe: one estimator per parameter, kernel widths from neighbour gaps (hyperopt), clipped
//    below at min(1, 0.35 sqrt(d)) / min(100, m + 2) for d parameters and m members (the
//    "magic clip", narrower for few parameters: see magic_clip_scale);
//    multivariate-tpe: product kernels, one width per parameter by Scott's rule (Optuna).
// 4. Draw n_EI_candidates points from l, suggest the one maximising log l - log g (expected
//    improvement is monotone in l/g), where continuous kernels count by their profile, not
//    their normalised density (UnivariateParzen::log_score: as Optuna 3.1 ranks). tpe ranks
//    each parameter on its own, multivariate-tpe whole points.
// Pending trials (Created, Running) and the earlier suggestions of a batch join the bad group
// (constant liar: as if they had the worst loss), so a batch spreads out, and no suggestion
// repeats a trial of the history or of its batch (algorithms/common/fresh_points.hpp); a finite
// space ends with exhausted = true. Failed, Killed and MetricsUnavailable trials are in neither
// group (their loss is unknown, and calling them bad would steer away from a region for a crash)
// and are never suggested again.
//
// Reproducibility: the draws for trial i come from a generator derived from (seed, i), so the
// same seed, history and count give the same output and a restart needs only the seed (state).
//
// References: J. Bergstra, R. Bardenet, Y. Bengio, B. Kegl, "Algorithms for Hyper-Parameter
// Optimization", NeurIPS 2011; S. Watanabe, "Tree-Structured Parzen Estimator: Understanding Its
// Algorithm Components and Their Roles for Better Empirical Performance", arXiv:2304.11127
// (2023); S. Falkner, A. Klein, F. Hutter, "BOHB: Robust and Efficient Hyperparameter
// Optimization at Scale", ICML 2018. Katib: reference/katib.md sections 3.1 and 3.2.
#pragma once

#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class TpeFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "tpe"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

class MultivariateTpeFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "multivariate-tpe"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
