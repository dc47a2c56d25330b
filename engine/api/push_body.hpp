// Parsing and validating a metrics push body, all of it, before anything is delivered.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/ports/trial_runner.hpp"

namespace sextant::engine {

// Body: {"metrics": {"loss": 0.12, "accuracy": "0.9"}, "step": 3, "timestamp": "...Z" | 1.7e9}
// - metrics: a non-empty object; each value a finite JSON number or a string holding one
//   (parse_finite_number, engine/util/numbers.hpp).
// - step: optional integer >= 0. timestamp: optional RFC 3339 string (parse_rfc3339,
//   engine/util/rfc3339.hpp) or unix seconds; when absent, received_at is used.
// Returns one MetricReport per metric, in the body's order. Throws Error(kInvalidArgument) with
// the field path ("metrics.loss", "step", ...) for the first problem found.
std::vector<MetricReport> parse_push_body(const std::string& trial, std::string_view body,
                                          double received_at);

}  // namespace sextant::engine
