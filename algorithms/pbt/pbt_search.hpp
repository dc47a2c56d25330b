// The `pbt` algorithm's suggest loop: synchronous generations replayed from the history
// (settings, references and behaviour: pbt_factory.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/seed_state.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/pbt/pbt_explore.hpp"
#include "algorithms/pbt/pbt_population.hpp"
#include "algorithms/pbt/pbt_settings.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class PbtSearch final : public engine::Algorithm {
 public:
  PbtSearch(const engine::ExperimentSpec& spec, const PbtSettings& settings);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;  // {"seed":"<decimal>"}
  void restore_state(const std::string& state) override;

  // What member j of the next generation becomes: its parameters and the trial it continues.
  struct Planned {
    engine::Assignment assignment;
    const engine::Trial* parent = nullptr;
  };
  // The next generation from a complete one (`generation` is the new generation's number).
  std::vector<Planned> plan(const PbtGeneration& previous, int64_t generation) const;

 private:
  engine::Assignment first_generation_draw(Rng& rng);

  engine::SearchSpace space_;
  UnitCube cube_;
  FreshPoints fresh_;
  PbtExplorer explorer_;
  engine::ObjectiveType objective_ = engine::ObjectiveType::kMinimize;
  PbtSettings settings_;
  AlgorithmSeed seed_;
};

}  // namespace sextant::algorithms
