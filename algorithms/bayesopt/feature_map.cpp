// Cells of stepped and list parameters in unit-cube coordinates, and the feature encoding.
#include "algorithms/bayesopt/feature_map.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/common/axis.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms::bayesopt {

namespace {

double clamp_unit(double u) {
  return std::isnan(u) ? 0.5 : std::clamp(u, 0.0, 1.0);
}

size_t equal_cell(double u, size_t count) {
  const double cell = std::floor(clamp_unit(u) * static_cast<double>(count));
  return static_cast<size_t>(std::min(cell, static_cast<double>(count - 1)));
}

}  // namespace

FeatureMap::Input FeatureMap::uneven_stepped(const UnitCube& cube, size_t index) {
  // Log and normal stepped ranges: u -> value -> nearest step is monotone but not linear, so the
  // cells' ends are found by bisection on UnitCube itself (exactly the rounding a trial gets).
  const auto& spec = cube.parameter(index);
  const SteppedRange range = *SteppedRange::of(spec);
  auto step_at = [&](double u) {
    auto x = engine::parse_finite_number(cube.value_at(index, u));
    return x ? range.nearest_index(*x) : 0.0;
  };
  auto unit_of_step = [&](double k) {
    return cube.unit_of(index, engine::format_parameter_value(spec, range.at(k)));
  };
  Input input;
  input.kind = InputKind::kStepped;
  input.equal_cells = false;
  std::vector<double> steps{step_at(0.0)};  // the step of each reachable cell
  std::vector<double> lows{0.0};
  const double last = step_at(1.0);
  double low = 0.0;
  while (steps.back() < last) {
    const double current = steps.back();
    double a = low, b = 1.0;  // step_at(a) == current < step_at(b)
    if (auto next = unit_of_step(current + 1); next && *next > a && step_at(*next) > current)
      b = *next;
    while (b - a > 1e-12 * std::max(1.0, b)) {
      const double mid = 0.5 * (a + b);
      if (mid <= a || mid >= b) break;
      (step_at(mid) > current ? b : a) = mid;
    }
    input.boundaries.push_back(b);
    steps.push_back(step_at(b));
    lows.push_back(b);
    low = b;
  }
  input.count = steps.size();
  for (size_t c = 0; c < steps.size(); ++c) {
    const double high = c + 1 < steps.size() ? input.boundaries[c] : 1.0;
    auto u = unit_of_step(steps[c]);
    const bool inside = u && *u >= lows[c] && (*u < high || c + 1 == steps.size());
    input.centres.push_back(inside ? *u : 0.5 * (lows[c] + high));
  }
  return input;
}

FeatureMap::FeatureMap(const UnitCube& cube) {
  for (size_t i = 0; i < cube.dimensions(); ++i) {
    const auto& spec = cube.parameter(i);
    Input input;
    if (!spec.is_numeric_range()) {
      input.kind = InputKind::kCategorical;
      input.count = static_cast<size_t>(Axis::of(spec)->size());
    } else if (auto range = SteppedRange::of(spec);
               range && range->point_count() <= static_cast<double>(kMaxSteppedCells)) {
      if (spec.distribution == engine::Distribution::kUniform) {
        input.kind = InputKind::kStepped;
        input.count = static_cast<size_t>(range->point_count());
      } else {
        input = uneven_stepped(cube, i);
      }
    }
    input.first_feature = layout_.features();
    const size_t width = input.kind == InputKind::kCategorical ? input.count : 1;
    for (size_t f = 0; f < width; ++f) {
      layout_.input_of.push_back(i);
      layout_.weight.push_back(input.kind == InputKind::kCategorical ? 0.5 : 1.0);
    }
    if (input.kind == InputKind::kContinuous) continuous_.push_back(i);
    inputs_.push_back(std::move(input));
  }
  layout_.inputs = inputs_.size();
}

size_t FeatureMap::cells(size_t input) const {
  return inputs_[input].count;
}

size_t FeatureMap::cell_of(size_t input, double u) const {
  const Input& in = inputs_[input];
  if (in.equal_cells) return equal_cell(u, in.count);
  const auto it = std::upper_bound(in.boundaries.begin(), in.boundaries.end(), clamp_unit(u));
  return static_cast<size_t>(it - in.boundaries.begin());
}

double FeatureMap::centre(size_t input, size_t cell) const {
  const Input& in = inputs_[input];
  if (in.equal_cells) return (static_cast<double>(cell) + 0.5) / static_cast<double>(in.count);
  return in.centres[cell];
}

double FeatureMap::snap(size_t input, double u) const {
  if (inputs_[input].kind == InputKind::kContinuous) return clamp_unit(u);
  return centre(input, cell_of(input, u));
}

std::vector<double> FeatureMap::snap(std::vector<double> point) const {
  for (size_t i = 0; i < point.size(); ++i) point[i] = snap(i, point[i]);
  return point;
}

void FeatureMap::encode_into(const double* point, Eigen::Index stride, double* features) const {
  // features[f * stride] is feature f, so rows of a column-major matrix can be written directly.
  for (size_t i = 0; i < inputs_.size(); ++i) {
    const Input& in = inputs_[i];
    const double u = point[static_cast<Eigen::Index>(i) * stride];
    double* out = features + static_cast<Eigen::Index>(in.first_feature) * stride;
    switch (in.kind) {
      case InputKind::kContinuous:
        *out = clamp_unit(u);
        break;
      case InputKind::kStepped:
        *out = centre(i, cell_of(i, u));
        break;
      case InputKind::kCategorical: {
        const size_t cell = cell_of(i, u);
        for (size_t c = 0; c < in.count; ++c)
          out[static_cast<Eigen::Index>(c) * stride] = c == cell ? 1.0 : 0.0;
        break;
      }
    }
  }
}

Eigen::MatrixXd FeatureMap::encode(const Eigen::MatrixXd& units) const {
  Eigen::MatrixXd out(units.rows(), static_cast<Eigen::Index>(features()));
  for (Eigen::Index r = 0; r < units.rows(); ++r)
    encode_into(units.data() + r, units.rows(), out.data() + r);
  return out;
}

Eigen::RowVectorXd FeatureMap::encode(const std::vector<double>& point) const {
  Eigen::RowVectorXd out(static_cast<Eigen::Index>(features()));
  encode_into(point.data(), 1, out.data());
  return out;
}

uint64_t FeatureMap::finite_size(uint64_t limit) const {
  uint64_t size = 1;
  for (const auto& in : inputs_) {
    if (in.kind == InputKind::kContinuous || in.count == 0) return 0;
    if (size > limit / in.count) return 0;
    size *= in.count;
  }
  return size <= limit ? size : 0;
}

std::vector<double> FeatureMap::point(uint64_t index) const {
  std::vector<double> out(inputs_.size());
  for (size_t i = inputs_.size(); i-- > 0;) {
    const uint64_t count = inputs_[i].count;
    out[i] = centre(i, static_cast<size_t>(index % count));
    index /= count;
  }
  return out;
}

}  // namespace sextant::algorithms::bayesopt
