// Registers every built-in algorithm factory.
#include "algorithms/builtin.hpp"

#include "algorithms/asha/asha_rule.hpp"
#include "algorithms/asha/asha_search.hpp"
#include "algorithms/bayesopt/bayesian_optimization.hpp"
#include "algorithms/cmaes/cmaes_factory.hpp"
#include "algorithms/darts/darts.hpp"
#include "algorithms/enas/enas_factory.hpp"
#include "algorithms/evolution/regularized_evolution.hpp"
#include "algorithms/grid/grid_search.hpp"
#include "algorithms/hyperband/hyperband_factory.hpp"
#include "algorithms/medianstop/median_stop.hpp"
#include "algorithms/pbt/pbt_factory.hpp"
#include "algorithms/random/random_search.hpp"
#include "algorithms/sobol/sobol_factory.hpp"
#include "algorithms/tpe/tpe_factory.hpp"

namespace sextant::algorithms {

void register_builtin_algorithms(engine::AlgorithmRegistry& registry) {
  registry.add(std::make_unique<RandomSearchFactory>());
  registry.add(std::make_unique<GridSearchFactory>());
  registry.add(std::make_unique<SobolSearchFactory>());
  registry.add(std::make_unique<BayesianOptimizationFactory>());
  registry.add(std::make_unique<CmaesFactory>());
  registry.add(std::make_unique<TpeFactory>());
  registry.add(std::make_unique<MultivariateTpeFactory>());
  registry.add(std::make_unique<AshaSearchFactory>());
  registry.add(std::make_unique<HyperbandFactory>());
  registry.add(std::make_unique<PbtFactory>());
  registry.add(std::make_unique<RegularizedEvolutionFactory>());
  registry.add(std::make_unique<DartsFactory>());
  registry.add(std::make_unique<EnasFactory>());
}

void register_builtin_early_stopping(engine::EarlyStopperRegistry& registry) {
  registry.add(std::make_unique<MedianStopFactory>());
  registry.add(std::make_unique<AshaRuleFactory>());
}

}  // namespace sextant::algorithms
