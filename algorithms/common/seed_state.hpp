// The saved state of algorithms whose only memory beyond the history is their seed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace sextant::algorithms {

// {"seed":"<decimal>"}: a string, because JSON readers in other languages lose precision
// above 2^53 and seeds from std::random_device use all 64 bits.
std::string seed_state(uint64_t seed);

// The seed of a seed_state() text. Throws Error(kInternal) naming `algorithm` when the text is
// something else (a corrupted store, or the state of another algorithm).
uint64_t parse_seed_state(const std::string& state, const std::string& algorithm);

// An algorithm's seed: the spec's random_state when given (fixed: a saved state never overrides
// it), else one drawn once and kept in the saved state, so a restarted engine continues with
// the same draws.
class AlgorithmSeed {
 public:
  AlgorithmSeed() = default;  // 0 until assigned
  explicit AlgorithmSeed(std::optional<uint64_t> random_state);
  uint64_t value() const { return value_; }
  std::string save() const { return seed_state(value_); }
  // Takes the seed of a save()d state (an empty one is ignored). Returns true when the seed
  // changed, for algorithms that derive more from it (a scrambled Sobol sequence).
  bool restore(const std::string& state, const std::string& algorithm);

 private:
  uint64_t value_ = 0;
  bool fixed_ = false;
};

}  // namespace sextant::algorithms
