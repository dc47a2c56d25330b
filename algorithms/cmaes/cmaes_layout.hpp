// How CMA-ES sees a search space: which unit-cube coordinates form the continuous vector that
// the Gaussian searches, which parameters are lists searched by the categorical model, and the
// per-coordinate margin floors and convergence tolerances.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "algorithms/common/unit_cube.hpp"

namespace sextant::algorithms {

class CmaesLayout {
 public:
  explicit CmaesLayout(const UnitCube& cube);

  // Coordinates of the Gaussian: int and double parameters with more than one value. A
  // parameter with a single value (min == max) stays at its only value and out of the search.
  size_t gaussian_dimensions() const { return gaussian_.size(); }
  // Discrete and categorical parameters, with their number of values.
  size_t list_parameters() const { return lists_.size(); }
  std::vector<size_t> list_sizes() const;

  // The split of a unit-cube point (from UnitCube::point_of) into Gaussian coordinates and list
  // indices, and back (lists go to the centre of their value's cell).
  std::vector<double> gaussian_part(const std::vector<double>& point) const;
  std::vector<size_t> list_part(const std::vector<double>& point) const;
  std::vector<double> point(const std::vector<double>& gaussian,
                            const std::vector<size_t>& choices) const;

  // The margin floors for a run with `population` points per generation: for a coordinate with
  // k cells of width about 1/k (ints, stepped doubles), the standard deviation at which a draw
  // centred in its cell leaves it with probability alpha = 1 / (n * population) (Hamano et al.
  // 2022); 0 for continuous coordinates.
  std::vector<double> margin_floors(size_t population) const;
  // Per Gaussian coordinate: below this standard deviation the coordinate has converged
  // (1e-8 of the range when continuous; a thousandth of a cell when it has cells).
  std::vector<double> tolerances() const;

  size_t cube_dimensions() const { return dims_; }

 private:
  struct Gaussian {
    size_t index;                 // coordinate of the unit cube
    std::optional<double> cells;  // number of values when finite
  };
  struct List {
    size_t index;
    size_t size;
  };
  size_t dims_ = 0;
  std::vector<Gaussian> gaussian_;
  std::vector<List> lists_;
};

}  // namespace sextant::algorithms
