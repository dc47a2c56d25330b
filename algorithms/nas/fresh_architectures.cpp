// Used-architecture bookkeeping for architecture-search algorithms.
#include "algorithms/nas/fresh_architectures.hpp"

#include <limits>

#include "engine/error.hpp"

namespace sextant::algorithms {

namespace {
constexpr int kRandomDraws = 32;
}

FreshArchitectures::FreshArchitectures(const NasSpace& space)
    : space_(space),
      count_(architecture_count(space)),
      countable_(count_ != std::numeric_limits<uint64_t>::max()) {}

void FreshArchitectures::sync(const std::vector<engine::Trial>& history) {
  taken_.clear();
  if (history.size() < parsed_.size() ||
      (!parsed_.empty() && history[parsed_.size() - 1].name != last_read_)) {
    parsed_.clear();
    used_.clear();
  }
  for (size_t i = parsed_.size(); i < history.size(); ++i) {
    parsed_.push_back(architecture_of(history[i], space_));
    if (parsed_.back()) used_.insert(key(*parsed_.back()));
  }
  if (!history.empty()) last_read_ = history.back().name;
}

bool FreshArchitectures::exhausted() const {
  return countable_ && used_.size() + taken_.size() >= count_;
}

bool FreshArchitectures::take(const Architecture& architecture) {
  std::string k = key(architecture);
  if (used_.count(k)) return false;
  return taken_.insert(std::move(k)).second;
}

Architecture FreshArchitectures::take_random(Rng& rng) {
  if (exhausted())
    throw Error(ErrorCode::kInternal, "take_random() on an exhausted architecture space");
  Architecture last;
  for (int draw = 0; draw < kRandomDraws; ++draw) {
    last = random_architecture(space_, rng);
    if (take(last)) return last;
  }
  // A crowded space: walk from a random position to the next unused architecture.
  if (!countable_) return last;  // more than 2^64 architectures: a repeat is next to impossible
  const uint64_t start = rng.below(count_);
  for (uint64_t step = 0; step < count_; ++step) {
    Architecture candidate = at_rank((start + step) % count_);
    if (take(candidate)) return candidate;
  }
  throw Error(ErrorCode::kInternal, "no unused architecture left although not exhausted");
}

std::string FreshArchitectures::key(const Architecture& architecture) const {
  // Compact and unambiguous: 4 bytes per operation, one byte per skip bit, in layer order.
  std::string k;
  for (size_t l = 0; l < architecture.ops.size(); ++l) {
    const auto op = static_cast<uint32_t>(architecture.ops[l]);
    for (int shift = 0; shift < 32; shift += 8) k += static_cast<char>((op >> shift) & 0xff);
    if (l < architecture.skips.size())
      for (int bit : architecture.skips[l]) k += static_cast<char>(bit);
  }
  return k;
}

Architecture FreshArchitectures::at_rank(uint64_t rank) const {
  const auto layers = static_cast<size_t>(space_.num_layers);
  const auto n = static_cast<uint64_t>(space_.operations.size());
  Architecture architecture;
  architecture.ops.assign(layers, 0);
  architecture.skips.resize(layers);
  for (size_t l = 0; l < layers; ++l) architecture.skips[l].assign(l, 0);
  // The last layer's last skip bit varies fastest.
  for (size_t l = layers; l-- > 0;) {
    for (size_t j = l; j-- > 0;) {
      architecture.skips[l][j] = static_cast<int>(rank % 2);
      rank /= 2;
    }
    architecture.ops[l] = static_cast<int>(rank % n);
    rank /= n;
  }
  return architecture;
}

}  // namespace sextant::algorithms
