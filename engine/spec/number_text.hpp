// Strict number parsing for Katib's string-valued numbers ("0.01", "1e-3", "-5").
#pragma once

#include <string>

namespace sextant::engine {

// A finite decimal number, the whole text (optional sign, digits, fraction, exponent); no
// surrounding spaces, no hex, no inf/nan.
bool parse_decimal(const std::string& text, double& out);

// A whole number in decimal notation (optional sign), within the range of long long.
bool parse_integer(const std::string& text, long long& out);

}  // namespace sextant::engine
