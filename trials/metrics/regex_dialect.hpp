// Katib's metric filters are Go (RE2) regexes; this compiles them with std::regex.
#pragma once

#include <regex>
#include <string>

namespace sextant::trials {

// Compiles an RE2-syntax filter as an ECMAScript std::regex. The two dialects agree on what
// metric filters use (groups, classes with \w \d \s, quantifiers); the differences handled:
// - a `{` that does not start a repetition ({n}, {n,}, {n,m}) and an unmatched `}` are
//   literals in RE2 but errors in ECMAScript: they are escaped (Katib's own example filter
//   "{metricName: ([\w|-]+), metricValue: ((-?\d+)(\.\d+)?)}" needs this);
// - named groups (?P<name>...) / (?<name>...) become plain groups (numbering is unchanged);
// - a leading (?i) becomes the icase flag.
// Other inline flags are rejected. Throws sextant::Error (kInvalidArgument) with `field_path`
// when the filter does not compile.
std::regex compile_re2_filter(const std::string& filter, const std::string& field_path);

// The ECMAScript text compile_re2_filter compiles (for messages and tests).
std::string re2_to_ecmascript(const std::string& filter, bool& icase);

}  // namespace sextant::trials
