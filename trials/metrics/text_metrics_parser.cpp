// Katib's TEXT metrics format: name=value lines (or the spec's filters) to metric reports.
#include "trials/metrics/text_metrics_parser.hpp"

#include <optional>

#include "engine/error.hpp"
#include "engine/spec/metrics_regex.hpp"
#include "engine/util/numbers.hpp"
#include "engine/util/rfc3339.hpp"
#include "engine/util/text.hpp"

namespace sextant::trials {
namespace {
// A pair with one of these names (that is not a requested metric) gives the line's step.
constexpr std::string_view kStepNames[] = {"step", "global_step", "epoch"};
}  // namespace

TextMetricsParser::TextMetricsParser(std::vector<std::string> metric_names,
                                     std::vector<std::string> filters)
    : metric_names_(std::move(metric_names)), custom_filters_(!filters.empty()) {
  if (filters.empty()) {
    regexes_.emplace_back(kDefaultMetricsFilter, std::regex::ECMAScript | std::regex::optimize);
    return;
  }
  for (size_t i = 0; i < filters.size(); ++i) {
    try {
      // The spec validator compiles filters the same way, so what validated here collects.
      regexes_.push_back(engine::compile_metrics_filter(filters[i]));
    } catch (const Error& e) {
      throw Error(
          ErrorCode::kInvalidArgument, "'" + filters[i] + "': " + e.message(),
          "spec.metricsCollectorSpec.source.filter.metricsFormat[" + std::to_string(i) + "]");
    }
  }
}

void TextMetricsParser::parse_line(std::string_view line,
                                   std::vector<engine::MetricReport>& out) const {
  bool candidate = false;
  for (const auto& name : metric_names_)
    if (!name.empty() && line.find(name) != std::string_view::npos) {
      candidate = true;
      break;
    }
  if (!candidate) return;

  double time = 0;
  if (size_t space = line.find(' '); space != std::string_view::npos)
    if (auto t = engine::parse_rfc3339(line.substr(0, space))) time = *t;

  const size_t first = out.size();
  std::optional<int64_t> step_of_line[3];  // "step", "global_step", "epoch": first wins
  using Iterator = std::regex_iterator<std::string_view::const_iterator>;
  for (const auto& regex : regexes_) {
    for (Iterator it(line.begin(), line.end(), regex), end; it != end; ++it) {
      const auto& m = *it;
      if (m.size() < 3) continue;
      if (m[1].length() == 0) continue;
      std::string_view name = engine::trim_space(std::string_view(&*m[1].first, m[1].length()));
      bool requested = false;
      for (const auto& wanted : metric_names_)
        if (name == wanted) {
          requested = true;
          break;
        }
      std::string_view value =
          m[2].length() == 0 ? std::string_view{}
                             : engine::trim_space(std::string_view(&*m[2].first, m[2].length()));
      if (!requested) {
        for (size_t k = 0; k < std::size(kStepNames); ++k)
          if (name == kStepNames[k] && !step_of_line[k])
            step_of_line[k] = engine::parse_whole_number(value);
        continue;
      }
      if (value.empty()) continue;
      if (!custom_filters_ && !engine::parse_finite_number(value)) continue;
      engine::MetricReport report;
      report.metric = std::string(name);
      report.value = std::string(value);
      report.time = time;
      out.push_back(std::move(report));
    }
  }
  for (const auto& step : step_of_line)
    if (step) {
      for (size_t i = first; i < out.size(); ++i) out[i].step = step;
      break;
    }
}

std::vector<engine::MetricReport> TextMetricsParser::parse_line(std::string_view line) const {
  std::vector<engine::MetricReport> out;
  parse_line(line, out);
  return out;
}

}  // namespace sextant::trials
