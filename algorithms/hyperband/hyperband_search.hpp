// The `hyperband` algorithm's suggest loop: brackets of synchronous successive halving, replayed
// from the trial history on every call (settings, references and behaviour: hyperband_factory.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/seed_state.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/hyperband/hyperband_brackets.hpp"
#include "algorithms/hyperband/hyperband_settings.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

// Labels every Hyperband trial carries: its bracket s (s_max ... 0) and rung i (0 ... s).
// Promoted trials also carry engine::kResumeFromLabel, the trial of rung i-1 they continue.
inline constexpr const char* kHyperbandBracketLabel = "sextant.hyperband/bracket";
inline constexpr const char* kHyperbandRungLabel = "sextant.hyperband/rung";

class HyperbandSearch final : public engine::Algorithm {
 public:
  HyperbandSearch(const engine::ExperimentSpec& spec, const HyperbandSettings& settings);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;  // {"seed":"<decimal>"}
  void restore_state(const std::string& state) override;

  const std::vector<HyperbandBracket>& brackets() const { return brackets_; }

 private:
  class Pass;  // one suggest() call (hyperband_search.cpp)

  engine::SearchSpace space_;    // spec.parameters, in spec order
  engine::SearchSpace configs_;  // the same without the resource parameter: what rung 0 draws
  UnitCube cube_;                // over configs_
  FreshPoints fresh_;            // over configs_: rung 0 never repeats a configuration
  engine::ParameterSpec resource_;
  size_t resource_index_ = 0;
  engine::ObjectiveType objective_ = engine::ObjectiveType::kMinimize;
  int64_t eta_ = 3;
  std::vector<HyperbandBracket> brackets_;
  AlgorithmSeed seed_;
};

}  // namespace sextant::algorithms
