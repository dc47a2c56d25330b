// A trie over decision sequences with a count of recorded architectures per node.
#include "algorithms/enas/architecture_prefixes.hpp"

#include <limits>

#include "engine/error.hpp"

namespace sextant::algorithms {

ArchitecturePrefixes::ArchitecturePrefixes(std::vector<int> arities)
    : arities_(std::move(arities)), completions_(arities_.size() + 1, 1), nodes_(1) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  for (size_t d = arities_.size(); d-- > 0;) {
    const auto a = static_cast<uint64_t>(arities_[d]);
    // Saturating: a count of 2^64 - 1 is never reached by recorded architectures.
    completions_[d] = completions_[d + 1] > kMax / a ? kMax : completions_[d + 1] * a;
  }
}

bool ArchitecturePrefixes::saturated(int32_t node, size_t depth) const {
  return completions_[depth] != std::numeric_limits<uint64_t>::max() &&
         nodes_[static_cast<size_t>(node)].used >= completions_[depth];
}

bool ArchitecturePrefixes::insert(const std::vector<int>& decisions) {
  if (decisions.size() != arities_.size())
    throw Error(ErrorCode::kInternal, "architecture prefixes: wrong number of decisions");
  // Walk first without changing anything, so a repeat leaves the counts alone.
  std::vector<int32_t> path{0};
  bool fresh = false;
  for (size_t d = 0; d < decisions.size(); ++d) {
    const int32_t at = path.back();
    auto& node = nodes_[static_cast<size_t>(at)];
    if (node.child.empty()) node.child.assign(static_cast<size_t>(arities_[d]), -1);
    int32_t next = node.child.at(static_cast<size_t>(decisions[d]));
    if (next < 0) {
      fresh = true;
      next = static_cast<int32_t>(nodes_.size());
      nodes_[static_cast<size_t>(at)].child[static_cast<size_t>(decisions[d])] = next;
      nodes_.emplace_back();
    }
    path.push_back(next);
  }
  if (!fresh) return false;
  for (int32_t n : path) ++nodes_[static_cast<size_t>(n)].used;
  return true;
}

bool ArchitecturePrefixes::full() const {
  return saturated(0, 0);
}

bool ArchitecturePrefixes::allowed(const std::vector<int>& prefix, int value) const {
  int32_t at = 0;
  for (size_t d = 0; d <= prefix.size(); ++d) {
    const auto& node = nodes_[static_cast<size_t>(at)];
    if (node.child.empty()) return true;
    const int v = d < prefix.size() ? prefix[d] : value;
    at = node.child.at(static_cast<size_t>(v));
    if (at < 0) return true;
  }
  return !saturated(at, prefix.size() + 1);
}

}  // namespace sextant::algorithms
