// Katib's TEXT metrics format: name=value lines (or the spec's filters) to metric reports.
#pragma once

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ports/trial_runner.hpp"

namespace sextant::trials {

// Katib's default filter (katib.md section 5.3), exact.
inline constexpr const char* kDefaultMetricsFilter =
    R"(([\w|-]+)\s*=\s*([+-]?\d*(\.\d+)?([Ee][+-]?\d+)?))";

// Parses lines the way Katib's file/stdout collector does (katib.md section 5.3):
// - a line is looked at only if it contains one of the requested metric names as a substring
//   (so ordinary output costs a few memchr-speed searches, never a regex);
// - a leading RFC 3339 token (up to the first space) sets the report's time; otherwise time is 0
//   (the caller stamps the arrival time);
// - every filter (default: kDefaultMetricsFilter) is applied with find-all; group 1, trimmed,
//   must equal a requested name exactly; group 2, trimmed, is the value.
// Values: with the default filter, empty values and values that are not finite numbers
// (engine::parse_finite_number) are dropped (Katib would store "" or "+" and fail later). With
// custom filters any non-empty value is kept verbatim: DARTS, for one, reports its genotype as
// "Genotype(normal=[...], ...)".
// Regexes are compiled once, in the constructor; filters are Go RE2 syntax, translated by
// engine/spec/metrics_regex.hpp exactly as the spec validator does.
// Step (our extension; Katib's TEXT lines carry none): a pair named "step", else
// "global_step", else "epoch", that is not itself a requested metric and whose value is a whole
// number, is the step of every report on its line, as in the JSON format ("epoch=3 loss=0.2").
// Otherwise step is unset and the engine numbers the reports. Throws sextant::Error for a filter
// that does not compile, naming spec.metricsCollectorSpec.source.filter.metricsFormat[i].
class TextMetricsParser {
 public:
  TextMetricsParser(std::vector<std::string> metric_names, std::vector<std::string> filters);

  // Appends what one line (without its newline) reports; `trial` is left empty.
  void parse_line(std::string_view line, std::vector<engine::MetricReport>& out) const;
  std::vector<engine::MetricReport> parse_line(std::string_view line) const;

  const std::vector<std::string>& metric_names() const { return metric_names_; }
  bool custom_filters() const { return custom_filters_; }

 private:
  std::vector<std::string> metric_names_;
  std::vector<std::regex> regexes_;
  bool custom_filters_ = false;
};

}  // namespace sextant::trials
