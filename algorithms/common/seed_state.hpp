// The saved state of algorithms whose only memory beyond the history is their seed.
#pragma once

#include <cstdint>
#include <string>

namespace sextant::algorithms {

// {"seed":"<decimal>"}: a string, because JSON readers in other languages lose precision
// above 2^53 and seeds from std::random_device use all 64 bits.
std::string seed_state(uint64_t seed);

// The seed of a seed_state() text. Throws Error(kInternal) naming `algorithm` when the text is
// something else (a corrupted store, or the state of another algorithm).
uint64_t parse_seed_state(const std::string& state, const std::string& algorithm);

}  // namespace sextant::algorithms
