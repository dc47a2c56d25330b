// Reading parameter values back from their Katib string form, and comparing assignments.
#pragma once

#include <optional>
#include <string>

#include "engine/model/search_space.hpp"
#include "engine/model/trial.hpp"

namespace sextant::algorithms {

// A finite number written in full ("3", "-0.25", "1e-3", "+2"); nullopt for anything else,
// including trailing text, "nan" and "inf". Independent of the C locale.
std::optional<double> parse_number(const std::string& text);

// The value as the algorithms compare it: numbers by value ("0.10" and "0.1" are one point,
// ints by their integer), categorical values verbatim.
std::string canonical_value(const engine::ParameterSpec& spec, const std::string& value);

// One string per point of the space: the canonical values in spec order, looked up by name so
// that the assignment's own order does not matter. Missing parameters get a marker that no
// value can produce.
std::string assignment_key(const engine::SearchSpace& space, const engine::Assignment& assignment);

}  // namespace sextant::algorithms
