// Katib's metric filters (source.filter.metricsFormat) are Go RE2 patterns; this compiles them
// with std::regex so that validation and metric collection agree on what a filter means.
#pragma once

#include <regex>
#include <string>

namespace sextant::engine {

// Rewrites the RE2 forms Katib users write into ECMAScript: '{' and '}' that do not form a
// repetition ("{metricName: ([\w|-]+)...}") become literals, named groups (?P<n>...) become
// plain groups, and a leading (?i) sets `icase`.
std::string go_regex_to_ecmascript(const std::string& pattern, bool& icase);

// Compiles a filter; throws sextant::Error(kInvalidArgument) with the reason when it does not
// compile. (Whether it has the two capture groups Katib needs is the caller's check.)
std::regex compile_metrics_filter(const std::string& pattern);

}  // namespace sextant::engine
