// Katib's string-valued numbers: accept what YAML users write, store what Katib expects.
#pragma once

#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace sextant::engine {

// Katib keeps feasibleSpace min/max/step/list entries and algorithm setting values as strings,
// but people write `min: 0.01`. Rewrites such numbers (and booleans in lists and settings) as
// strings in the form written (`number_texts`, from the parser), and a goal written as a numeric
// string as a number, so the stored document is what Katib itself would accept.
void normalize_katib_strings(nlohmann::json& document,
                             const std::map<std::string, std::string>& number_texts);

}  // namespace sextant::engine
