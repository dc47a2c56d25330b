// ENAS macro architectures (spec.nasConfig) as the individuals of regularized evolution.
#pragma once

#include "algorithms/evolution/genome_space.hpp"
#include "algorithms/nas/fresh_architectures.hpp"
#include "algorithms/nas/nas_space.hpp"

namespace sextant::algorithms {

// Mutation: one of the mutable positions, chosen uniformly: a layer's operation (replaced by a
// different operation, uniformly; only when the space has 2 or more) or one skip connection
// (flipped). Individuals are Katib's `architecture` / `nn_config` assignments.
class ArchitectureGenomes final : public GenomeSpace {
 public:
  explicit ArchitectureGenomes(NasSpace space);

  void sync(const std::vector<engine::Trial>& history) override;
  bool is_individual(size_t trial) const override;
  bool exhausted() const override;
  engine::Assignment take_random(Rng& rng) override;
  std::optional<engine::Assignment> take_mutant(size_t trial, Rng& rng) override;

 private:
  NasSpace space_;
  FreshArchitectures fresh_;  // refers to space_: declared after it
};

}  // namespace sextant::algorithms
