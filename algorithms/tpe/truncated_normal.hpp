// The normal distribution truncated to the unit interval: the kernel shape of TPE's estimators.
#pragma once

#include "algorithms/common/rng.hpp"

namespace sextant::algorithms {

// P(a <= Z <= b) for a standard normal Z, computed on the side of the tail it lies in so that two
// far-tail probabilities do not cancel to 0.
double normal_interval_mass(double a, double b);

// N(mu, sigma) restricted to [0, 1], for mu in [0, 1] and sigma > 0.
struct TruncatedNormal {
  double mu = 0.5;
  double sigma = 1;
  double mass = 1;  // P(0 <= X <= 1) before truncation: the normaliser

  TruncatedNormal() = default;
  TruncatedNormal(double mu, double sigma);
  // Probability of [low, high] (inside [0, 1]) after truncation.
  double interval_probability(double low, double high) const;
  // A draw by inversion, in [0, 1].
  double sample(Rng& rng) const;
};

}  // namespace sextant::algorithms
