// `sobol`: a scrambled Sobol low-discrepancy sequence over the unit cube (Katib: goptuna's Sobol).
//
// Settings (spec.algorithm.algorithmSettings):
// | name         | default                | values       | meaning                              |
// |--------------|------------------------|--------------|--------------------------------------|
// | random_state | none: a seed is drawn  | integer >= 0 | seed of the scramble (and of redraws)|
// |              | once and kept in state |              |                                      |
// Katib's sobol takes no setting; random_state is this engine's addition, for reproducibility.
// Any other name is rejected with this list.
//
// Trial i of the experiment (its position in the history) gets point i of the sequence, mapped
// through UnitCube (algorithms/common/unit_cube.hpp), so every type and distribution is honoured
// (a log-uniform parameter is spread evenly in its logarithm). Batches and pending trials take
// consecutive points, so they never collide; a point whose assignment repeats an earlier one (a
// finite space) is replaced as `random` does, and a finite space ends with exhausted = true. The
// state is the seed alone: a restart continues the sequence from the stored trials. Up to
// kSobolMaxDimensions (64) parameters.
//
// References: I. M. Sobol', USSR Comput. Math. Math. Phys. 7 (1967) 86-112; S. Joe and F. Y. Kuo,
// SIAM J. Sci. Comput. 30 (2008) 2635-2654 (direction numbers); J. Matousek, J. Complexity 14
// (1998) 527-556 (linear matrix scrambling with a digital shift); P. Bratley and B. L. Fox, ACM
// TOMS 14 (1988) 88-100 (Gray-code generation).
#pragma once

#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class SobolSearchFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "sobol"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
