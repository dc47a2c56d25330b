// Acquisition functions on the standardised loss (lower is better), as values to MAXIMISE, with
// their partial derivatives in the posterior mean and standard deviation for gradient polish.
#pragma once

#include <string>

namespace sextant::algorithms::bayesopt {

enum class AcquisitionKind {
  kExpectedImprovement,
  kLowerConfidenceBound,
  kProbabilityOfImprovement
};

// With z = (best - mu - xi) / s (mu, s: posterior mean and standard deviation):
// | kind | value maximised                              | default parameter                 |
// |------|----------------------------------------------|-----------------------------------|
// | EI   | ln EI, EI = s h(z), h(z) = z Phi(z) + phi(z) | xi = 0                            |
// | LCB  | -(mu - kappa s)                              | kappa = 1.96                      |
// | PI   | ln Phi(z)                                    | xi = 0.01 (standardised loss)     |
// EI (Jones, Schonlau, Welch 1998) is maximised in logarithm with a tail formula for h (the
// "log EI" of Ament et al., NeurIPS 2023), so that far from the data, where EI underflows to 0,
// the search still has a slope to follow. PI (Kushner 1964) likewise through ln Phi.
struct Acquisition {
  AcquisitionKind kind = AcquisitionKind::kExpectedImprovement;
  double best = 0;      // lowest standardised loss observed
  double kappa = 1.96;  // LCB
  double xi = 0;        // EI and PI: improvement demanded beyond best

  static Acquisition make(AcquisitionKind kind, double best);

  double value(double mean, double sd) const;
  // value, d value / d mean, d value / d sd.
  double value(double mean, double sd, double& d_mean, double& d_sd) const;
};

const char* to_string(AcquisitionKind kind);  // "EI", "LCB", "PI"

// ln h(z) and d ln h / dz = Phi(z) / h(z), accurate for every finite z (Mills-ratio continued
// fraction and asymptotic series in the lower tail).
double log_h(double z, double* derivative = nullptr);
// ln Phi(z) and d ln Phi / dz = phi(z) / Phi(z), accurate in the lower tail.
double log_normal_cdf(double z, double* derivative = nullptr);

// The smallest standard deviation used: below it a point is as good as observed.
inline constexpr double kMinSd = 1e-9;

}  // namespace sextant::algorithms::bayesopt
