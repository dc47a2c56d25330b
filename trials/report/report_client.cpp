// The push client on Boost.Beast (one of the two translation units that include it), with a
// deadline per attempt and retries while the engine is briefly unreachable or busy.
#include "trials/report/report_client.hpp"

#include <cctype>
#include <cstdlib>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/util/text.hpp"
#include "trials/report/sextant_report.hpp"  // the worker header: one percent-encoding for both

namespace sextant::trials {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct Endpoint {
  std::string host;
  std::string port;
  std::string base_path;  // "" or "/prefix" without a trailing slash
};

Endpoint parse_url(const std::string& url) {
  constexpr std::string_view kScheme = "http://";
  if (url.rfind("https://", 0) == 0) {
    throw Error(
        ErrorCode::kInvalidArgument,
        "\"" + url + "\": https is not supported for the report URL; the engine serves http");
  }
  if (url.rfind(kScheme, 0) != 0) {
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + url + "\" is not a report URL: expected http://HOST:PORT");
  }
  std::string rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Endpoint endpoint;
  if (slash != std::string::npos) {
    endpoint.base_path = rest.substr(slash);
    while (!endpoint.base_path.empty() && endpoint.base_path.back() == '/')
      endpoint.base_path.pop_back();
  }
  std::string port = "80";
  if (authority.starts_with('[')) {  // [::1]:8080
    size_t close = authority.find(']');
    if (close == std::string::npos) {
      throw Error(ErrorCode::kInvalidArgument, "\"" + url + "\": unclosed '[' in the host");
    }
    endpoint.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') {
        throw Error(ErrorCode::kInvalidArgument, "\"" + url + "\": expected ':' after ']'");
      }
      port = authority.substr(close + 2);
    }
  } else {
    size_t colon = authority.rfind(':');
    endpoint.host = authority.substr(0, colon);
    if (colon != std::string::npos) port = authority.substr(colon + 1);
  }
  if (endpoint.host.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "\"" + url + "\" has no host");
  }
  bool digits = !port.empty() && port.size() <= 5;
  for (char c : port) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (!digits || std::stoi(port) == 0 || std::stoi(port) > 65535) {
    throw Error(ErrorCode::kInvalidArgument, "\"" + url + "\": \"" + port + "\" is not a port");
  }
  endpoint.port = port;
  return endpoint;
}

struct Exchange {
  beast::error_code error;
  http::response<http::string_body> response;
};

// One attempt: connect, send, read the answer, all within `timeout`.
Exchange exchange(const Endpoint& endpoint, const http::request<http::string_body>& request,
                  std::chrono::milliseconds timeout) {
  Exchange result;
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  auto addresses = resolver.resolve(endpoint.host, endpoint.port, result.error);
  if (result.error) return result;
  beast::tcp_stream stream(ioc);
  beast::flat_buffer buffer;
  stream.expires_after(timeout);  // one deadline shared by every step below
  stream.async_connect(addresses, [&](beast::error_code ec, const tcp::endpoint&) {
    if (ec) {
      result.error = ec;
      return;
    }
    http::async_write(stream, request, [&](beast::error_code ec, size_t) {
      if (ec) {
        result.error = ec;
        return;
      }
      http::async_read(stream, buffer, result.response,
                       [&](beast::error_code ec, size_t) { result.error = ec; });
    });
  });
  ioc.run();
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return result;
}

bool is_transient(const beast::error_code& error) {
  return error == asio::error::connection_refused || error == asio::error::connection_reset ||
         error == asio::error::connection_aborted || error == http::error::end_of_stream ||
         error == asio::error::eof;
}

ErrorCode code_for(const std::string& code, int status) {
  if (code == "invalid_argument") return ErrorCode::kInvalidArgument;
  if (code == "not_found") return ErrorCode::kNotFound;
  if (code == "conflict") return ErrorCode::kConflict;
  if (code == "unavailable") return ErrorCode::kUnavailable;
  if (code == "internal") return ErrorCode::kInternal;
  if (status == 404) return ErrorCode::kNotFound;
  if (status == 409) return ErrorCode::kConflict;
  if (status == 503) return ErrorCode::kUnavailable;
  return status >= 500 ? ErrorCode::kInternal : ErrorCode::kInvalidArgument;
}

[[noreturn]] void throw_refusal(const std::string& url, int status, const std::string& body) {
  std::string code;
  std::string message = body;
  try {
    auto json = nlohmann::json::parse(body);
    const auto& error = json.at("error");
    code = error.value("code", "");
    message = error.at("message").get<std::string>();
  } catch (const nlohmann::json::exception&) {
    // Not our JSON error shape (a proxy, another server): show the raw text.
    if (message.size() > 500) message = message.substr(0, 500) + "...";
    if (message.empty()) message = "(empty answer)";
  }
  throw Error(code_for(code, status), "metrics report refused by " + url + " (HTTP " +
                                          std::to_string(status) + "): " + message);
}

std::string required_variable(const char* name) {
  const char* value = std::getenv(name);
  if (!value || !*value) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string(name) +
                    " is not set: reporting metrics needs the environment of a trial started by "
                    "sextant (SEXTANT_REPORT_URL, SEXTANT_REPORT_TOKEN, SEXTANT_TRIAL)");
  }
  return value;
}

}  // namespace

ReportEnvironment read_report_environment() {
  ReportEnvironment environment;
  environment.url = required_variable("SEXTANT_REPORT_URL");
  environment.token = required_variable("SEXTANT_REPORT_TOKEN");
  const char* trial = std::getenv("SEXTANT_TRIAL");
  if (!trial || !*trial) trial = std::getenv("KATIB_TRIAL_NAME");
  if (!trial || !*trial) {
    throw Error(ErrorCode::kInvalidArgument,
                "SEXTANT_TRIAL (or Katib's KATIB_TRIAL_NAME) is not set: reporting metrics needs "
                "the environment of a trial started by sextant");
  }
  environment.trial = trial;
  return environment;
}

void report_metrics(const std::string& url, const std::string& trial, const std::string& token,
                    const std::vector<std::pair<std::string, std::string>>& metrics,
                    std::optional<int64_t> step) {
  report_metrics(url, trial, token, metrics, step, ReportOptions{});
}

void report_metrics(const std::string& url, const std::string& trial, const std::string& token,
                    const std::vector<std::pair<std::string, std::string>>& metrics,
                    std::optional<int64_t> step, const ReportOptions& options) {
  if (metrics.empty()) throw Error(ErrorCode::kInvalidArgument, "no metrics to report");
  if (trial.empty()) throw Error(ErrorCode::kInvalidArgument, "no trial name to report for");
  Endpoint endpoint = parse_url(url);

  nlohmann::ordered_json body;
  body["metrics"] = nlohmann::ordered_json::object();
  for (const auto& [name, value] : metrics) body["metrics"][name] = value;
  if (step) body["step"] = *step;

  http::request<http::string_body> request{
      http::verb::post, endpoint.base_path + "/api/v1/trials/" + report_detail::percent_encode(trial) + "/metrics",
      11};
  request.set(http::field::host, endpoint.host + ":" + endpoint.port);
  request.set(http::field::user_agent, "sextant-report");
  request.set(http::field::content_type, "application/json");
  request.set(http::field::authorization, "Bearer " + token);
  request.keep_alive(false);
  request.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  request.prepare_payload();

  auto backoff = options.first_backoff;
  int attempts = std::max(1, options.attempts);
  std::string last_problem;
  for (int attempt = 1; attempt <= attempts; ++attempt) {
    if (attempt > 1) {
      std::this_thread::sleep_for(backoff);
      backoff *= 2;
    }
    Exchange result = exchange(endpoint, request, options.timeout);
    if (result.error == beast::error::timeout) {
      throw Error(ErrorCode::kUnavailable, "no answer from " + url + " within " +
                                               std::to_string(options.timeout.count()) +
                                               " ms while reporting metrics");
    }
    if (result.error) {
      last_problem = result.error.message();
      if (is_transient(result.error)) continue;
      throw Error(ErrorCode::kUnavailable,
                  "cannot report metrics to " + url + ": " + result.error.message());
    }
    int status = result.response.result_int();
    if (status >= 200 && status < 300) return;
    if (status == 503 && attempt < attempts) {
      last_problem = "HTTP 503";
      continue;
    }
    throw_refusal(url, status, result.response.body());
  }
  throw Error(ErrorCode::kUnavailable, "cannot report metrics to " + url + " after " +
                                           std::to_string(attempts) + " attempts (" + last_problem +
                                           "): is the sextant engine running?");
}

std::pair<std::string, std::string> parse_metric_argument(const std::string& argument) {
  size_t equals = argument.find('=');
  if (equals == std::string::npos) {
    throw Error(ErrorCode::kInvalidArgument,
                "\"" + argument + "\" is not a metric: expected NAME=VALUE, e.g. loss=0.12");
  }
  std::string_view text = argument;
  std::string name(engine::trim_space(text.substr(0, equals)));
  std::string value(engine::trim_space(text.substr(equals + 1)));
  if (name.empty() || value.empty()) {
    throw Error(ErrorCode::kInvalidArgument, "\"" + argument + "\" is not a metric: " +
                                                 (name.empty() ? "the name" : "the value") +
                                                 " is empty (expected NAME=VALUE, e.g. loss=0.12)");
  }
  return {name, value};
}

}  // namespace sextant::trials
