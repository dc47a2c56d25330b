// Random architectures and one-step architecture mutants for regularized evolution.
#include "algorithms/evolution/architecture_genomes.hpp"

namespace sextant::algorithms {

ArchitectureGenomes::ArchitectureGenomes(NasSpace space)
    : space_(std::move(space)), fresh_(space_) {}

void ArchitectureGenomes::sync(const std::vector<engine::Trial>& history) {
  fresh_.sync(history);
}

bool ArchitectureGenomes::is_individual(size_t trial) const {
  return fresh_.architecture(trial).has_value();
}

bool ArchitectureGenomes::exhausted() const {
  return fresh_.exhausted();
}

engine::Assignment ArchitectureGenomes::take_random(Rng& rng) {
  return nas_assignment(space_, fresh_.take_random(rng));
}

std::optional<engine::Assignment> ArchitectureGenomes::take_mutant(size_t trial, Rng& rng) {
  const auto& parent = fresh_.architecture(trial);
  if (!parent) return std::nullopt;
  const auto layers = static_cast<uint64_t>(space_.num_layers);
  const auto n = static_cast<uint64_t>(space_.operations.size());
  const uint64_t op_positions = n >= 2 ? layers : 0;
  const uint64_t skip_positions = layers * (layers - 1) / 2;
  if (op_positions + skip_positions == 0) return std::nullopt;  // one architecture only

  Architecture child = *parent;
  uint64_t position = rng.below(op_positions + skip_positions);
  if (position < op_positions) {
    const auto old = static_cast<uint64_t>(child.ops[position]);
    uint64_t op = rng.below(n - 1);  // a different operation, each equally likely
    if (op >= old) ++op;
    child.ops[position] = static_cast<int>(op);
  } else {
    position -= op_positions;
    size_t l = 1;  // layer l has l skip bits (to layers 0 .. l-1)
    while (position >= l) position -= l++;
    child.skips[l][position] ^= 1;
  }
  if (!fresh_.take(child)) return std::nullopt;
  return nas_assignment(space_, child);
}

}  // namespace sextant::algorithms
