// From a point of the unit cube (one coordinate per parameter) to the GP's input features, so
// that the model sees exactly the values a trial would receive.
#pragma once

#include <cstdint>
#include <vector>

#include <Eigen/Core>

#include "algorithms/bayesopt/kernel.hpp"
#include "algorithms/common/unit_cube.hpp"

namespace sextant::algorithms::bayesopt {

// | parameter                               | kind        | features                        |
// |-----------------------------------------|-------------|---------------------------------|
// | double without step                     | continuous  | u                               |
// | int, or double with step, <= 4096 values| stepped     | u of the value u rounds to      |
// | discrete, categorical                   | categorical | one-hot of the list entry       |
// Stepped: following Garrido-Merchan and Hernandez-Lobato (Neurocomputing 380, 2020), the
// coordinate is rounded to its value's cell BEFORE the kernel sees it, so the model and the
// acquisition are flat inside a cell and the optimiser compares values, not coordinates that
// would round to the same trial. A stepped range of more than 4096 values is treated as
// continuous (its cells are far below any length scale the data can support). Log scales and
// normal priors are already in u (UnitCube); discrete lists are one-hot like categorical ones,
// since their order need not mean anything.
enum class InputKind { kContinuous, kStepped, kCategorical };

class FeatureMap {
 public:
  static constexpr size_t kMaxSteppedCells = 4096;

  explicit FeatureMap(const UnitCube& cube);

  size_t inputs() const { return inputs_.size(); }
  size_t features() const { return layout_.features(); }
  const FeatureLayout& layout() const { return layout_; }
  InputKind kind(size_t input) const { return inputs_[input].kind; }
  const std::vector<size_t>& continuous_inputs() const { return continuous_; }
  size_t first_feature(size_t input) const { return inputs_[input].first_feature; }

  // Stepped and categorical inputs: the number of values, the cell a coordinate falls in, and the
  // coordinate of a cell's value (what UnitCube::unit_of gives for it).
  size_t cells(size_t input) const;
  size_t cell_of(size_t input, double u) const;
  double centre(size_t input, size_t cell) const;
  // Continuous: u clamped to [0, 1]; otherwise the centre of u's cell.
  double snap(size_t input, double u) const;
  std::vector<double> snap(std::vector<double> point) const;

  // Rows of `units` are points of the cube; rows of the result their features.
  Eigen::MatrixXd encode(const Eigen::MatrixXd& units) const;
  Eigen::RowVectorXd encode(const std::vector<double>& point) const;

  // The number of points when every input is stepped or categorical and there are at most
  // `limit` of them; 0 otherwise. point(k) enumerates them (mixed radix, last input fastest).
  uint64_t finite_size(uint64_t limit) const;
  std::vector<double> point(uint64_t index) const;

 private:
  struct Input {
    InputKind kind = InputKind::kContinuous;
    size_t first_feature = 0;
    size_t count = 0;                // cells of a stepped or categorical input
    bool equal_cells = true;         // cell k is [k/count, (k+1)/count)
    std::vector<double> boundaries;  // otherwise: upper ends of cells 0..count-2, ascending
    std::vector<double> centres;     // and the coordinate of each cell's value
  };
  void encode_into(const double* point, Eigen::Index stride, double* features) const;
  static Input uneven_stepped(const UnitCube& cube, size_t index);

  std::vector<Input> inputs_;
  std::vector<size_t> continuous_;
  FeatureLayout layout_;
};

}  // namespace sextant::algorithms::bayesopt
