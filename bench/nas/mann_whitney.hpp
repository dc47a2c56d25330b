// The Mann-Whitney U test (Wilcoxon rank-sum), one-sided, normal approximation with tie and
// continuity corrections: what scipy.stats.mannwhitneyu(x, y, alternative="greater",
// method="asymptotic") computes.
#pragma once

#include <string>
#include <vector>

namespace sextant::bench::nas {

struct MannWhitney {
  double u = 0;  // U of x: pairs (x_i, y_j) with x_i > y_j, plus half the ties
  double z = 0;  // (U - n_x n_y / 2 - 1/2) / sigma, sigma with the tie correction
  double p = 1;  // P(Z >= z): small when x tends to be larger than y
};

// H1: x is stochastically greater than y. Midranks for ties;
// sigma^2 = n_x n_y / 12 * ((n + 1) - sum(t^3 - t) / (n (n - 1))) over the groups of t tied
// values. When every value is tied (sigma = 0) there is no evidence: p = 1.
// Both samples must be non-empty.
MannWhitney mann_whitney_greater(const std::vector<double>& x, const std::vector<double>& y);

// Checks the implementation against values computed with scipy 1.10.1; empty when it agrees,
// otherwise what differs (sextant-nas-replay --self-test).
std::string mann_whitney_self_test();

}  // namespace sextant::bench::nas
