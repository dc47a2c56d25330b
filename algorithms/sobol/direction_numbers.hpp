// Sobol direction-number table (Joe and Kuo 2008) for the first kSobolMaxDimensions dimensions.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace sextant::algorithms {

inline constexpr std::size_t kSobolMaxDimensions = 64;

struct SobolDimension {
  uint32_t poly;            // primitive polynomial, coefficients as bits (degree = bit length - 1)
  std::vector<uint32_t> m;  // initial direction numbers m_1..m_s (odd, m_k < 2^k)
};

extern const std::array<SobolDimension, kSobolMaxDimensions> kSobolDimensions;

}  // namespace sextant::algorithms
