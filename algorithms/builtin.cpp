// Registers every built-in algorithm factory.
#include "algorithms/builtin.hpp"

namespace sextant::algorithms {
void register_builtin_algorithms(engine::AlgorithmRegistry& registry) { (void)registry; }
}  // namespace sextant::algorithms
