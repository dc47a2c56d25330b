// RFC 3339 date-times both ways: the timestamps workers report, and times shown to people.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sextant::engine {

// Parses "2006-01-02T15:04:05[.999999999](Z|+07:00)" (Go's RFC3339Nano layout, which also
// accepts RFC 3339 without a fraction; 'T' and 'Z' may be lower case) into unix seconds.
// Validates ranges: month 1-12, the day within its month (leap years counted), hour 0-23,
// minute and second 0-59, zone offset up to 23:59, 1 to 9 fraction digits. nullopt when the
// text is not one, including a date alone, a missing zone, a space for 'T' and trailing text.
std::optional<double> parse_rfc3339(std::string_view text);

// Unix seconds as "2024-05-01T12:30:00Z" (UTC, whole seconds); "" for times <= 0 (unset).
std::string format_time_rfc3339(double unix_seconds);

}  // namespace sextant::engine
