// The GJSON subset Katib evaluates on a trial's job to tell success and failure (katib.md 2.8).
#pragma once

#include <optional>
#include <string_view>

#include <nlohmann/json.hpp>

namespace sextant::orchestration {

// Evaluates `path` on `document` as GJSON does, for the subset Katib's conditions use:
// - `a.b.c` member access (`\.` escapes a dot in a name; a number indexes an array), `#` the
//   length of an array;
// - queries on arrays: `#(key==value)` the first match, `#(key==value)#` every match, with
//   == != < <= > >= on a key path and a JSON literal ("text", numbers, true, false, null), and
//   `#(==value)` comparing the elements themselves;
// - `[@this]` (a multipath holding the current value: an array of one element) and `@this`;
// - after a `#(...)#` query, `.rest` applies to every match, `|rest` to the array of matches.
// Returns nullopt where GJSON's result does not exist. Throws sextant::Error (kInvalidArgument)
// for a path outside this subset, naming the part it cannot read.
std::optional<nlohmann::json> gjson_get(const nlohmann::json& document, std::string_view path);

// Katib's reading of a condition: it holds when the result is an object or a non-empty array;
// the first element (or the object) is returned, where Katib looks for `reason` and `message`.
std::optional<nlohmann::json> condition_match(const nlohmann::json& object,
                                              std::string_view condition);

}  // namespace sextant::orchestration
