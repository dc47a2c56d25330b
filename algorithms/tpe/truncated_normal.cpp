// Truncated-normal masses and draws by inversion of the normal CDF.
#include "algorithms/tpe/truncated_normal.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/common/normal.hpp"

namespace sextant::algorithms {

namespace {
// Beyond this many sigmas Phi is 1 (or 0) to double precision: no erfc needed.
constexpr double kFlatTail = 8.5;
}  // namespace

double normal_interval_mass(double a, double b) {
  if (a >= b) return 0.0;
  if (a > 0) return normal_cdf(-a) - normal_cdf(-b);  // both in the upper tail
  if (a < -kFlatTail && b > kFlatTail) return 1.0;
  return normal_cdf(b) - normal_cdf(a);
}

TruncatedNormal::TruncatedNormal(double mu_in, double sigma_in) : mu(mu_in), sigma(sigma_in) {
  mass = std::max(normal_interval_mass(-mu / sigma, (1.0 - mu) / sigma), 1e-300);
}

double TruncatedNormal::interval_probability(double low, double high) const {
  return normal_interval_mass((low - mu) / sigma, (high - mu) / sigma) / mass;
}

double TruncatedNormal::sample(Rng& rng) const {
  const double a = -mu / sigma;
  const double b = (1.0 - mu) / sigma;
  const double low = a < -kFlatTail ? 0.0 : normal_cdf(a);
  const double high = b > kFlatTail ? 1.0 : normal_cdf(b);
  const double p = low + rng.uniform_open() * (high - low);
  const double x = mu + sigma * normal_quantile(p);
  return std::isfinite(x) ? std::clamp(x, 0.0, 1.0) : mu;
}

}  // namespace sextant::algorithms
