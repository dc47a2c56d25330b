// The built-in promoters, registered by the CLI (no static self-registration).
#pragma once

#include "engine/ports/promoter.hpp"

namespace sextant::serving {

// "local" (sextant serve) and "kserve" (InferenceService).
void register_builtin_promoters(engine::PromoterRegistry& registry);

}  // namespace sextant::serving
