// PED-ANOVA: Pearson divergence between the top set's and the whole set's Parzen densities of
// each parameter, on a grid (numeric) or over the categories (categorical and discrete).
#include "engine/analysis/ped_anova.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <optional>

#include "engine/util/numbers.hpp"

namespace sextant::engine {
namespace {

constexpr double kPi = 3.14159265358979323846;
// Keeps both densities away from zero where neither set has mass (as the paper's
// implementation does), so empty corners of the range add nothing.
constexpr double kDensityFloor = 1e-12;
constexpr size_t kBins = 1024;

bool is_log(const ParameterSpec& p) {
  return p.distribution == Distribution::kLogUniform || p.distribution == Distribution::kLogNormal;
}

// A parameter's value on the axis the densities live on: [0, 1] across the feasible range
// (log scale for log parameters) for numeric ranges, the list index for the others.
std::optional<double> coordinate(const ParameterSpec& p, const std::string& text) {
  if (!p.is_numeric_range()) {
    for (size_t i = 0; i < p.list.size(); ++i)
      if (p.list[i] == text) return static_cast<double>(i);
    return std::nullopt;
  }
  auto value = parse_finite_number(text);
  if (!value) return std::nullopt;
  double lo = p.min, hi = p.max, x = *value;
  if (is_log(p)) {
    if (lo <= 0 || x <= 0) return std::nullopt;
    lo = std::log(lo), hi = std::log(hi), x = std::log(x);
  }
  if (!(hi > lo)) return 0.5;  // a single-value range: every point is the same
  return std::clamp((x - lo) / (hi - lo), 0.0, 1.0);
}

// Density on the grid, normalized to sum to 1: a Gaussian kernel per point plus one uniform
// prior component (weight 1, as TPE's Parzen estimator has), which keeps a top set of two or
// three points from looking like a spike of certainty.
std::vector<double> numeric_density(const std::vector<double>& xs,
                                    const std::vector<double>& grid) {
  double n = static_cast<double>(xs.size());
  double mean = std::accumulate(xs.begin(), xs.end(), 0.0) / n;
  double var = 0;
  for (double x : xs) var += (x - mean) * (x - mean);
  double sd = n > 1 ? std::sqrt(var / (n - 1)) : 0.0;
  // Scott's rule on the unit range, kept between one grid step and the whole range.
  double step = grid.size() > 1 ? grid[1] - grid[0] : 1.0;
  double h = std::clamp(1.06 * sd * std::pow(n, -0.2), step, 1.0);
  // Many points are first counted into fine bins (1/1024 of the range, far below the smallest
  // bandwidth), so 50,000 trials cost what 1,024 do.
  std::vector<std::pair<double, double>> mass;  // (position, weight)
  if (xs.size() > kBins) {
    std::vector<double> counts(kBins, 0.0);
    for (double x : xs)
      counts[std::min(kBins - 1, static_cast<size_t>(x * static_cast<double>(kBins)))] += 1;
    for (size_t b = 0; b < kBins; ++b)
      if (counts[b] > 0) mass.push_back({(b + 0.5) / static_cast<double>(kBins), counts[b]});
  } else {
    for (double x : xs) mass.push_back({x, 1.0});
  }
  std::vector<double> pdf(grid.size(), 0.0);
  for (size_t g = 0; g < grid.size(); ++g) {
    double sum = 1.0;  // the uniform prior's density on [0, 1]
    for (const auto& [x, w] : mass) {
      double z = (grid[g] - x) / h;
      sum += w * std::exp(-0.5 * z * z) / (h * std::sqrt(2 * kPi));
    }
    pdf[g] = sum / (n + 1);
  }
  double total = std::accumulate(pdf.begin(), pdf.end(), 0.0);
  for (double& v : pdf) v = v / total + kDensityFloor;
  return pdf;
}

// Category frequencies with one prior observation spread over all the categories.
std::vector<double> categorical_density(const std::vector<double>& xs, size_t categories) {
  std::vector<double> pdf(categories, 1.0 / static_cast<double>(categories));
  for (double x : xs) pdf[static_cast<size_t>(x)] += 1.0;
  double total = std::accumulate(pdf.begin(), pdf.end(), 0.0);
  for (double& v : pdf) v = v / total + kDensityFloor;
  return pdf;
}

// Pearson chi-square divergence of top from all: sum over the grid of all * (top/all - 1)^2.
double pearson_divergence(const std::vector<double>& top, const std::vector<double>& all) {
  double d = 0;
  for (size_t i = 0; i < top.size(); ++i) {
    double r = top[i] / all[i] - 1.0;
    d += all[i] * r * r;
  }
  return d;
}

double parameter_divergence(const ParameterSpec& p, const std::vector<ScoredAssignment>& sorted,
                            size_t n_top, int grid_points) {
  std::vector<double> top, all;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const std::string* text = find_value(*sorted[i].assignment, p.name);
    if (!text) continue;
    auto x = coordinate(p, *text);
    if (!x) continue;
    all.push_back(*x);
    if (i < n_top) top.push_back(*x);
  }
  if (top.empty() || all.size() < 2) return 0;
  if (std::all_of(all.begin(), all.end(), [&](double x) { return x == all.front(); })) return 0;
  if (!p.is_numeric_range())
    return pearson_divergence(categorical_density(top, p.list.size()),
                              categorical_density(all, p.list.size()));
  std::vector<double> grid(static_cast<size_t>(std::max(grid_points, 2)));
  for (size_t g = 0; g < grid.size(); ++g)
    grid[g] = static_cast<double>(g) / static_cast<double>(grid.size() - 1);
  return pearson_divergence(numeric_density(top, grid), numeric_density(all, grid));
}

}  // namespace

ImportanceResult ped_anova_importance(const SearchSpace& space, ObjectiveType type,
                                      const std::vector<ScoredAssignment>& points,
                                      const ImportanceOptions& options) {
  ImportanceResult result;
  for (const auto& p : space.parameters) result.importances.push_back({p.name, 0.0});
  std::vector<ScoredAssignment> sorted;
  for (const auto& point : points)
    if (point.assignment && std::isfinite(point.objective)) sorted.push_back(point);
  result.trials_used = sorted.size();
  if (sorted.size() < 3) {
    result.note = "needs at least 3 trials with a value of the objective (" +
                  std::to_string(sorted.size()) + " so far)";
    return result;
  }
  // Best first; stable so that ties keep the caller's (creation) order.
  std::stable_sort(sorted.begin(), sorted.end(), [&](const auto& a, const auto& b) {
    return type == ObjectiveType::kMaximize ? a.objective > b.objective : a.objective < b.objective;
  });
  size_t n_top =
      static_cast<size_t>(std::ceil(options.target_quantile * static_cast<double>(sorted.size())));
  n_top = std::clamp<size_t>(n_top, 2, sorted.size() - 1);
  result.top_trials = n_top;

  double total = 0;
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    double d = parameter_divergence(space.parameters[i], sorted, n_top, options.grid_points);
    result.importances[i].importance = d;
    total += d;
  }
  if (total > 0) {
    for (auto& imp : result.importances) imp.importance /= total;
  } else {
    result.note = "every parameter has the same distribution in the top trials as in all of them";
  }
  std::stable_sort(result.importances.begin(), result.importances.end(),
                   [](const auto& a, const auto& b) { return a.importance > b.importance; });
  return result;
}

}  // namespace sextant::engine
