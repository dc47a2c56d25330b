// Katib's JSON metrics format (File collector): one JSON object per line to metric reports.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/ports/trial_runner.hpp"

namespace sextant::trials {

// Parses metrics-file lines in Katib's JSON format (katib.md section 5.4), one object per
// non-empty line:
// - a requested metric's value may be a JSON string (Katib: stored verbatim) or, unlike
//   Katib, a number (formatted in its shortest round-trip form); empty strings, booleans,
//   null, arrays and objects are ignored;
// - optional "timestamp": an RFC 3339 string or unix seconds as a number (the fraction is a
//   fraction of a second; Katib reads it as nanoseconds). Unparsable: time 0 (caller stamps);
// - optional "step", else "global_step", else "epoch": an integer (or a string holding one),
//   used as the report's step.
// A line that is not a JSON object does not stop collection (Katib fails the whole file): it
// is returned as an error for the runner to log.
class JsonLinesParser {
 public:
  explicit JsonLinesParser(std::vector<std::string> metric_names);

  // Appends the line's reports to `out`. Returns "" or, for a bad line, what is wrong with it.
  std::string parse_line(std::string_view line, std::vector<engine::MetricReport>& out) const;

  const std::vector<std::string>& metric_names() const { return metric_names_; }

 private:
  std::vector<std::string> metric_names_;
};

}  // namespace sextant::trials
