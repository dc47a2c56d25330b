// Push body parsing: JSON (ordered, so reports keep the worker's order), strict numbers,
// RFC 3339 timestamps, and errors that name the metric even when the JSON itself is broken.
#include "engine/api/push_body.hpp"

#include <cctype>
#include <charconv>
#include <cmath>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"

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

std::string trimmed(std::string_view text) {
  size_t start = 0;
  size_t end = text.size();
  while (start < end && std::isspace(static_cast<unsigned char>(text[start]))) ++start;
  while (end > start && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return std::string(text.substr(start, end - start));
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
    std::string out = trimmed(text);
    if (out.starts_with('+')) out.erase(0, 1);
    return out;
  }
  throw Error(ErrorCode::kInvalidArgument,
              "expected a number or a string holding one, got " + type_name(value), field);
}

int parse_digits(std::string_view text, size_t offset, size_t count, const char* what) {
  if (offset + count > text.size()) {
    throw Error(
        ErrorCode::kInvalidArgument,
        "\"" + std::string(text) + "\" is not an RFC 3339 time: it ends before the " + what);
  }
  int value = 0;
  for (size_t i = offset; i < offset + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      throw Error(ErrorCode::kInvalidArgument,
                  "\"" + std::string(text) +
                      "\" is not an RFC 3339 time: expected digits for the " + what +
                      " at offset " + std::to_string(offset));
    }
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

void expect_char(std::string_view text, size_t offset, std::string_view allowed) {
  if (offset >= text.size() || allowed.find(text[offset]) == std::string_view::npos) {
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + std::string(text) + "\" is not an RFC 3339 time: expected '" +
                    std::string(allowed.substr(0, 1)) + "' at offset " + std::to_string(offset) +
                    " (e.g. 2024-05-01T12:30:00Z)");
  }
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int days_in_month(int year, int month) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::optional<double> parse_finite_number(std::string_view text) {
  std::string body = trimmed(text);
  std::string_view view = body;
  if (view.starts_with('+')) {
    view.remove_prefix(1);
    if (view.starts_with('+') || view.starts_with('-')) return std::nullopt;
  }
  if (view.empty()) return std::nullopt;
  double value = 0;
  auto [end, ec] = std::from_chars(view.data(), view.data() + view.size(), value);
  if (ec != std::errc() || end != view.data() + view.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  return value;
}

double parse_rfc3339(std::string_view text) {
  int year = parse_digits(text, 0, 4, "year");
  expect_char(text, 4, "-");
  int month = parse_digits(text, 5, 2, "month");
  expect_char(text, 7, "-");
  int day = parse_digits(text, 8, 2, "day");
  expect_char(text, 10, "Tt ");
  int hour = parse_digits(text, 11, 2, "hour");
  expect_char(text, 13, ":");
  int minute = parse_digits(text, 14, 2, "minute");
  expect_char(text, 16, ":");
  int second = parse_digits(text, 17, 2, "second");
  size_t offset = 19;
  double fraction = 0;
  if (offset < text.size() && text[offset] == '.') {
    size_t start = ++offset;
    double scale = 0.1;
    while (offset < text.size() && std::isdigit(static_cast<unsigned char>(text[offset]))) {
      fraction += (text[offset] - '0') * scale;
      scale /= 10;
      ++offset;
    }
    if (offset == start) expect_char(text, offset, "0123456789");
  }
  int zone_seconds = 0;
  expect_char(text, offset, "Zz+-");
  if (text[offset] == 'Z' || text[offset] == 'z') {
    ++offset;
  } else {
    int sign = text[offset] == '-' ? -1 : 1;
    int zone_hour = parse_digits(text, offset + 1, 2, "zone hour");
    expect_char(text, offset + 3, ":");
    int zone_minute = parse_digits(text, offset + 4, 2, "zone minute");
    if (zone_hour > 23 || zone_minute > 59) {
      throw Error(
          ErrorCode::kInvalidArgument,
          "\"" + std::string(text) + "\" is not an RFC 3339 time: zone offset out of range");
    }
    zone_seconds = sign * (zone_hour * 3600 + zone_minute * 60);
    offset += 6;
  }
  if (offset != text.size()) {
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + std::string(text) +
                    "\" is not an RFC 3339 time: unexpected text at offset " +
                    std::to_string(offset));
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 ||
      minute > 59 || second > 60) {
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + std::string(text) + "\" is not an RFC 3339 time: a field is out of range");
  }
  int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - zone_seconds;
  return static_cast<double>(seconds) + fraction;
}

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
      try {
        time = parse_rfc3339(it->get_ref<const std::string&>());
      } catch (const Error& error) {
        throw Error(ErrorCode::kInvalidArgument, error.message(), "timestamp");
      }
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
