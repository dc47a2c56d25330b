// Step grids computed as whole multiples (min + k*step) with a tolerance, and list axes.
#include "algorithms/common/axis.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/common/values.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

constexpr double kEpsilon = 2.220446049250313e-16;

// Slack for "x is a whole number" when x came from decimals parsed into binary: a few ulps of x
// (a decimal and its scaling by 10^d are each off by at most one) plus a tiny absolute part,
// so that 333333333.33 (a third scaled by 10^9) is not taken for a whole number.
double rounding_slack(double x) {
  return 1e-9 + 8 * kEpsilon * std::fabs(x);
}

// Decimal scaling stops here: beyond it a few ulps approach the fractions it must tell apart.
constexpr double kMaxScaled = 1e12;

bool near_whole(double x) {
  return std::fabs(x - std::nearbyint(x)) <= rounding_slack(x);
}

// Whole steps from 0 to `steps`, keeping the last one when rounding alone put it short
// (0.3 / 0.1 = 2.9999999999999996).
double whole_steps(double steps) {
  return std::floor(steps + rounding_slack(steps));
}

}  // namespace

std::optional<SteppedRange> SteppedRange::of(const engine::ParameterSpec& spec) {
  if (!spec.is_numeric_range()) return std::nullopt;
  SteppedRange range;
  if (spec.type == engine::ParameterType::kInt) {
    range.min_ = std::ceil(spec.min - rounding_slack(spec.min));
    range.max_ = std::floor(spec.max + rounding_slack(spec.max));
    range.step_ = spec.step > 0 ? std::max(1.0, std::nearbyint(spec.step)) : 1.0;
  } else {
    if (!(spec.step > 0) || !std::isfinite(spec.step)) return std::nullopt;
    range.min_ = spec.min;
    range.max_ = spec.max;
    range.step_ = spec.step;
  }
  if (!std::isfinite(range.min_) || !std::isfinite(range.max_) || !(range.min_ <= range.max_))
    return std::nullopt;
  // Short decimals (0.05, 1.25, 3) let every point be one exact integer divided by 10^d,
  // which is the double closest to the decimal the user means.
  double scale = 1;
  for (int decimals = 0; decimals <= 15; ++decimals, scale *= 10) {
    const double a = range.min_ * scale;
    const double b = range.step_ * scale;
    if (std::fabs(a) >= kMaxScaled || std::fabs(b) >= kMaxScaled) break;
    if (near_whole(a) && near_whole(b) && std::nearbyint(b) >= 1) {
      range.scaled_min_ = std::nearbyint(a);
      range.scaled_step_ = std::nearbyint(b);
      range.scale_ = scale;
      break;
    }
  }
  const double steps = range.scale_ > 0
                           ? (range.max_ * range.scale_ - range.scaled_min_) / range.scaled_step_
                           : (range.max_ - range.min_) / range.step_;
  range.count_ = whole_steps(steps) + 1;
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
  // A millionth of a step, or the rounding of a value written with more digits than needed.
  const double slack = 1e-6 * step_ + 8 * kEpsilon * std::fabs(value);
  if (value < min_ - slack || value > max_ + slack) return std::nullopt;
  const double k = nearest_index(value);
  if (std::fabs(at(k) - value) > slack) return std::nullopt;
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

uint64_t Axis::size() const {
  return range_ ? range_->size() : list_.size();
}

std::string Axis::value(uint64_t k) const {
  if (range_) return engine::format_parameter_value(spec_, range_->at(static_cast<double>(k)));
  return list_.at(k);
}

std::optional<uint64_t> Axis::index_of(const std::string& value) const {
  if (range_) {
    auto number = engine::parse_finite_number(value);
    if (!number) return std::nullopt;
    return range_->index_of(*number);
  }
  auto it = list_index_.find(canonical_value(spec_, value));
  if (it == list_index_.end()) return std::nullopt;
  return it->second;
}

}  // namespace sextant::algorithms
