// Sweep, neighbourhood search and L-BFGS polish of the acquisition, all in the unit cube.
#include "algorithms/bayesopt/acquisition_optimizer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include <nlopt.hpp>

#include "algorithms/sobol/direction_numbers.hpp"
#include "algorithms/sobol/sobol_sequence.hpp"

namespace sextant::algorithms::bayesopt {

namespace {

constexpr uint64_t kEnumerationLimit = 4096;
constexpr size_t kRankedCandidates = 64;
constexpr size_t kLocalIncumbents = 5;
constexpr double kPerturbationScales[] = {0.01, 0.05, 0.2};
constexpr double kCategoricalResample = 0.2;  // chance a perturbation redraws a list parameter
constexpr size_t kAllCellsUpTo = 16;          // neighbourhood: every value of a small parameter
constexpr size_t kRandomCategories = 32;      // ... and this many of a large list
constexpr int kNeighbourhoodRounds = 5;

struct Scored {
  std::vector<double> point;
  double value;
};

Eigen::MatrixXd to_matrix(const std::vector<std::vector<double>>& points, size_t dimensions) {
  Eigen::MatrixXd out(static_cast<Eigen::Index>(points.size()),
                      static_cast<Eigen::Index>(dimensions));
  for (size_t r = 0; r < points.size(); ++r)
    for (size_t c = 0; c < dimensions; ++c)
      out(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)) = points[r][c];
  return out;
}

// values[member](candidate), from one batched prediction.
std::vector<Eigen::VectorXd> evaluate(const SearchRequest& request,
                                      const std::vector<std::vector<double>>& points) {
  const Eigen::MatrixXd features = request.map->encode(to_matrix(points, request.map->inputs()));
  Eigen::VectorXd mean, variance;
  request.gp->predict(features, mean, variance);
  std::vector<Eigen::VectorXd> values;
  for (const auto& member : request.members) {
    Eigen::VectorXd v(mean.size());
    for (Eigen::Index i = 0; i < mean.size(); ++i)
      v[i] = member.value(mean[i], std::sqrt(variance[i]));
    values.push_back(std::move(v));
  }
  return values;
}

std::vector<std::vector<double>> sweep_points(const SearchRequest& request, Rng& rng) {
  const size_t d = request.map->inputs();
  std::vector<std::vector<double>> points;
  points.reserve(request.budget.sweep + request.budget.local);
  if (d <= kSobolMaxDimensions) {
    const SobolSequence sobol(d, rng.next());
    for (size_t i = 0; i < request.budget.sweep; ++i) points.push_back(sobol.point(i));
  } else {
    for (size_t i = 0; i < request.budget.sweep; ++i) {
      std::vector<double> p(d);
      for (auto& u : p) u = rng.uniform();
      points.push_back(std::move(p));
    }
  }
  const size_t centres = std::min(kLocalIncumbents, request.incumbents.size());
  for (size_t i = 0; centres > 0 && i < request.budget.local; ++i) {
    std::vector<double> p = request.incumbents[i % centres];
    const double scale = kPerturbationScales[(i / centres) % std::size(kPerturbationScales)];
    for (size_t j = 0; j < d; ++j) {
      if (request.map->kind(j) == InputKind::kCategorical) {
        if (rng.uniform() < kCategoricalResample) p[j] = rng.uniform();
      } else {
        p[j] = std::clamp(p[j] + scale * rng.normal(), 0.0, 1.0);
      }
    }
    points.push_back(std::move(p));
  }
  return points;
}

std::vector<size_t> order_by(const Eigen::VectorXd& values) {
  std::vector<size_t> order(static_cast<size_t>(values.size()));
  std::iota(order.begin(), order.end(), 0);
  // Ties (an enumerated space with a flat model) keep the candidates' order: deterministic.
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return values[static_cast<Eigen::Index>(a)] > values[static_cast<Eigen::Index>(b)];
  });
  return order;
}

std::vector<size_t> neighbour_cells(const FeatureMap& map, size_t input, size_t current, Rng& rng) {
  const size_t count = map.cells(input);
  std::vector<size_t> cells;
  if (count <= kAllCellsUpTo) {
    for (size_t c = 0; c < count; ++c)
      if (c != current) cells.push_back(c);
  } else if (map.kind(input) == InputKind::kCategorical) {
    std::set<size_t> drawn;
    while (drawn.size() < kRandomCategories) drawn.insert(static_cast<size_t>(rng.below(count)));
    drawn.erase(current);
    cells.assign(drawn.begin(), drawn.end());
  } else {
    for (size_t jump = 1; jump < count; jump *= 2) {
      if (current >= jump) cells.push_back(current - jump);
      if (current + jump < count) cells.push_back(current + jump);
    }
  }
  return cells;
}

// Moves one stepped or list parameter at a time to its best value, while that improves.
Scored neighbourhood_search(const SearchRequest& request, Scored start, Rng& rng) {
  const FeatureMap& map = *request.map;
  for (int round = 0; round < kNeighbourhoodRounds; ++round) {
    std::vector<std::vector<double>> moves;
    for (size_t j = 0; j < map.inputs(); ++j) {
      if (map.kind(j) == InputKind::kContinuous) continue;
      for (size_t cell : neighbour_cells(map, j, map.cell_of(j, start.point[j]), rng)) {
        moves.push_back(start.point);
        moves.back()[j] = map.centre(j, cell);
      }
    }
    if (moves.empty()) break;
    const Eigen::VectorXd values = evaluate(request, moves)[request.chosen];
    Eigen::Index best = 0;
    values.maxCoeff(&best);
    if (!(values[best] > start.value)) break;
    start = {moves[static_cast<size_t>(best)], values[best]};
  }
  return start;
}

struct Polish {
  const SearchRequest* request;
  std::vector<double> point;  // the current point; its continuous coordinates are the variables
  Scored best;
};

double polish_objective(unsigned dimension, const double* x, double* gradient, void* context) {
  auto& polish = *static_cast<Polish*>(context);
  const SearchRequest& request = *polish.request;
  const FeatureMap& map = *request.map;
  const auto& continuous = map.continuous_inputs();
  for (unsigned k = 0; k < dimension; ++k) polish.point[continuous[k]] = x[k];
  const auto prediction = request.gp->predict_point(map.encode(polish.point));
  const double sd = std::sqrt(prediction.variance);
  double d_mean = 0, d_sd = 0;
  const double value = request.members[request.chosen].value(prediction.mean, sd, d_mean, d_sd);
  if (gradient) {
    for (unsigned k = 0; k < dimension; ++k) {
      const auto f = static_cast<Eigen::Index>(map.first_feature(continuous[k]));
      double g = d_mean * prediction.mean_gradient[f];
      if (sd > kMinSd) g += d_sd * prediction.variance_gradient[f] / (2.0 * sd);
      gradient[k] = std::isfinite(g) ? -g : 0.0;
    }
  }
  if (value > polish.best.value) polish.best = {polish.point, value};
  return std::isfinite(value) ? -value : 1e300;
}

Scored lbfgs_polish(const SearchRequest& request, Scored start) {
  const auto& continuous = request.map->continuous_inputs();
  if (continuous.empty()) return start;
  const unsigned dimension = static_cast<unsigned>(continuous.size());
  Polish polish{&request, start.point, start};
  nlopt::opt optimizer(nlopt::LD_LBFGS, dimension);
  optimizer.set_lower_bounds(0.0);
  optimizer.set_upper_bounds(1.0);
  optimizer.set_min_objective(polish_objective, &polish);
  optimizer.set_maxeval(request.budget.evaluations);
  optimizer.set_ftol_rel(1e-10);
  optimizer.set_xtol_abs(1e-9);
  std::vector<double> x;
  for (size_t j : continuous) x.push_back(start.point[j]);
  double value = 0;
  try {
    optimizer.optimize(x, value);
  } catch (const std::exception&) {
    // A failed line search or round-off ends the polish; the best point seen is kept.
  }
  return polish.best;
}

}  // namespace

SearchBudget search_budget(AcquisitionOptimizerKind kind, Eigen::Index observations,
                           size_t continuous_inputs) {
  SearchBudget budget;
  const double n = std::max<double>(1.0, static_cast<double>(observations));
  budget.sweep = static_cast<size_t>(std::clamp(1024.0 * 350.0 / n, 256.0, 1024.0));
  budget.local = budget.sweep / 4;
  budget.starts = kind == AcquisitionOptimizerKind::kSampling ? 0 : (observations > 500 ? 3 : 5);
  budget.evaluations = static_cast<int>(std::min<size_t>(60, 20 + 4 * continuous_inputs));
  return budget;
}

SearchResult search_acquisition(const SearchRequest& request, Rng& rng) {
  const FeatureMap& map = *request.map;
  SearchResult result;
  std::vector<std::vector<double>> candidates;
  // Enumeration costs as much as a sweep of that many candidates: capped like the sweep as n grows.
  const uint64_t finite = map.finite_size(
      std::min<uint64_t>(kEnumerationLimit, 4 * (request.budget.sweep + request.budget.local)));
  if (finite > 0) {
    for (uint64_t k = 0; k < finite; ++k) candidates.push_back(map.point(k));
  } else {
    candidates = sweep_points(request, rng);
    for (auto& p : candidates) p = map.snap(std::move(p));
  }
  const auto values = evaluate(request, candidates);
  for (const auto& member_values : values) {
    Eigen::Index best = 0;
    member_values.maxCoeff(&best);
    result.nominees.push_back(candidates[static_cast<size_t>(best)]);
  }
  const Eigen::VectorXd& chosen = values[request.chosen];
  const auto order = order_by(chosen);

  std::vector<Scored> searched;
  if (finite == 0 && request.kind != AcquisitionOptimizerKind::kSampling) {
    std::set<std::vector<double>> started;
    for (size_t index : order) {
      if (started.size() >= request.budget.starts) break;
      if (!started.insert(candidates[index]).second) continue;
      Scored point{candidates[index], chosen[static_cast<Eigen::Index>(index)]};
      if (request.kind == AcquisitionOptimizerKind::kAuto)
        point = neighbourhood_search(request, std::move(point), rng);
      point = lbfgs_polish(request, std::move(point));
      point.point = map.snap(std::move(point.point));
      searched.push_back(std::move(point));
    }
    std::stable_sort(searched.begin(), searched.end(),
                     [](const Scored& a, const Scored& b) { return a.value > b.value; });
  }
  for (auto& s : searched) result.ranked.push_back(s.point);
  const size_t keep = finite > 0 ? order.size() : std::min(order.size(), kRankedCandidates);
  for (size_t i = 0; i < keep; ++i) result.ranked.push_back(candidates[order[i]]);
  if (!searched.empty() && searched.front().value > chosen[static_cast<Eigen::Index>(order[0])])
    result.nominees[request.chosen] = searched.front().point;
  return result;
}

}  // namespace sextant::algorithms::bayesopt
