// xoshiro256** and SplitMix64, written out so streams do not depend on the standard library.
#include "algorithms/common/rng.hpp"

#include <random>

#include "algorithms/common/normal.hpp"

namespace sextant::algorithms {

namespace {
uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}
}  // namespace

uint64_t splitmix64(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

uint64_t derive_seed(uint64_t seed, uint64_t stream) {
  // Two rounds so that (seed, stream) and (seed + 1, stream - 1) do not collide.
  return splitmix64(splitmix64(seed) ^ splitmix64(stream ^ 0xD1B54A32D192ED03ULL));
}

uint64_t random_seed() {
  std::random_device device;
  uint64_t high = device();
  uint64_t low = device();
  return (high << 32) ^ low;
}

Rng::Rng(uint64_t seed) {
  uint64_t x = seed;
  for (auto& word : s_) {
    x += 0x9E3779B97F4A7C15ULL;
    word = splitmix64(x);
  }
}

uint64_t Rng::next() {
  const uint64_t result = rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = rotl(s_[3], 45);
  return result;
}

double Rng::uniform() {
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

double Rng::uniform_open() {
  return (static_cast<double>(next() >> 11) + 0.5) * 0x1.0p-53;
}

uint64_t Rng::below(uint64_t n) {
  // Lemire's multiply-and-reject: unbiased, and almost never loops.
  unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
  auto low = static_cast<uint64_t>(m);
  if (low < n) {
    const uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<unsigned __int128>(next()) * n;
      low = static_cast<uint64_t>(m);
    }
  }
  return static_cast<uint64_t>(m >> 64);
}

double Rng::normal() {
  return normal_quantile(uniform_open());
}

}  // namespace sextant::algorithms
