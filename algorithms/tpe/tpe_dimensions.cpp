// Cell edges of stepped parameters: k/n for uniform ones, found by bisection for the others.
#include "algorithms/tpe/tpe_dimensions.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/common/axis.hpp"

namespace sextant::algorithms {

using engine::Distribution;

size_t TpeDimension::index_of(double u) const {
  if (centers.empty()) return 0;
  // The first edge above u closes u's cell.
  auto it = std::upper_bound(edges.begin() + 1, edges.end() - 1, u);
  return static_cast<size_t>(it - (edges.begin() + 1));
}

namespace {

TpeDimension equal_cells(TpeDimensionKind kind, size_t n) {
  TpeDimension dim;
  dim.kind = kind;
  const double width = 1.0 / static_cast<double>(n);
  for (size_t k = 0; k <= n; ++k) dim.edges.push_back(static_cast<double>(k) * width);
  dim.edges.back() = 1.0;
  for (size_t k = 0; k < n; ++k) dim.centers.push_back((static_cast<double>(k) + 0.5) * width);
  return dim;
}

// A stepped range whose coordinate is a prior quantile (logUniform, normal, logNormal): UnitCube
// maps u to the step point nearest to the prior's value at u, so the cell edges are where that
// nearest point changes. They are found by bisection on UnitCube itself, so they match it exactly
// whatever the distribution.
TpeDimension quantile_cells(const UnitCube& cube, size_t i, const Axis& axis) {
  const size_t n = axis.size();
  TpeDimension dim;
  dim.kind = TpeDimensionKind::kCells;
  for (size_t k = 0; k < n; ++k) {
    auto u = cube.unit_of(i, axis.value(k));
    dim.centers.push_back(u ? *u : (static_cast<double>(k) + 0.5) / static_cast<double>(n));
  }
  auto value_index = [&](double u) {
    auto k = axis.index_of(cube.value_at(i, u));
    return k ? *k : 0;
  };
  dim.edges.push_back(0.0);
  for (size_t k = 0; k + 1 < n; ++k) {
    double low = std::max(dim.centers[k], dim.edges.back());
    double high = std::max(dim.centers[k + 1], low);
    for (int iteration = 0; iteration < 48 && high - low > 1e-12; ++iteration) {
      const double middle = 0.5 * (low + high);
      (value_index(middle) > k ? high : low) = middle;
    }
    dim.edges.push_back(high);
  }
  dim.edges.push_back(1.0);
  return dim;
}

}  // namespace

std::vector<TpeDimension> tpe_dimensions(const engine::SearchSpace& space, const UnitCube& cube) {
  std::vector<TpeDimension> dims;
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const auto& p = space.parameters[i];
    auto axis = Axis::of(p);
    if (!p.is_numeric_range()) {
      dims.push_back(equal_cells(TpeDimensionKind::kCategories, axis ? axis->size() : 1));
    } else if (!axis || axis->size() > kMaxTpeCells || axis->size() < 2) {
      dims.push_back(TpeDimension{});
    } else if (p.distribution == Distribution::kUniform) {
      dims.push_back(equal_cells(TpeDimensionKind::kCells, axis->size()));
    } else {
      dims.push_back(quantile_cells(cube, i, *axis));
    }
  }
  return dims;
}

}  // namespace sextant::algorithms
