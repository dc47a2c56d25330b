// Worker-side client of the engine's metrics push endpoint; backs `sextant report loss=0.12`.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sextant::trials {

// What a trial process is told about where to report (DESIGN.md section 5, worker contract).
struct ReportEnvironment {
  std::string url;    // SEXTANT_REPORT_URL, e.g. http://127.0.0.1:43121
  std::string token;  // SEXTANT_REPORT_TOKEN
  std::string trial;  // SEXTANT_TRIAL, or Katib's KATIB_TRIAL_NAME
};

// Reads the three variables; throws Error(kInvalidArgument) naming the first one missing.
ReportEnvironment read_report_environment();

struct ReportOptions {
  std::chrono::milliseconds timeout{10'000};  // for one whole attempt (connect, send, answer)
  int attempts = 5;  // tries on connection refused/reset or 503 before giving up
  std::chrono::milliseconds first_backoff{200};  // doubled after each failed try
};

// POSTs {"metrics": {name: value, ...}, "step": N} to <url>/api/v1/trials/<trial>/metrics with
// "Authorization: Bearer <token>". url is "http://host:port" with an optional path prefix.
// Values go as given ("0.12"); the server checks that they are finite numbers.
// Throws sextant::Error: the server's message (and its code) when it refuses the report
// (4xx, 5xx), kUnavailable when it cannot be reached or does not answer in time,
// kInvalidArgument for a URL it cannot use.
void report_metrics(const std::string& url, const std::string& trial, const std::string& token,
                    const std::vector<std::pair<std::string, std::string>>& metrics,
                    std::optional<int64_t> step);
void report_metrics(const std::string& url, const std::string& trial, const std::string& token,
                    const std::vector<std::pair<std::string, std::string>>& metrics,
                    std::optional<int64_t> step, const ReportOptions& options);

// "loss=0.12" -> {"loss", "0.12"} (spaces around '=' allowed); throws Error(kInvalidArgument)
// quoting the argument when it is not name=value.
std::pair<std::string, std::string> parse_metric_argument(const std::string& argument);

}  // namespace sextant::trials
