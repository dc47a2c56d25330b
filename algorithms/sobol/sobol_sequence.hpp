// A scrambled Sobol sequence in [0,1)^d: Joe-Kuo direction numbers, Gray-code order, and Owen-type
// scrambling by a random linear matrix scramble plus a random digital shift (Matousek 1998).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace sextant::algorithms {

class SobolSequence {
 public:
  static constexpr int kBits = 32;

  // dimensions <= kSobolMaxDimensions (throws Error(kInvalidArgument) otherwise). The scramble is
  // drawn from `seed`; the same seed gives the same sequence. Without a seed the sequence is the
  // plain (unscrambled) one, whose first point is the origin.
  SobolSequence(size_t dimensions, std::optional<uint64_t> seed);

  size_t dimensions() const { return directions_.size(); }
  // Point number `index` (0-based) of the scrambled sequence. Random access: O(d * 32).
  std::vector<double> point(uint64_t index) const;

 private:
  std::vector<std::array<uint32_t, kBits>> directions_;  // scrambled direction numbers v_1..v_32
  std::vector<uint32_t> shifts_;                         // digital shift per dimension
  bool scrambled_ = false;
};

}  // namespace sextant::algorithms
