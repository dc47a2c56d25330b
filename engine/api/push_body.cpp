// Push body parsing: JSON (ordered, so reports keep the worker's order), strict numbers,
// RFC 3339 timestamps, and errors that name the metric even when the JSON itself is broken.
#include "engine/api/push_body.hpp"

#include <cctype>
#include <cmath>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/util/numbers.hpp"
#include "engine/util/rfc3339.hpp"
#include "engine/util/text.hpp"

namespace sextant::engine {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxMetricNameLength = 255;  // Katib's observation_logs.metric_name

// Replays a body that failed to parse to learn which key the parser was inside when it failed,
// so that {"metrics":{"loss":NaN}} is reported as a problem with metric "loss".
class KeyTracker : public nlohmann::json_sax<Json> {
 public:
  std::vector<std::string> failed_path;
  size_t failed_position = 0;
  bool failed = false;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return push(""); }
  bool key(string_t& name) override {
    path_.back() = name;
    return true;
  }
  bool end_object() override { return pop(); }
  bool start_array(std::size_t) override { return push("[]"); }
  bool end_array() override { return pop(); }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    failed = true;
    failed_path = path_;
    failed_position = position;
    return false;
  }

 private:
  bool push(std::string entry) {
    path_.push_back(std::move(entry));
    return true;
  }
  bool pop() {
    path_.pop_back();
    return true;
  }
  std::vector<std::string> path_;
};

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

// The bare word around a parse failure ("NaN", "-Infinity", "1e999").
std::string token_at(std::string_view body, size_t position) {
  size_t start = std::min(position, body.size());
  while (start > 0 && is_token_char(body[start - 1])) --start;
  size_t end = start;
  while (end < body.size() && is_token_char(body[end])) ++end;
  return std::string(body.substr(start, end - start));
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string strip_nlohmann_prefix(const std::string& what) {
  // "[json.exception.parse_error.101] parse error at ..." -> "parse error at ..."
  if (what.starts_with('[')) {
    size_t close = what.find("] ");
    if (close != std::string::npos) return what.substr(close + 2);
  }
  return what;
}

[[noreturn]] void throw_json_error(std::string_view body, const std::string& what) {
  KeyTracker tracker;
  (void)Json::sax_parse(body, &tracker);
  if (tracker.failed && tracker.failed_path.size() == 2 && tracker.failed_path[0] == "metrics" &&
      !tracker.failed_path[1].empty()) {
    std::string token = token_at(body, tracker.failed_position);
    std::string folded = lower(token);
    std::string field = "metrics." + tracker.failed_path[1];
    if (folded.find("nan") != std::string::npos || folded.find("inf") != std::string::npos ||
        what.find("number overflow") != std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument,
                  "value " + token + " is not a finite number (NaN and Infinity are rejected)",
                  field);
    }
    throw Error(ErrorCode::kInvalidArgument,
                "request body is not valid JSON: " + strip_nlohmann_prefix(what), field);
  }
  throw Error(ErrorCode::kInvalidArgument,
              "request body is not valid JSON: " + strip_nlohmann_prefix(what));
}

std::string type_name(const Json& value) {
  return value.type_name();
}

void check_metric_name(const std::string& name) {
  if (name.empty())
    throw Error(ErrorCode::kInvalidArgument, "metric names must not be empty", "metrics");
  if (name.size() > kMaxMetricNameLength) {
    throw Error(
        ErrorCode::kInvalidArgument,
        "metric name is longer than " + std::to_string(kMaxMetricNameLength) + " characters",
        "metrics." + name.substr(0, 40) + "...");
  }
  for (char c : name) {
    if (std::iscntrl(static_cast<unsigned char>(c))) {
      throw Error(ErrorCode::kInvalidArgument, "metric name contains a control character",
                  "metrics");
    }
  }
}

// Katib string form of one metric value; throws naming the metric.
std::string metric_value(const std::string& name, const Json& value) {
  std::string field = "metrics." + name;
  if (value.is_number_integer()) return value.dump();
  if (value.is_number_float()) {
    if (!std::isfinite(value.get<double>())) {
      throw Error(ErrorCode::kInvalidArgument, "value is not a finite number", field);
    }
    return value.dump();
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (!parse_finite_number(text)) {
      throw Error(ErrorCode::kInvalidArgument,
                  "\"" + text + "\" is not a finite number (NaN and Infinity are rejected)", field);
    }
    std::string out(trim_space(text));
    if (out.starts_with('+')) out.erase(0, 1);
    return out;
  }
  throw Error(ErrorCode::kInvalidArgument,
              "expected a number or a string holding one, got " + type_name(value), field);
}

}  // namespace

std::vector<MetricReport> parse_push_body(const std::string& trial, std::string_view body,
                                          double received_at) {
  Json document;
  try {
    document = Json::parse(body);
  } catch (const nlohmann::json::exception& error) {
    throw_json_error(body, error.what());
  }
  if (!document.is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "request body must be a JSON object like {\"metrics\": {\"loss\": 0.1}}, got " +
                    type_name(document));
  }
  for (const auto& [key, value] : document.items()) {
    if (key != "metrics" && key != "step" && key != "timestamp") {
      throw Error(ErrorCode::kInvalidArgument,
                  "unknown field (known fields: metrics, step, timestamp)", key);
    }
  }

  auto metrics = document.find("metrics");
  if (metrics == document.end()) {
    throw Error(ErrorCode::kInvalidArgument, "is required: {\"metrics\": {\"loss\": 0.1}}",
                "metrics");
  }
  if (!metrics->is_object()) {
    throw Error(ErrorCode::kInvalidArgument,
                "must be an object of metric names to values, got " + type_name(*metrics),
                "metrics");
  }
  if (metrics->empty()) {
    throw Error(ErrorCode::kInvalidArgument, "must name at least one metric", "metrics");
  }

  std::optional<int64_t> step;
  if (auto it = document.find("step"); it != document.end() && !it->is_null()) {
    if (!it->is_number_integer() ||
        (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))) {
      throw Error(ErrorCode::kInvalidArgument, "must be an integer >= 0, got " + it->dump(),
                  "step");
    }
    step = it->get<int64_t>();
    if (*step < 0) {
      throw Error(ErrorCode::kInvalidArgument, "must be an integer >= 0, got " + it->dump(),
                  "step");
    }
  }

  double time = received_at;
  if (auto it = document.find("timestamp"); it != document.end() && !it->is_null()) {
    if (it->is_string()) {
      const auto& text = it->get_ref<const std::string&>();
      auto parsed = parse_rfc3339(text);
      if (!parsed) {
        throw Error(ErrorCode::kInvalidArgument,
                    "\"" + text +
                        "\" is not an RFC 3339 time: expected a valid date and time with a zone "
                        "and at most 9 fraction digits, e.g. 2024-05-01T12:30:00Z or "
                        "2024-05-01T14:30:00.25+02:00",
                    "timestamp");
      }
      time = *parsed;
    } else if (it->is_number()) {
      time = it->get<double>();
      if (!std::isfinite(time) || time < 0) {
        throw Error(ErrorCode::kInvalidArgument, "unix seconds must be finite and >= 0",
                    "timestamp");
      }
    } else {
      throw Error(ErrorCode::kInvalidArgument,
                  "must be an RFC 3339 string or unix seconds, got " + type_name(*it), "timestamp");
    }
  }

  std::vector<MetricReport> reports;
  reports.reserve(metrics->size());
  for (const auto& [name, value] : metrics->items()) {
    check_metric_name(name);
    reports.push_back(MetricReport{trial, name, step, metric_value(name, value), time});
  }
  return reports;
}

}  // namespace sextant::engine
