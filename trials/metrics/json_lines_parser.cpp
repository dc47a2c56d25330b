// Katib's JSON metrics format (File collector): one JSON object per line to metric reports.
#include "trials/metrics/json_lines_parser.hpp"

#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "engine/model/search_space.hpp"
#include "engine/util/rfc3339.hpp"

namespace sextant::trials {
namespace {

using nlohmann::json;

std::optional<int64_t> integer_of(const json& v) {
  if (v.is_number_integer()) return v.get<int64_t>();
  if (v.is_number_float()) {
    double d = v.get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15)
      return static_cast<int64_t>(d);
    return std::nullopt;
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    if (s.empty() || s.size() > 19) return std::nullopt;
    size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
    if (i == s.size()) return std::nullopt;
    for (size_t k = i; k < s.size(); ++k)
      if (s[k] < '0' || s[k] > '9') return std::nullopt;
    return std::stoll(s);
  }
  return std::nullopt;
}

double time_of(const json& v) {
  if (v.is_string()) return engine::parse_rfc3339(v.get_ref<const std::string&>()).value_or(0);
  if (v.is_number()) {
    double d = v.get<double>();
    return std::isfinite(d) && d > 0 ? d : 0;
  }
  return 0;
}

}  // namespace

JsonLinesParser::JsonLinesParser(std::vector<std::string> metric_names)
    : metric_names_(std::move(metric_names)) {}

std::string JsonLinesParser::parse_line(std::string_view line,
                                        std::vector<engine::MetricReport>& out) const {
  if (line.find_first_not_of(" \t\r\n") == std::string_view::npos) return {};
  json object;
  try {
    object = json::parse(line);
  } catch (const json::exception& e) {
    std::string what = e.what();
    // nlohmann's messages start with "[json.exception.parse_error.101] "; keep the rest.
    if (auto close = what.find("] "); close != std::string::npos) what = what.substr(close + 2);
    return "not a JSON object: " + what;
  }
  if (!object.is_object())
    return std::string("not a JSON object: found a JSON ") + object.type_name();

  double time = 0;
  if (auto it = object.find("timestamp"); it != object.end()) time = time_of(*it);
  std::optional<int64_t> step;
  for (const char* key : {"step", "global_step", "epoch"})
    if (auto it = object.find(key); it != object.end()) {
      step = integer_of(*it);
      if (step) break;
    }

  for (const auto& name : metric_names_) {
    auto it = object.find(name);
    if (it == object.end()) continue;
    std::string value;
    if (it->is_string()) {
      value = it->get<std::string>();
    } else if (it->is_number_integer()) {
      value = it->dump();
    } else if (it->is_number_float()) {
      double d = it->get<double>();
      if (!std::isfinite(d)) continue;
      value = engine::format_double(d);
    }
    if (value.empty()) continue;
    engine::MetricReport report;
    report.metric = name;
    report.value = std::move(value);
    report.step = step;
    report.time = time;
    out.push_back(std::move(report));
  }
  return {};
}

}  // namespace sextant::trials
