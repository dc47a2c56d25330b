// The lenient parsers of numbers written as text (metric values, parameter values, settings).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sextant::engine {

// The value of a text that holds one finite decimal number, read the way Katib's collectors
// and Python's float() read a metric value: surrounding white space and one leading '+' are
// allowed ("0.5", " 1e-3 ", "+2", "-0", ".98", "1E0"), and a value too small for a double reads
// as zero ("1e-400"). nullopt for anything else: "", "nan", "inf", "1e999" (overflow), "0x10"
// (hex), "1.5kg", "++1", "+-1", "1,5". Independent of the C locale.
// Spec fields use the stricter parse_decimal (engine/spec/number_text.hpp) instead.
std::optional<double> parse_finite_number(std::string_view text);

// The same leniency for a whole decimal number within int64 ("42", " 7 ", "+3", "-1"); nullopt
// for "1.5", "1e3", "0x10", "+-7", "" and overflow.
std::optional<int64_t> parse_whole_number(std::string_view text);

}  // namespace sextant::engine
