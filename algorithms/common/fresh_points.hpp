// Keeps suggestions new: no repeat of a trial of the history (pending, completed or failed) or
// of an earlier suggestion of the same batch, and a clear signal when a finite space is used up.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "algorithms/common/lattice.hpp"
#include "algorithms/common/rng.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "engine/model/trial.hpp"

namespace sextant::algorithms {

class FreshPoints {
 public:
  // Both references must outlive this object.
  FreshPoints(const engine::SearchSpace& space, const UnitCube& cube,
              const std::vector<engine::Trial>& history);

  // True when a finite space has no unused point left. A space with a continuous parameter, or
  // with more than 2^64 points, is never exhausted.
  bool exhausted() const;

  // The assignment of `point` when nobody has used it yet, now marked as used; nullopt when it
  // repeats one. Matching is by value ("0.30" and "0.3" are one point).
  std::optional<engine::Assignment> take(const std::vector<double>& point);

  // A new assignment: uniform random points first (32 draws), then, in a finite space, the next
  // unused point after a random one. Must not be called when exhausted(). In an infinite space,
  // after 32 repeats (a continuous space never repeats in practice) it returns the last draw.
  engine::Assignment take_random(Rng& rng);

 private:
  std::optional<engine::Assignment> take_assignment(engine::Assignment assignment);

  const engine::SearchSpace& space_;
  const UnitCube& cube_;
  std::optional<Lattice> lattice_;  // set when the space is finite and countable in 64 bits
  std::set<uint64_t> used_ranks_;   // lattice ranks taken, when lattice_ is set
  std::unordered_set<std::string> used_keys_;  // assignment_key of every point taken, no lattice
};

}  // namespace sextant::algorithms
