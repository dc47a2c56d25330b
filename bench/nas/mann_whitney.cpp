// Mann-Whitney U with midranks, tie-corrected variance and continuity correction.
#include "bench/nas/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <utility>

namespace sextant::bench::nas {

MannWhitney mann_whitney_greater(const std::vector<double>& x, const std::vector<double>& y) {
  if (x.empty() || y.empty()) throw std::invalid_argument("mann_whitney_greater: empty sample");
  const double nx = static_cast<double>(x.size());
  const double ny = static_cast<double>(y.size());
  std::vector<std::pair<double, int>> all;  // value, 0 for x and 1 for y
  for (double v : x) all.emplace_back(v, 0);
  for (double v : y) all.emplace_back(v, 1);
  std::sort(all.begin(), all.end());
  double rank_sum_x = 0;
  double ties = 0;  // sum over tie groups of t^3 - t
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    const double t = static_cast<double>(j - i);
    const double midrank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k)
      if (all[k].second == 0) rank_sum_x += midrank;
    ties += t * t * t - t;
    i = j;
  }
  const double n = nx + ny;
  MannWhitney result;
  result.u = rank_sum_x - nx * (nx + 1) / 2;
  const double variance = nx * ny / 12 * ((n + 1) - ties / (n * (n - 1)));
  if (!(variance > 0)) return result;  // all tied: z 0, p 1
  result.z = (result.u - nx * ny / 2 - 0.5) / std::sqrt(variance);
  result.p = 0.5 * std::erfc(result.z / std::sqrt(2.0));
  return result;
}

std::string mann_whitney_self_test() {
  struct Case {
    std::vector<double> x, y;
    double u, p;
  };
  // scipy.stats.mannwhitneyu(x, y, alternative="greater", method="asymptotic"), scipy 1.10.1.
  const Case cases[] = {
      {{0.97, 0.975, 0.98, 0.98, 0.9717, 0.9733, 0.98, 0.9767},
       {0.97, 0.965, 0.9717, 0.97, 0.975, 0.96, 0.9683},
       50.0,
       0.006025300385283922},
      {{1, 2, 3, 4, 5}, {3, 3, 3, 6, 7, 8}, 7.5, 0.9325382240065381},
      {{5, 5, 5}, {5, 5}, 3.0, 1.0},
  };
  std::string problems;
  for (const auto& c : cases) {
    const MannWhitney r = mann_whitney_greater(c.x, c.y);
    if (std::abs(r.u - c.u) > 1e-12 || std::abs(r.p - c.p) > 1e-12) {
      char line[160];
      std::snprintf(line, sizeof line, "U %.6g p %.17g, scipy: U %.6g p %.17g\n", r.u, r.p, c.u,
                    c.p);
      problems += line;
    }
  }
  return problems;
}

}  // namespace sextant::bench::nas
