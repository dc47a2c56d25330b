// spec.algorithm and spec.earlyStopping: a name and {name, value} settings.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

// Reads {algorithmName, algorithmSettings}: a non-empty name, settings with a non-empty unique
// name and a string value (numbers are taken as their text). Whether the name is one this build
// can run is checked against the catalog later (catalog_checks.hpp).
std::optional<AlgorithmSpec> read_algorithm_spec(const nlohmann::json* value,
                                                 const std::string& path, bool required,
                                                 ProblemList& problems);

}  // namespace sextant::engine
