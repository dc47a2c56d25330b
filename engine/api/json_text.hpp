// Writing JSON text directly (no DOM): the dashboard's large answers (50,000 trials, 500,000
// points) are built this way, several times faster than through nlohmann::json.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sextant::engine {

// "text" with JSON's escapes (control characters as \u00XX); invalid UTF-8 passes through.
void append_json_string(std::string& out, std::string_view text);
// The shortest text that reads back as the same double; null when not finite.
void append_json_number(std::string& out, double value);
void append_json_number(std::string& out, int64_t value);
// The number a metric or objective text holds (parse_finite_number), else null.
void append_json_number_or_null(std::string& out, std::string_view text);
void append_json_optional(std::string& out, const std::optional<double>& value);

}  // namespace sextant::engine
