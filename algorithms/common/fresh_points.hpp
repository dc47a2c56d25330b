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
  FreshPoints(const engine::SearchSpace& space, const UnitCube& cube);
  FreshPoints(const engine::SearchSpace& space, const UnitCube& cube,
              const std::vector<engine::Trial>& history);

  // Starts a new batch against `history`: forgets the points taken by earlier batches (they are
  // in the history now, or were never created) and reads only the trials it has not read
  // before, so an algorithm that keeps one FreshPoints pays O(new trials) per suggest(), not
  // O(history). A history that does not extend the one read last is read again from the start.
  void sync(const std::vector<engine::Trial>& history);

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
  bool used(uint64_t rank) const { return used_ranks_.count(rank) || taken_ranks_.count(rank); }

  const engine::SearchSpace& space_;
  const UnitCube& cube_;
  std::optional<Lattice> lattice_;  // set when the space is finite and countable in 64 bits
  // Points of the history: lattice ranks when lattice_ is set, assignment keys otherwise.
  std::set<uint64_t> used_ranks_;
  std::unordered_set<std::string> used_keys_;
  // Points taken by the current batch, the same way.
  std::set<uint64_t> taken_ranks_;
  std::unordered_set<std::string> taken_keys_;
  size_t read_ = 0;        // trials of the history read so far
  std::string last_read_;  // name of the last of them, to notice a different history
};

}  // namespace sextant::algorithms
