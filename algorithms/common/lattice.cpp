// Mixed-radix enumeration of a finite search space, with overflow-safe sizing.
#include "algorithms/common/lattice.hpp"

#include <limits>

namespace sextant::algorithms {

std::optional<Lattice> Lattice::of(const engine::SearchSpace& space) {
  if (space.parameters.empty()) return std::nullopt;
  Lattice lattice;
  for (const auto& parameter : space.parameters) {
    auto axis = Axis::of(parameter);
    if (!axis || axis->size() == 0) return std::nullopt;
    lattice.names_.push_back(parameter.name);
    lattice.axes_.push_back(std::move(*axis));
  }
  for (const auto& axis : lattice.axes_) {
    if (lattice.size_ > std::numeric_limits<uint64_t>::max() / axis.size()) {
      lattice.size_ = std::numeric_limits<uint64_t>::max();
      lattice.overflowed_ = true;
      break;
    }
    lattice.size_ *= axis.size();
  }
  return lattice;
}

std::optional<Lattice::Digits> Lattice::locate(const engine::Assignment& assignment) const {
  Digits digits(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) {
    const std::string* value = engine::find_value(assignment, names_[i]);
    if (!value) return std::nullopt;
    auto k = axes_[i].index_of(*value);
    if (!k) return std::nullopt;
    digits[i] = *k;
  }
  return digits;
}

engine::Assignment Lattice::assignment(const Digits& digits) const {
  engine::Assignment out;
  out.reserve(axes_.size());
  for (size_t i = 0; i < axes_.size(); ++i) out.push_back({names_[i], axes_[i].value(digits[i])});
  return out;
}

bool Lattice::advance(Digits& digits) const {
  for (size_t i = axes_.size(); i-- > 0;) {
    if (++digits[i] < axes_[i].size()) return true;
    digits[i] = 0;
  }
  return false;
}

uint64_t Lattice::rank(const Digits& digits) const {
  uint64_t r = 0;
  for (size_t i = 0; i < axes_.size(); ++i) r = r * axes_[i].size() + digits[i];
  return r;
}

Lattice::Digits Lattice::digits(uint64_t rank) const {
  Digits out(axes_.size());
  for (size_t i = axes_.size(); i-- > 0;) {
    out[i] = rank % axes_[i].size();
    rank /= axes_[i].size();
  }
  return out;
}

}  // namespace sextant::algorithms
