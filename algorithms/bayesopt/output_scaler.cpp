// Overflow-safe mean and standard deviation of the losses.
#include "algorithms/bayesopt/output_scaler.hpp"

#include <algorithm>
#include <cmath>

namespace sextant::algorithms::bayesopt {

OutputScaler OutputScaler::fit(const std::vector<double>& losses) {
  OutputScaler scaler;
  if (losses.empty()) return scaler;
  double largest = 0;
  for (double loss : losses) largest = std::max(largest, std::fabs(loss));
  if (!(largest > 0) || !std::isfinite(largest)) return scaler;
  // Work on loss / largest, in [-1, 1]: neither the sum nor the squares can overflow.
  const double n = static_cast<double>(losses.size());
  double mean = 0;
  for (double loss : losses) mean += loss / largest;
  mean /= n;
  double variance = 0;
  for (double loss : losses) {
    const double d = loss / largest - mean;
    variance += d * d;
  }
  variance /= n;
  scaler.mean_ = mean * largest;
  const double sd = std::sqrt(variance) * largest;
  // Relative to the losses' size: below 1e-12 of it the spread is rounding, not signal, and
  // dividing by the size itself maps every loss near 0.
  scaler.scale_ = sd > 1e-12 * largest && std::isfinite(sd) ? sd : largest;
  return scaler;
}

Eigen::VectorXd OutputScaler::transform(const std::vector<double>& losses) const {
  Eigen::VectorXd out(static_cast<Eigen::Index>(losses.size()));
  for (size_t i = 0; i < losses.size(); ++i)
    out[static_cast<Eigen::Index>(i)] = transform(losses[i]);
  return out;
}

}  // namespace sextant::algorithms::bayesopt
