// Python's text forms that Katib's NAS services put into trial assignments: repr() of a float and
// json.dumps() with its default options, and Katib's '"' -> '\'' quoting of the result.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace sextant::algorithms {

// repr(x) of a Python float: the shortest digits that round-trip, in fixed notation when the
// decimal exponent e of the first digit satisfies -4 <= e < 16 (always with a fractional part:
// "2.0", "0.0001"), otherwise as d[.ddd]e+XX / e-XX with at least two exponent digits ("1e-05",
// "1e+16", "1.5e+16"). "inf", "-inf" and "nan" for the non-finite values.
std::string python_float_repr(double x);

// json.dumps(value) with Python's defaults: separators ", " and ": ", ensure_ascii (every
// character outside ' '..'~' escaped, \n \r \t \b \f short, others \u00XX, astral characters as
// surrogate pairs), floats as repr() with Infinity / -Infinity / NaN, keys in the object's order.
// Invalid UTF-8 bytes are written as U+FFFD (Python strings cannot hold them).
std::string python_json_dumps(const nlohmann::ordered_json& value);

// What Katib's services send: the JSON text with every '"' replaced by '\''.
std::string katib_quoted(std::string json_text);

}  // namespace sextant::algorithms
