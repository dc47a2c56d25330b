// How an unquoted YAML scalar is typed (YAML 1.2 core schema, which JSON also satisfies).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sextant::engine {

// The value of a plain (unquoted) scalar: null, boolean, integer or float when the text has that
// form, otherwise the text itself as a string. Quoted scalars are always strings and never pass
// through here.
nlohmann::json resolve_plain_scalar(const std::string& text);

// True when the text, written unquoted, would be read back as something other than this string
// by a YAML 1.2 or YAML 1.1 reader (numbers, booleans incl. yes/no/on/off, null, dates, ...).
bool plain_scalar_changes_type(const std::string& text);

}  // namespace sextant::engine
