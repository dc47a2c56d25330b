// Scrambled Sobol points.
#include "algorithms/sobol/sobol_sequence.hpp"

#include <bit>

#include "algorithms/common/rng.hpp"
#include "algorithms/sobol/direction_numbers.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {
namespace {

// Unscrambled direction numbers v_k = m_k * 2^(32-k), k = 1..32, from the recurrence
// m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s} (Bratley and Fox 1988).
std::array<uint32_t, SobolSequence::kBits> direction_numbers(const SobolDimension& dim) {
  constexpr int kBits = SobolSequence::kBits;
  std::array<uint64_t, kBits + 1> m{};
  int degree = std::bit_width(dim.poly) - 1;
  if (degree == 0) {
    for (int k = 1; k <= kBits; ++k) m[k] = 1;  // the first dimension: van der Corput
  } else {
    for (int k = 1; k <= degree; ++k) m[k] = dim.m[k - 1];
    for (int k = degree + 1; k <= kBits; ++k) {
      uint64_t value = m[k - degree] ^ (m[k - degree] << degree);
      for (int i = 1; i < degree; ++i)
        if ((dim.poly >> (degree - i)) & 1u) value ^= m[k - i] << i;
      m[k] = value;
    }
  }
  std::array<uint32_t, kBits> v{};
  for (int k = 1; k <= kBits; ++k) v[k - 1] = static_cast<uint32_t>(m[k] << (kBits - k));
  return v;
}

// Linear matrix scramble: x' = L x over GF(2), bit 0 = the most significant (2^-1) digit, with L
// lower triangular and a unit diagonal, so each output digit depends on the digits above it.
uint32_t scramble(uint32_t x, const std::array<uint32_t, SobolSequence::kBits>& rows) {
  uint32_t out = 0;
  for (int i = 0; i < SobolSequence::kBits; ++i)
    if (std::popcount(rows[i] & x) & 1) out |= 1u << (SobolSequence::kBits - 1 - i);
  return out;
}

}  // namespace

SobolSequence::SobolSequence(size_t dimensions, std::optional<uint64_t> seed)
    : scrambled_(seed.has_value()) {
  if (dimensions > kSobolMaxDimensions)
    throw Error(ErrorCode::kInvalidArgument,
                "sobol supports at most " + std::to_string(kSobolMaxDimensions) +
                    " parameters, found " + std::to_string(dimensions));
  Rng rng(seed.value_or(0));
  for (size_t d = 0; d < dimensions; ++d) {
    auto v = direction_numbers(kSobolDimensions[d]);
    if (!scrambled_) {
      directions_.push_back(v);
      shifts_.push_back(0);
      continue;
    }
    std::array<uint32_t, kBits> rows{};
    for (int i = 0; i < kBits; ++i) {
      // Row i: a random bit for every column above the diagonal digit, 1 on the diagonal.
      uint32_t diagonal = 1u << (kBits - 1 - i);
      uint32_t above = i == 0 ? 0u : ~((diagonal << 1) - 1u);  // columns j < i (more significant)
      rows[i] = (static_cast<uint32_t>(rng.next()) & above) | diagonal;
    }
    for (auto& x : v) x = scramble(x, rows);
    directions_.push_back(v);
    shifts_.push_back(static_cast<uint32_t>(rng.next() >> 32));
  }
}

std::vector<double> SobolSequence::point(uint64_t index) const {
  // Gray-code order: point n is the XOR of the directions of the set bits of n ^ (n >> 1).
  uint64_t gray = index ^ (index >> 1);
  std::vector<double> out(directions_.size());
  for (size_t d = 0; d < directions_.size(); ++d) {
    uint32_t x = shifts_[d];
    for (int k = 0; k < kBits && (gray >> k); ++k)
      if ((gray >> k) & 1u) x ^= directions_[d][k];
    // Scrambled: the centre of the 2^-32 cell keeps every coordinate strictly inside (0, 1).
    out[d] = (static_cast<double>(x) + (scrambled_ ? 0.5 : 0.0)) * 0x1p-32;
  }
  return out;
}

}  // namespace sextant::algorithms
