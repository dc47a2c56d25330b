// The finite set of values of one parameter: the points of a stepped range, or its list.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/model/search_space.hpp"

namespace sextant::algorithms {

// Above this many points a step grid is treated as continuous: min + k*step stops being exact.
inline constexpr double kMaxAxisPoints = 9007199254740992.0;  // 2^53

// The points min + k*step (k = 0, 1, ...) that lie in [min, max].
// - int: step defaults to 1 (Katib) and is rounded to a whole number >= 1; the bounds shrink to
//   the whole numbers inside them.
// - double: needs step > 0. The last point is kept when rounding error alone puts it past max
//   (0.1 steps from 0 to 0.3 have 4 points, not 3), and points are computed as whole multiples,
//   in decimal when min and step are short decimals, so 0.7 prints as "0.7".
class SteppedRange {
 public:
  // nullopt for a double without step, or a range with no point (min above max).
  static std::optional<SteppedRange> of(const engine::ParameterSpec& spec);

  double min() const { return min_; }
  double max() const { return max_; }
  double step() const { return step_; }
  // The number of points, as a double because absurd steps can give more than 2^64.
  double point_count() const { return count_; }
  // The number of points when it is at most kMaxAxisPoints; otherwise kMaxAxisPoints.
  uint64_t size() const;

  double at(double k) const;                 // point k, clamped into [min, max]
  double nearest_index(double value) const;  // index of the closest point
  // The index of `value` when it is one of the points (within rounding), else nullopt.
  std::optional<uint64_t> index_of(double value) const;

 private:
  double min_ = 0;
  double max_ = 0;
  double step_ = 1;
  double count_ = 1;
  // min and step as integers over 10^decimals, when both are short decimals; scale_ 0 if not.
  double scaled_min_ = 0;
  double scaled_step_ = 0;
  double scale_ = 0;
};

// Every value of a parameter, in order, when there are finitely many (at most kMaxAxisPoints):
// a stepped range, or a discrete/categorical list with repeated values dropped.
class Axis {
 public:
  // nullopt for a double without step or a range with more than kMaxAxisPoints points.
  static std::optional<Axis> of(const engine::ParameterSpec& spec);

  uint64_t size() const;
  std::string value(uint64_t k) const;  // Katib string form
  // Which point a value is (numbers compared by value, categorical values verbatim).
  std::optional<uint64_t> index_of(const std::string& value) const;

 private:
  engine::ParameterSpec spec_;
  std::optional<SteppedRange> range_;
  std::vector<std::string> list_;
  std::map<std::string, uint64_t> list_index_;  // canonical value -> k
};

}  // namespace sextant::algorithms
