// Parsing and validating a metrics push body, all of it, before anything is delivered.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ports/trial_runner.hpp"

namespace sextant::engine {

// Body: {"metrics": {"loss": 0.12, "accuracy": "0.9"}, "step": 3, "timestamp": "...Z" | 1.7e9}
// - metrics: a non-empty object; each value a finite JSON number or a string holding one.
// - step: optional integer >= 0. timestamp: optional RFC 3339 string or unix seconds; when
//   absent, received_at is used.
// Returns one MetricReport per metric, in the body's order. Throws Error(kInvalidArgument) with
// the field path ("metrics.loss", "step", ...) for the first problem found.
std::vector<MetricReport> parse_push_body(const std::string& trial, std::string_view body,
                                          double received_at);

// The value of a string that holds one finite decimal number ("0.9", " 1e-3 ", "+2"), or
// nullopt ("nan", "inf", "1e999", "0x10", "", "1.5kg").
std::optional<double> parse_finite_number(std::string_view text);

// RFC 3339 date-time ("2024-05-01T12:30:00Z", "2024-05-01T14:30:00.25+02:00") to unix seconds.
// Throws Error(kInvalidArgument) describing what is wrong.
double parse_rfc3339(std::string_view text);

}  // namespace sextant::engine
