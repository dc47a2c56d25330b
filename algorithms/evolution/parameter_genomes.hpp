// Points of spec.parameters as the individuals of regularized evolution.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/evolution/genome_space.hpp"
#include "engine/model/search_space.hpp"

namespace sextant::algorithms {

// Mutation: one parameter, chosen uniformly, redrawn from its prior through the unit cube (every
// type and distribution: a uniform u in [0,1] becomes the parameter's quantile); the other
// values are copied from the parent verbatim, so a continuous value does not drift through a
// round trip. Random individuals and exhaustion come from FreshPoints.
class ParameterGenomes final : public GenomeSpace {
 public:
  explicit ParameterGenomes(const engine::SearchSpace& space);  // throws on an unusable space

  void sync(const std::vector<engine::Trial>& history) override;
  bool is_individual(size_t trial) const override;
  bool exhausted() const override;
  engine::Assignment take_random(Rng& rng) override;
  std::optional<engine::Assignment> take_mutant(size_t trial, Rng& rng) override;

 private:
  engine::SearchSpace space_;
  UnitCube cube_;
  FreshPoints fresh_;  // refers to space_ and cube_: declared after them
  // Trials read so far: their assignment in spec order, when it is a point of the space.
  std::vector<std::optional<engine::Assignment>> parsed_;
  std::string last_read_;
  // Exact keys (algorithms/common/values.hpp) of the history's points and of this batch's:
  // FreshPoints matches points through the unit cube, where a copied continuous value may come
  // back one ulp off and a repeat would slip through.
  std::unordered_set<std::string> used_keys_;
  std::unordered_set<std::string> taken_keys_;
};

}  // namespace sextant::algorithms
