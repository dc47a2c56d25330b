// spec.parameters (and NAS operation parameters): Katib's rules plus the ones Katib forgets.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model/search_space.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

// Reads the list of ParameterSpecs at `path`. Katib's rules: known type and distribution,
// feasibleSpace present, min/max (no list) for int/double, list (no min/max/step) for
// discrete/categorical. Stricter: unique names, min/max/step are numbers (integers for int),
// min < max (int allows min == max: a single value), step > 0 and not above max - min, lists
// non-empty without repeats, discrete entries numbers, log distributions need min > 0.
// Parameters with problems are still returned (best effort), their problems recorded.
std::vector<ParameterSpec> read_parameters(const nlohmann::json& list, const std::string& path,
                                           ProblemList& problems);

// Checks spec.nasConfig: graphConfig (numLayers, inputSizes, outputSizes) and operations
// (a unique operationType each, with parameters read as above).
void check_nas_config(const nlohmann::json& nas_config, const std::string& path,
                      ProblemList& problems);

}  // namespace sextant::engine
