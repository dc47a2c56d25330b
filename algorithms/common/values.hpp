// Comparing parameter values and assignments by what they mean, not how they are written.
#pragma once

#include <string>

#include "engine/model/search_space.hpp"
#include "engine/model/trial.hpp"

namespace sextant::algorithms {

// The value as the algorithms compare it: numbers by value ("0.10" and "0.1" are one point,
// ints by their integer), categorical values verbatim.
std::string canonical_value(const engine::ParameterSpec& spec, const std::string& value);

// One string per point of the space: the canonical values in spec order, looked up by name so
// that the assignment's own order does not matter. Missing parameters get a marker that no
// value can produce.
std::string assignment_key(const engine::SearchSpace& space, const engine::Assignment& assignment);

}  // namespace sextant::algorithms
