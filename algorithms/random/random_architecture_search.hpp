// `random` over architectures (spec.nasConfig): uniform ENAS macro architectures, never repeated.
//
// Used by the `random` factory when the spec has a nasConfig instead of spec.parameters. Each
// architecture draws every layer's operation uniformly from the expanded operations (Katib's
// ENAS numbering, algorithms/nas/nas_space.hpp) and every skip connection with probability 1/2.
// Assignments are Katib's ENAS ones: `architecture` and `nn_config`.
//
// Settings: random_state only (as for parameters; see random_search.hpp).
//
// Reproducibility and repeats: as random over parameters. The generator of the i-th trial is
// derived from (seed, i); an architecture of the history (pending, completed or failed) or of
// the same batch is never proposed again: 32 redraws, then the next unused architecture after a
// random one. When every architecture has been used, exhausted is true.
//
// Reference: L. Li and A. Talwalkar, "Random Search and Reproducibility for Neural Architecture
// Search", UAI 2019 (random search as the NAS baseline). Katib: reference/katib.md section 3.8.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/seed_state.hpp"
#include "algorithms/nas/fresh_architectures.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class RandomArchitectureSearch final : public engine::Algorithm {
 public:
  // seed: random_state, or nullopt to draw one from std::random_device.
  RandomArchitectureSearch(NasSpace space, std::optional<uint64_t> seed);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;  // {"seed":"<decimal>"}
  void restore_state(const std::string& state) override;

 private:
  NasSpace space_;
  AlgorithmSeed seed_;
  FreshArchitectures fresh_;  // refers to space_: declared after it
};

}  // namespace sextant::algorithms
