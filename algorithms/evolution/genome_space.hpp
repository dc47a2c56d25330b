// What regularized evolution needs from a search space: random individuals, one-step mutants,
// and the memory of every individual proposed, so that nothing is proposed twice.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "algorithms/common/rng.hpp"
#include "engine/model/trial.hpp"

namespace sextant::algorithms {

class GenomeSpace {
 public:
  virtual ~GenomeSpace() = default;

  // Starts a batch against `history`: every trial of it counts as proposed (pending, completed
  // and failed alike); what earlier batches took but never became a trial is forgotten.
  virtual void sync(const std::vector<engine::Trial>& history) = 0;

  // Whether trial i of the history last synced is an individual of this space (its assignment
  // parses as one); others cannot be parents.
  virtual bool is_individual(size_t trial) const = 0;

  // True when every individual of a finite space has been proposed.
  virtual bool exhausted() const = 0;

  // A uniformly random individual not proposed before (now taken). Not when exhausted().
  virtual engine::Assignment take_random(Rng& rng) = 0;

  // The individual of trial `trial` changed at one uniformly chosen position, when the result
  // was not proposed before (it is then taken); nullopt otherwise, or when the space has no
  // position to change.
  virtual std::optional<engine::Assignment> take_mutant(size_t trial, Rng& rng) = 0;
};

}  // namespace sextant::algorithms
