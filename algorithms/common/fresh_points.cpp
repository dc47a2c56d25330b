// Repeat detection by lattice rank in finite spaces, by canonical assignment key otherwise.
#include "algorithms/common/fresh_points.hpp"

#include "algorithms/common/values.hpp"

namespace sextant::algorithms {

namespace {
constexpr int kRedraws = 32;
}  // namespace

FreshPoints::FreshPoints(const engine::SearchSpace& space, const UnitCube& cube)
    : space_(space), cube_(cube) {
  auto lattice = Lattice::of(space);
  if (lattice && !lattice->overflowed()) lattice_ = std::move(lattice);
}

FreshPoints::FreshPoints(const engine::SearchSpace& space, const UnitCube& cube,
                         const std::vector<engine::Trial>& history)
    : FreshPoints(space, cube) {
  sync(history);
}

void FreshPoints::sync(const std::vector<engine::Trial>& history) {
  taken_ranks_.clear();
  taken_keys_.clear();
  if (read_ > history.size() || (read_ > 0 && history[read_ - 1].name != last_read_)) {
    used_ranks_.clear();
    used_keys_.clear();
    read_ = 0;
  }
  // A finite space is tracked by lattice rank alone; keys are for spaces that have no lattice.
  for (; read_ < history.size(); ++read_) {
    const auto& assignment = history[read_].assignment;
    if (!lattice_)
      used_keys_.insert(assignment_key(space_, assignment));
    else if (auto digits = lattice_->locate(assignment))
      used_ranks_.insert(lattice_->rank(*digits));
  }
  if (read_ > 0) last_read_ = history[read_ - 1].name;
}

bool FreshPoints::exhausted() const {
  return lattice_ && used_ranks_.size() + taken_ranks_.size() >= lattice_->size();
}

std::optional<engine::Assignment> FreshPoints::take_assignment(engine::Assignment assignment) {
  if (lattice_) {
    // Matching by lattice point also catches history values written differently ("0.30").
    auto digits = lattice_->locate(assignment);
    if (!digits) return std::nullopt;
    const uint64_t rank = lattice_->rank(*digits);
    if (used(rank)) return std::nullopt;
    taken_ranks_.insert(rank);
  } else {
    auto key = assignment_key(space_, assignment);
    if (used_keys_.count(key) || !taken_keys_.insert(std::move(key)).second) return std::nullopt;
  }
  return assignment;
}

std::optional<engine::Assignment> FreshPoints::take(const std::vector<double>& point) {
  return take_assignment(cube_.assignment_at(point));
}

engine::Assignment FreshPoints::take_random(Rng& rng) {
  std::vector<double> point(cube_.dimensions());
  engine::Assignment last;
  for (int attempt = 0; attempt < kRedraws; ++attempt) {
    for (auto& u : point) u = rng.uniform();
    last = cube_.assignment_at(point);
    if (auto fresh = take_assignment(last)) return *fresh;
  }
  if (lattice_ && !exhausted()) {
    // A crowded finite space: walk from a random point to the next unused one. Terminates
    // because fewer than size() points are used; costs at most one step per used point.
    uint64_t next = rng.below(lattice_->size());
    while (used(next)) next = (next + 1) % lattice_->size();
    taken_ranks_.insert(next);
    return lattice_->assignment(lattice_->digits(next));
  }
  if (!lattice_) taken_keys_.insert(assignment_key(space_, last));
  return last;
}

}  // namespace sextant::algorithms
