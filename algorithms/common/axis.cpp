// Step grids computed as whole multiples (min + k*step) with a tolerance, and list axes.
#include "algorithms/common/axis.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/common/values.hpp"

namespace sextant::algorithms {

namespace {

// Relative slack for "is this a whole number of steps": absorbs binary rounding of decimal
// steps (0.3 / 0.1 = 2.9999999999999996) without admitting a real extra point.
constexpr double kTolerance = 1e-9;

bool near_whole(double x) {
  return std::fabs(x - std::nearbyint(x)) <= kTolerance * std::max(1.0, std::fabs(x));
}

}  // namespace

std::optional<SteppedRange> SteppedRange::of(const engine::ParameterSpec& spec) {
  if (!spec.is_numeric_range()) return std::nullopt;
  SteppedRange range;
  if (spec.type == engine::ParameterType::kInt) {
    range.min_ = std::ceil(spec.min - kTolerance);
    range.max_ = std::floor(spec.max + kTolerance);
    range.step_ = spec.step > 0 ? std::max(1.0, std::nearbyint(spec.step)) : 1.0;
  } else {
    if (!(spec.step > 0) || !std::isfinite(spec.step)) return std::nullopt;
    range.min_ = spec.min;
    range.max_ = spec.max;
    range.step_ = spec.step;
  }
  if (!std::isfinite(range.min_) || !std::isfinite(range.max_) || !(range.min_ <= range.max_))
    return std::nullopt;
  const double steps = (range.max_ - range.min_) / range.step_;
  range.count_ = std::floor(steps + kTolerance * std::max(1.0, steps)) + 1;

  // Short decimals (0.05, 1.25, 3) let every point be one exact integer divided by 10^d,
  // which is the double closest to the decimal the user means.
  double scale = 1;
  for (int decimals = 0; decimals <= 15; ++decimals, scale *= 10) {
    const double a = range.min_ * scale;
    const double b = range.step_ * scale;
    if (std::fabs(a) >= kMaxAxisPoints || std::fabs(b) >= kMaxAxisPoints) break;
    if (near_whole(a) && near_whole(b)) {
      range.scaled_min_ = std::nearbyint(a);
      range.scaled_step_ = std::nearbyint(b);
      range.scale_ = scale;
      break;
    }
  }
  return range;
}

uint64_t SteppedRange::size() const {
  return count_ >= kMaxAxisPoints ? static_cast<uint64_t>(kMaxAxisPoints)
                                  : static_cast<uint64_t>(count_);
}

double SteppedRange::at(double k) const {
  double value = 0;
  const double scaled = scaled_min_ + k * scaled_step_;
  if (scale_ > 0 && std::fabs(scaled) < kMaxAxisPoints)
    value = scaled / scale_;
  else
    value = min_ + k * step_;
  return std::clamp(value, min_, max_);
}

double SteppedRange::nearest_index(double value) const {
  const double k = std::nearbyint((value - min_) / step_);
  return std::clamp(k, 0.0, count_ - 1);
}

std::optional<uint64_t> SteppedRange::index_of(double value) const {
  const double slack = 1e-6 * step_;
  if (value < min_ - slack || value > max_ + slack) return std::nullopt;
  const double k = nearest_index(value);
  if (std::fabs(at(k) - value) > slack + kTolerance * std::fabs(value)) return std::nullopt;
  return static_cast<uint64_t>(k);
}

std::optional<Axis> Axis::of(const engine::ParameterSpec& spec) {
  Axis axis;
  axis.spec_ = spec;
  if (spec.is_numeric_range()) {
    axis.range_ = SteppedRange::of(spec);
    if (!axis.range_ || axis.range_->point_count() > kMaxAxisPoints) return std::nullopt;
    return axis;
  }
  for (const auto& value : spec.list) {
    auto [it, inserted] = axis.list_index_.emplace(canonical_value(spec, value), axis.list_.size());
    if (inserted) axis.list_.push_back(value);
  }
  if (axis.list_.empty()) return std::nullopt;
  return axis;
}

uint64_t Axis::size() const { return range_ ? range_->size() : list_.size(); }

std::string Axis::value(uint64_t k) const {
  if (range_) return engine::format_parameter_value(spec_, range_->at(static_cast<double>(k)));
  return list_.at(k);
}

std::optional<uint64_t> Axis::index_of(const std::string& value) const {
  if (range_) {
    auto number = parse_number(value);
    if (!number) return std::nullopt;
    return range_->index_of(*number);
  }
  auto it = list_index_.find(canonical_value(spec_, value));
  if (it == list_index_.end()) return std::nullopt;
  return it->second;
}

}  // namespace sextant::algorithms
