// Doubles as text, bit-exact: base64 of each value's IEEE-754 bits in little-endian order, so a
// saved controller restores to the same weights on any platform.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace sextant::algorithms {

std::string encode_doubles(const double* values, size_t count);
// nullopt when the text is not base64 of a whole number of doubles.
std::optional<std::vector<double>> decode_doubles(const std::string& text);

// One double as 16 hex digits of its bits (for single values kept in a JSON state).
std::string double_bits_text(double value);
std::optional<double> parse_double_bits(const std::string& text);

}  // namespace sextant::algorithms
