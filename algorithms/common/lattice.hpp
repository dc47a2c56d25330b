// The product of the parameters' finite axes: every point of a finite search space.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/axis.hpp"
#include "engine/model/search_space.hpp"
#include "engine/model/trial.hpp"

namespace sextant::algorithms {

// A point is one index ("digit") per parameter, in spec order. Order of enumeration and of
// rank(): the first parameter varies slowest, the last fastest (like nested for-loops written in
// spec order).
class Lattice {
 public:
  using Digits = std::vector<uint64_t>;

  // nullopt when the space has no parameter, or one without a finite axis (a double without
  // step, or a step so fine that the axis holds more than 2^53 points).
  static std::optional<Lattice> of(const engine::SearchSpace& space);

  size_t dimensions() const { return axes_.size(); }
  const Axis& axis(size_t i) const { return axes_[i]; }
  // The number of points; UINT64_MAX with overflowed() when the product does not fit.
  uint64_t size() const { return size_; }
  bool overflowed() const { return overflowed_; }

  // The point an assignment names, matching values as the axes do; nullopt when a parameter is
  // missing or its value is not one of the axis' points.
  std::optional<Digits> locate(const engine::Assignment& assignment) const;
  engine::Assignment assignment(const Digits& digits) const;

  Digits first() const { return Digits(axes_.size(), 0); }
  // Steps to the next point in enumeration order; false (digits back at first()) after the last.
  bool advance(Digits& digits) const;

  // Position in enumeration order and back; only meaningful when !overflowed().
  uint64_t rank(const Digits& digits) const;
  Digits digits(uint64_t rank) const;

 private:
  std::vector<std::string> names_;
  std::vector<Axis> axes_;
  uint64_t size_ = 1;
  bool overflowed_ = false;
};

}  // namespace sextant::algorithms
