// How many used architectures start with each decision prefix: lets the controller sample only
// decisions that still lead to an unused architecture (a policy-guided fallback when redrawing
// keeps hitting used ones).
#pragma once

#include <cstdint>
#include <vector>

#include "algorithms/enas/enas_controller.hpp"

namespace sextant::algorithms {

class ArchitecturePrefixes final : public DecisionFilter {
 public:
  // arities: decision_arities(num_layers, num_operations).
  explicit ArchitecturePrefixes(std::vector<int> arities);

  // Records one architecture (its decisions); false when it was already recorded.
  bool insert(const std::vector<int>& decisions);
  // True when every architecture has been recorded.
  bool full() const;
  // True when some unrecorded architecture starts with prefix + value.
  bool allowed(const std::vector<int>& prefix, int value) const override;

 private:
  struct Node {
    uint64_t used = 0;           // recorded architectures below this prefix
    std::vector<int32_t> child;  // by value; -1 = none yet
  };
  bool saturated(int32_t node, size_t depth) const;

  std::vector<int> arities_;
  std::vector<uint64_t> completions_;  // [d]: architectures below a prefix of length d (saturates)
  std::vector<Node> nodes_;
};

}  // namespace sextant::algorithms
