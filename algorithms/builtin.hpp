// The built-in search algorithms, registered explicitly by the CLI (no static self-registration).
#pragma once

#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {
void register_builtin_algorithms(engine::AlgorithmRegistry& registry);
}
