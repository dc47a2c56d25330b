// The TPE search loop shared by `tpe` (independent per parameter) and `multivariate-tpe` (joint):
// space-filling start, good/bad split, candidates drawn from l and ranked by l/g, constant liar.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/seed_state.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/sobol/sobol_sequence.hpp"
#include "algorithms/tpe/tpe_dimensions.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

// How many of n completed trials form the good group.
enum class GoodCountRule {
  kSquareRoot,  // ceil(gamma * sqrt(n)) (hyperopt)
  kLinear,      // ceil(gamma * n) (Optuna: gamma = 0.1)
};

struct TpeOptions {
  bool multivariate = false;
  GoodCountRule good_rule = GoodCountRule::kLinear;
  double gamma = 0.1;
  size_t max_good = 25;
  double prior_weight = 1.0;  // > 0
  int candidates = 24;        // > 0
  int startup = 10;           // completed trials before the model is used
};

// min(rule(n), max_good), at least 1 when n > 0.
size_t good_count(const TpeOptions& options, size_t n);

class TpeSearch final : public engine::Algorithm {
 public:
  // seed: random_state, or nullopt to draw one from std::random_device (kept by save_state).
  // `name` is the Katib algorithm name, for messages.
  TpeSearch(const engine::SearchSpace& space, engine::ObjectiveType objective, TpeOptions options,
            std::optional<uint64_t> seed, std::string name);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;  // {"seed":"<decimal>"}
  void restore_state(const std::string& state) override;

 private:
  engine::SearchSpace space_;
  UnitCube cube_;
  std::vector<TpeDimension> dims_;
  engine::ObjectiveType objective_;
  TpeOptions options_;
  std::string name_;
  AlgorithmSeed seed_;
  std::optional<SobolSequence> sobol_;  // start points, up to kSobolMaxDimensions parameters
};

}  // namespace sextant::algorithms
