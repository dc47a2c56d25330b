// Keeps architecture suggestions new: no repeat of a trial of the history (pending, completed or
// failed) or of an earlier suggestion of the same batch, and exhaustion of a finite space.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "algorithms/common/rng.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "engine/model/trial.hpp"

namespace sextant::algorithms {

class FreshArchitectures {
 public:
  explicit FreshArchitectures(const NasSpace& space);  // `space` must outlive this object

  // Starts a new batch against `history` (like FreshPoints::sync): forgets what earlier batches
  // took and reads only the trials not read before; a history that does not extend the one read
  // last is read again from the start.
  void sync(const std::vector<engine::Trial>& history);

  // The architecture of trial i of the history last synced; nullopt when its `architecture`
  // assignment is missing or not an architecture of the space (an edited spec).
  const std::optional<Architecture>& architecture(size_t i) const { return parsed_.at(i); }

  // True when every architecture of the space has been used (never for a space of more than
  // 2^64 - 1 architectures).
  bool exhausted() const;

  // Marks `architecture` as used; false when it was already (nothing changes then).
  bool take(const Architecture& architecture);

  // A new architecture: random_architecture() draws first (32), then, in a countable space, the
  // next unused one after a random position. Must not be called when exhausted().
  Architecture take_random(Rng& rng);

 private:
  std::string key(const Architecture& architecture) const;
  Architecture at_rank(uint64_t rank) const;  // mixed radix: op (n), skip bits (2), ...

  const NasSpace& space_;
  uint64_t count_;
  bool countable_;
  std::vector<std::optional<Architecture>> parsed_;  // one per trial read
  std::unordered_set<std::string> used_;             // architectures of the history
  std::unordered_set<std::string> taken_;            // taken by the current batch
  std::string last_read_;                            // name of the last trial read
};

}  // namespace sextant::algorithms
