// The built-in search algorithms and early-stopping rules, registered explicitly by the CLI (no static self-registration).
#pragma once

#include "engine/ports/algorithm.hpp"
#include "engine/ports/early_stopper.hpp"

namespace sextant::algorithms {
void register_builtin_algorithms(engine::AlgorithmRegistry& registry);
void register_builtin_early_stopping(engine::EarlyStopperRegistry& registry);
}
