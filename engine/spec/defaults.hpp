// Katib's defaults (the experiment mutating webhook, katib.md section 1.9), applied in place.
#pragma once

#include <nlohmann/json.hpp>

namespace sextant::engine {

// Fills in what Katib's webhook would: parallelTrialCount, resumePolicy, metric strategies,
// trial-template conditions and primary pod labels by trialSpec kind, metrics-collector
// defaults by kind, parameter distributions, and metadata.namespace ("default"). Fields of the
// wrong type are left alone for validation to report.
void apply_katib_defaults(nlohmann::json& document);

}  // namespace sextant::engine
