// `cmaes`: the Covariance Matrix Adaptation Evolution Strategy with optional restarts (Katib:
// goptuna's CMA-ES relative sampler), asked and told over the unit cube.
//
// Settings (spec.algorithm.algorithmSettings):
// | name             | default               | values        | meaning                            |
// |------------------|-----------------------|---------------|------------------------------------|
// | random_state     | none: a seed is drawn | integer >= 0  | seed of every draw                 |
// |                  | once and kept in state|               |                                    |
// | sigma            | 1/6                   | number in     | initial step size, as a fraction of|
// |                  |                       | (0, 1]        | every parameter's range            |
// | restart_strategy | none                  | none, ipop,   | what follows a converged run       |
// |                  |                       | bipop         | (restart_schedule.hpp)             |
// Any other setting name is rejected with this list (goptuna ignores unknown names silently).
// sigma differs from goptuna's in its unit: goptuna and Optuna read it in the parameters' own
// units, which mixes scales as soon as two ranges differ; here the search runs in the unit cube
// (log parameters in their logarithm), so sigma is a fraction of each range. The default 1/6 is
// Optuna's min(range)/6 on that cube. A value above 1 (wider than every range) is rejected: it is
// almost certainly a Katib value in parameter units.
// restart_strategy none ("None" also accepted, as Katib's Optuna service does) never grows the
// population; unlike goptuna, which keeps sampling a converged distribution, a run that meets a
// termination criterion restarts from a random point with the same population and sigma.
// Like Katib, cmaes needs at least 2 int or double parameters (reported at spec.parameters).
//
// Search (details in cmaes_search.hpp):
// - int and double parameters (every distribution, through UnitCube: log scales in their
//   logarithm, normal priors by their quantile) form the Gaussian's coordinates; the first run
//   starts at the cube's centre with population 4 + floor(2 ln n) (n = searched parameters; the
//   tutorial's 3 ln n converges later within HPO budgets, see cmaes_search.cpp).
// - ints and stepped doubles are evaluated at their grid value; a margin keeps their marginal
//   standard deviation large enough to leave a cell (CMA-ES with Margin), so they do not fix
//   early on one integer.
// - discrete and categorical parameters follow a per-parameter categorical distribution that
//   learns from each generation's selected half (cmaes/categorical_model.hpp) — goptuna and
//   Optuna draw them independently at random instead.
// - points outside the cube are redrawn, then clipped; the clipped point is evaluated and told.
// - batches and running trials: the next generation is asked ahead from the current
//   distribution; no suggestion repeats a trial or another suggestion (FreshPoints).
// - failed trials rank behind every result (never selected, negative weights only).
// - state: rebuilt from the history on every call (only the seed is saved), so a restarted
//   engine continues where it stopped.
//
// References: N. Hansen, "The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772 (2016);
// A. Auger and N. Hansen, "A Restart CMA Evolution Strategy With Increasing Population Size",
// CEC 2005 (IPOP); N. Hansen, "Benchmarking a BI-Population CMA-ES on the BBOB-2009 Function
// Testbed", GECCO 2009 (BIPOP); R. Hamano, S. Saito, M. Nomura, S. Shirakawa, "CMA-ES with Margin:
// Lower-Bounding Marginal Probability for Mixed-Integer Black-Box Optimization", GECCO 2022;
// N. Hansen, "Injecting External Solutions Into CMA-ES", INRIA RR-7748 (2011). Katib:
// reference/katib.md section 3.4.
#pragma once

#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

inline constexpr double kCmaesDefaultSigma = 1.0 / 6.0;

class CmaesFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "cmaes"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
