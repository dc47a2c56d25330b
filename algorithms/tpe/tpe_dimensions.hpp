// How TPE models each parameter in unit-cube coordinates: as a continuous coordinate, as a short
// ordered row of cells (ints and stepped values), or as unordered categories (lists).
#pragma once

#include <cstddef>
#include <vector>

#include "algorithms/common/unit_cube.hpp"
#include "engine/model/search_space.hpp"

namespace sextant::algorithms {

// Up to this many points a stepped range is modelled cell by cell (a kernel's weight on a value is
// its probability mass over the value's cell). Above it a cell is narrower than the narrowest
// kernel (magic clip: 1/100 of the cube), so the density at the snapped point is the cell's mass
// over its width to within a few percent, and the range is modelled as continuous.
inline constexpr size_t kMaxTpeCells = 128;

enum class TpeDimensionKind {
  kContinuous,  // a double without step, or a range with more than kMaxTpeCells points
  kCells,       // an int or stepped double: ordered cells of the unit interval
  kCategories,  // discrete and categorical lists: no order, no kernel width
};

struct TpeDimension {
  TpeDimensionKind kind = TpeDimensionKind::kContinuous;
  // kCells and kCategories: edges[k], edges[k+1] bound the coordinates UnitCube maps to value k
  // (edges.front() == 0, edges.back() == 1), and centers[k] is the coordinate of value k (what
  // observe() gives for a trial with that value, and what a suggestion of value k uses).
  std::vector<double> edges;
  std::vector<double> centers;

  size_t size() const { return centers.size(); }
  // kCells and kCategories: the value whose cell holds u.
  size_t index_of(double u) const;
};

// One entry per parameter of the space, in spec order.
std::vector<TpeDimension> tpe_dimensions(const engine::SearchSpace& space, const UnitCube& cube);

}  // namespace sextant::algorithms
