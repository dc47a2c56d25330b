// Acquisition functions, gp_hedge, the refit schedule and the acquisition search budget.
#include <cmath>

#include <catch2/catch.hpp>

#include "algorithms/bayesopt/acquisition.hpp"
#include "algorithms/bayesopt/acquisition_optimizer.hpp"
#include "algorithms/bayesopt/gp_hedge.hpp"
#include "algorithms/bayesopt/refit_schedule.hpp"
#include "algorithms/common/normal.hpp"
#include "algorithms/common/rng.hpp"

namespace sextant::test {
namespace {

using algorithms::bayesopt::Acquisition;
using algorithms::bayesopt::AcquisitionKind;

double closed_form_ei(double mean, double sd, double best) {
  const double z = (best - mean) / sd;
  return (best - mean) * algorithms::normal_cdf(z) + sd * algorithms::normal_pdf(z);
}

}  // namespace

TEST_CASE("bayesopt EI: equals the closed form and behaves like an expected improvement",
          "[algorithms][bayesopt]") {
  const auto ei = Acquisition::make(AcquisitionKind::kExpectedImprovement, 0.0);
  for (double mean : {-2.0, -0.5, 0.0, 0.3, 1.5, 4.0})
    for (double sd : {0.05, 0.3, 1.0, 2.5}) {
      if ((0.0 - mean) / sd < -5) continue;  // the closed form itself cancels out there
      INFO("mean " << mean << " sd " << sd);
      CHECK(std::exp(ei.value(mean, sd)) == Approx(closed_form_ei(mean, sd, 0.0)).epsilon(1e-9));
    }
  // More uncertainty is worth more; a worse mean is worth less.
  double previous = -INFINITY;
  for (double sd = 0.01; sd < 5; sd *= 1.5) {
    const double v = ei.value(0.5, sd);
    CHECK(v > previous);
    previous = v;
  }
  previous = INFINITY;
  for (double mean = -3; mean < 30; mean += 0.5) {
    const double v = ei.value(mean, 0.4);
    CHECK(v < previous);
    CHECK(std::isfinite(v));  // log EI stays finite far in the tail, where EI underflows
    previous = v;
  }
  // Without uncertainty, EI is the plain improvement.
  CHECK(std::exp(ei.value(-0.7, 1e-12)) == Approx(0.7).epsilon(1e-9));
}

TEST_CASE("bayesopt log h: continuous across its tail formulas, with the right slope",
          "[algorithms][bayesopt]") {
  using algorithms::bayesopt::log_h;
  for (double edge : {-6.0, -30.0}) {
    const double below = log_h(edge - 1e-9), above = log_h(edge + 1e-9);
    CHECK(below == Approx(above).epsilon(1e-9));
  }
  // Against the direct formula where it is still accurate.
  for (double z : {-7.0, -10.0, -20.0}) {
    const long double zl = z;
    const long double h = zl * 0.5L * std::erfc(-zl / std::sqrt(2.0L)) +
                          std::exp(-0.5L * zl * zl) / std::sqrt(2.0L * 3.14159265358979323846L);
    CHECK(log_h(z) == Approx(static_cast<double>(std::log(h))).epsilon(1e-8));
  }
  for (double z : {-100.0, -31.0, -12.0, -6.5, -3.0, 0.0, 2.0, 8.0}) {
    double slope = 0;
    log_h(z, &slope);
    const double eps = 1e-6 * std::max(1.0, std::fabs(z));
    const double numeric = (log_h(z + eps) - log_h(z - eps)) / (2 * eps);
    INFO("z " << z);
    CHECK(slope == Approx(numeric).epsilon(1e-5));
  }
}

TEST_CASE("bayesopt PI and LCB: values and partial derivatives", "[algorithms][bayesopt]") {
  const auto pi = Acquisition::make(AcquisitionKind::kProbabilityOfImprovement, 0.2);
  const auto lcb = Acquisition::make(AcquisitionKind::kLowerConfidenceBound, 0.2);
  const auto ei = Acquisition::make(AcquisitionKind::kExpectedImprovement, 0.2);
  CHECK(pi.xi == 0.01);
  CHECK(lcb.kappa == 1.96);
  // PI is a probability; far above the best it is tiny but its logarithm is finite.
  CHECK(std::exp(pi.value(0.2 - 0.01, 1.0)) == Approx(0.5));
  CHECK(pi.value(1e3, 1.0) < -1e5);
  CHECK(std::isfinite(pi.value(1e3, 1.0)));
  CHECK(pi.value(-5, 1.0) < 0.0);
  CHECK(lcb.value(1.0, 0.5) == Approx(-(1.0 - 1.96 * 0.5)));

  for (const auto& a : {pi, lcb, ei})
    for (double mean : {-1.0, 0.1, 0.9, 12.0})
      for (double sd : {0.2, 1.3}) {
        double d_mean = 0, d_sd = 0;
        a.value(mean, sd, d_mean, d_sd);
        const double h = 1e-6;
        INFO(to_string(a.kind) << " mean " << mean << " sd " << sd);
        CHECK(d_mean == Approx((a.value(mean + h, sd) - a.value(mean - h, sd)) / (2 * h))
                            .epsilon(1e-5)
                            .margin(1e-8));
        CHECK(d_sd == Approx((a.value(mean, sd + h) - a.value(mean, sd - h)) / (2 * h))
                          .epsilon(1e-5)
                          .margin(1e-8));
      }
}

TEST_CASE("bayesopt gp_hedge: starts even, then favours the member whose picks look good",
          "[algorithms][bayesopt]") {
  using algorithms::bayesopt::GpHedge;
  GpHedge hedge;
  for (double p : hedge.probabilities()) CHECK(p == Approx(1.0 / 3));
  CHECK_FALSE(hedge.reward_due(5));
  hedge.nominate({{0.1}, {0.2}, {0.3}}, 5);
  CHECK_FALSE(hedge.reward_due(5));  // no new observation yet
  CHECK(hedge.reward_due(6));
  hedge.reward({-1.0, 0.5, 0.0});  // EI's nominee is predicted best
  CHECK(hedge.nominees().empty());
  const auto p = hedge.probabilities();
  CHECK(p[0] > p[2]);
  CHECK(p[2] > p[1]);
  CHECK(p[0] + p[1] + p[2] == Approx(1.0));
  // Draws follow the probabilities and are reproducible.
  algorithms::Rng a(4), b(4);
  int counts[3] = {0, 0, 0};
  for (int i = 0; i < 3000; ++i) {
    const size_t x = hedge.choose(a);
    CHECK(x == hedge.choose(b));
    ++counts[x];
  }
  CHECK(counts[0] / 3000.0 == Approx(p[0]).margin(0.04));
  CHECK(counts[1] / 3000.0 == Approx(p[1]).margin(0.04));
}

TEST_CASE("bayesopt refit schedule: every observation early, geometric later",
          "[algorithms][bayesopt]") {
  using algorithms::bayesopt::next_refit;
  using algorithms::bayesopt::refit_due;
  CHECK(next_refit(10) == 11);
  CHECK(next_refit(19) == 20);
  CHECK(next_refit(50) == 55);
  CHECK(next_refit(100) == 110);
  CHECK(next_refit(1000) == 1100);
  CHECK(refit_due(std::nullopt, 10));
  CHECK(refit_due(100, 110));
  CHECK_FALSE(refit_due(100, 109));
  CHECK(refit_due(100, 90));  // fewer observations than at the fit: an edited history
  // Refits between n = 20 and 1000: far fewer than observations, so a fit is amortised.
  size_t fits = 0;
  for (size_t at = 20; at < 1000; at = next_refit(at)) ++fits;
  CHECK(fits < 50);
  CHECK(fits > 30);
}

TEST_CASE("bayesopt acquisition budget: the sweep shrinks with n, sampling never polishes",
          "[algorithms][bayesopt]") {
  using algorithms::bayesopt::AcquisitionOptimizerKind;
  using algorithms::bayesopt::search_budget;
  const auto small = search_budget(AcquisitionOptimizerKind::kAuto, 50, 6);
  const auto large = search_budget(AcquisitionOptimizerKind::kAuto, 1000, 6);
  CHECK(small.sweep == 1024);
  CHECK(large.sweep < small.sweep);
  CHECK(large.sweep >= 256);
  CHECK(small.starts == 5);
  CHECK(search_budget(AcquisitionOptimizerKind::kSampling, 50, 6).starts == 0);
  CHECK(small.evaluations == 44);
}

}  // namespace sextant::test
