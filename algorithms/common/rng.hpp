// Seeded, portable random numbers for the algorithms: the same seed gives the same stream on
// every platform and standard library (std:: distributions are implementation-defined).
#pragma once

#include <cstdint>
#include <limits>

namespace sextant::algorithms {

// SplitMix64 finaliser (Steele, Lea, Flood 2014): spreads nearby integers over 64 bits.
uint64_t splitmix64(uint64_t x);

// An independent stream seed for (seed, stream): lets an algorithm derive the generator of
// trial i from its seed and i alone, so a restart needs no saved generator position.
uint64_t derive_seed(uint64_t seed, uint64_t stream);

// A fresh seed from std::random_device, for algorithms run without random_state.
uint64_t random_seed();

// xoshiro256** (Blackman and Vigna 2018), seeded through SplitMix64. Satisfies
// UniformRandomBitGenerator so it also works with std::shuffle.
class Rng {
 public:
  using result_type = uint64_t;
  explicit Rng(uint64_t seed);

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return next(); }

  uint64_t next();
  double uniform();            // [0, 1), 53 random bits
  double uniform_open();       // (0, 1): safe to pass to a log or a quantile function
  uint64_t below(uint64_t n);  // uniform in [0, n) without modulo bias; n must be > 0
  double normal();             // standard normal, by inversion (one uniform per draw)

 private:
  uint64_t s_[4];
};

}  // namespace sextant::algorithms
