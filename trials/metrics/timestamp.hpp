// Timestamps in metric lines: RFC 3339 (with nanoseconds) to unix seconds.
#pragma once

#include <optional>
#include <string_view>

namespace sextant::trials {

// Parses "2006-01-02T15:04:05[.999999999](Z|+07:00)" (Go's RFC3339Nano layout, which also
// accepts RFC3339 without a fraction) into unix seconds. nullopt when the text is not one.
std::optional<double> parse_rfc3339(std::string_view text);

// Wall-clock now, unix seconds.
double unix_now();

}  // namespace sextant::trials
