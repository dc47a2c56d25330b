// Splitting unit-cube points into CMA-ES's Gaussian coordinates and list choices.
#include "algorithms/cmaes/cmaes_layout.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/common/axis.hpp"
#include "algorithms/common/normal.hpp"

namespace sextant::algorithms {

namespace {
// The tutorial's tolx (1e-11 and below) serves numerical optimisation; in a trial's parameter,
// 1e-8 of the range is already far below anything a model can tell apart, and stopping there
// leaves the rest of an HPO budget to the next run (the generations from 1e-8 to 1e-11 cost
// about a third of a 1,000-trial budget on Styblinski-Tang-5).
constexpr double kContinuousTolerance = 1e-8;
constexpr double kCellTolerance = 1e-3;  // of a cell's width
}  // namespace

CmaesLayout::CmaesLayout(const UnitCube& cube) : dims_(cube.dimensions()) {
  for (size_t i = 0; i < dims_; ++i) {
    const auto& spec = cube.parameter(i);
    if (!spec.is_numeric_range()) {
      auto axis = Axis::of(spec);
      lists_.push_back({i, axis ? static_cast<size_t>(axis->size()) : spec.list.size()});
      continue;
    }
    if (auto range = SteppedRange::of(spec)) {
      if (range->point_count() > 1) gaussian_.push_back({i, range->point_count()});
    } else if (spec.max > spec.min) {
      gaussian_.push_back({i, std::nullopt});
    }
  }
}

std::vector<size_t> CmaesLayout::list_sizes() const {
  std::vector<size_t> sizes;
  for (const auto& list : lists_) sizes.push_back(list.size);
  return sizes;
}

std::vector<double> CmaesLayout::gaussian_part(const std::vector<double>& point) const {
  std::vector<double> x;
  x.reserve(gaussian_.size());
  for (const auto& g : gaussian_) x.push_back(point.at(g.index));
  return x;
}

std::vector<size_t> CmaesLayout::list_part(const std::vector<double>& point) const {
  std::vector<size_t> choices;
  choices.reserve(lists_.size());
  for (const auto& list : lists_) {
    const double cell = std::floor(point.at(list.index) * static_cast<double>(list.size));
    choices.push_back(static_cast<size_t>(
        std::clamp(cell, 0.0, static_cast<double>(std::max<size_t>(list.size, 1) - 1))));
  }
  return choices;
}

std::vector<double> CmaesLayout::point(const std::vector<double>& gaussian,
                                       const std::vector<size_t>& choices) const {
  std::vector<double> out(dims_, 0.5);  // single-valued parameters: their only value
  for (size_t k = 0; k < gaussian_.size() && k < gaussian.size(); ++k)
    out[gaussian_[k].index] = std::clamp(gaussian[k], 0.0, 1.0);
  for (size_t k = 0; k < lists_.size() && k < choices.size(); ++k)
    out[lists_[k].index] = (static_cast<double>(choices[k]) + 0.5) /
                           static_cast<double>(std::max<size_t>(lists_[k].size, 1));
  return out;
}

std::vector<double> CmaesLayout::margin_floors(size_t population) const {
  std::vector<double> floors(gaussian_.size(), 0.0);
  const double n = static_cast<double>(std::max<size_t>(gaussian_.size(), 1));
  const double alpha = 1.0 / (n * static_cast<double>(std::max<size_t>(population, 1)));
  // P(|N(0, s^2)| > w/2) = alpha  <=>  s = w / (2 z), z = Phi^-1(1 - alpha/2).
  const double z = normal_quantile(1 - alpha / 2);
  for (size_t k = 0; k < gaussian_.size(); ++k)
    if (gaussian_[k].cells) floors[k] = (1.0 / *gaussian_[k].cells) / (2 * z);
  return floors;
}

std::vector<double> CmaesLayout::tolerances() const {
  std::vector<double> tolerances;
  for (const auto& g : gaussian_)
    tolerances.push_back(g.cells ? std::max(kContinuousTolerance, kCellTolerance / *g.cells)
                                 : kContinuousTolerance);
  return tolerances;
}

}  // namespace sextant::algorithms
