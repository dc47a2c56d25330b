// The standard normal distribution's CDF and quantile, shared by samplers and acquisitions.
#pragma once

namespace sextant::algorithms {

double normal_cdf(double x);
double normal_pdf(double x);
// Inverse CDF by Wichura's AS241 (Applied Statistics 37(3), 1988), accurate to about 1e-16.
// Returns -inf for p <= 0 and +inf for p >= 1.
double normal_quantile(double p);

}  // namespace sextant::algorithms
