// EI, LCB and PI with tail-safe logarithms.
#include "algorithms/bayesopt/acquisition.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/common/normal.hpp"

namespace sextant::algorithms::bayesopt {

namespace {

constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // ln sqrt(2 pi)
constexpr double kTail = -6.0;      // below: Mills-ratio formulas (cancellation above 1e-13)
constexpr double kFarTail = -30.0;  // below: asymptotic series

// Mills ratio R(t) = Q(t) / phi(t) for t >= 6, by the continued fraction
// R(t) = 1 / (t + 1 / (t + 2 / (t + 3 / (t + ...)))) evaluated from its tail.
double mills_ratio(double t) {
  double f = t;
  for (int k = 60; k >= 1; --k) f = t + k / f;
  return 1.0 / f;
}

// 1 - t R(t) for t >= 30: 1/t^2 - 3/t^4 + 15/t^6 - 105/t^8 + 945/t^10 (error ~1e4 / t^12).
double one_minus_t_mills_far(double t) {
  const double u = 1.0 / (t * t);
  return u * (1.0 - u * (3.0 - u * (15.0 - u * (105.0 - u * 945.0))));
}

}  // namespace

const char* to_string(AcquisitionKind kind) {
  switch (kind) {
    case AcquisitionKind::kExpectedImprovement:
      return "EI";
    case AcquisitionKind::kLowerConfidenceBound:
      return "LCB";
    case AcquisitionKind::kProbabilityOfImprovement:
      return "PI";
  }
  return "EI";
}

double log_h(double z, double* derivative) {
  if (z > kTail) {
    const double cdf = normal_cdf(z);
    const double h = z * cdf + normal_pdf(z);
    if (derivative) *derivative = cdf / h;
    return std::log(h);
  }
  // h(z) = phi(z) (1 - t R(t)) with t = -z, and Phi(z) / h(z) = R(t) / (1 - t R(t)).
  const double t = -z;
  double rest = 0, ratio = 0;
  if (z > kFarTail) {
    ratio = mills_ratio(t);
    rest = 1.0 - t * ratio;
  } else {
    rest = one_minus_t_mills_far(t);
    ratio = (1.0 - rest) / t;
  }
  if (derivative) *derivative = ratio / rest;
  return -0.5 * z * z - kLogSqrt2Pi + std::log(rest);
}

double log_normal_cdf(double z, double* derivative) {
  if (z > kTail) {
    const double cdf = normal_cdf(z);
    if (derivative) *derivative = normal_pdf(z) / cdf;
    return std::log(cdf);
  }
  // Phi(z) = phi(z) R(-z).
  const double t = -z;
  const double ratio = z > kFarTail ? mills_ratio(t) : (1.0 - one_minus_t_mills_far(t)) / t;
  if (derivative) *derivative = 1.0 / ratio;
  return -0.5 * z * z - kLogSqrt2Pi + std::log(ratio);
}

Acquisition Acquisition::make(AcquisitionKind kind, double best) {
  Acquisition a;
  a.kind = kind;
  a.best = best;
  a.xi = kind == AcquisitionKind::kProbabilityOfImprovement ? 0.01 : 0.0;
  return a;
}

double Acquisition::value(double mean, double sd) const {
  double d_mean = 0, d_sd = 0;
  return value(mean, sd, d_mean, d_sd);
}

double Acquisition::value(double mean, double sd, double& d_mean, double& d_sd) const {
  sd = std::max(sd, kMinSd);
  if (kind == AcquisitionKind::kLowerConfidenceBound) {
    d_mean = -1.0;
    d_sd = kappa;
    return -(mean - kappa * sd);
  }
  const double z = (best - mean - xi) / sd;
  double slope = 0;  // d ln(.) / dz
  double value = 0;
  if (kind == AcquisitionKind::kExpectedImprovement) {
    value = std::log(sd) + log_h(z, &slope);
    d_sd = 1.0 / sd - slope * z / sd;
  } else {
    value = log_normal_cdf(z, &slope);
    d_sd = -slope * z / sd;
  }
  d_mean = -slope / sd;
  return value;
}

}  // namespace sextant::algorithms::bayesopt
