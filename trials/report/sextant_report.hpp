// sextant_report.hpp: report metrics from a trial worker to sextant. Header-only, C++17, needs
// only POSIX sockets and the standard library, so a worker copies or includes this one file.
//
//   #include "sextant_report.hpp"
//   sextant::report({{"loss", 0.12}, {"accuracy", 0.91}}, /*step=*/epoch);
//
// Where the metrics go:
// - SEXTANT_REPORT_URL set (sextant sets it for every trial): an HTTP/1.1 POST to
//   $SEXTANT_REPORT_URL/api/v1/trials/$SEXTANT_TRIAL/metrics with "Authorization: Bearer
//   $SEXTANT_REPORT_TOKEN". The trial name falls back to Katib's KATIB_TRIAL_NAME.
// - SEXTANT_REPORT_URL unset or empty: one "name=value" line per metric on stdout (the step is
//   not printed), which the StdOut metrics collector (Katib's default) reads. The same worker
//   thus runs under either collector, and by hand.
// Numbers are written exactly: the shortest of %.15g, %.16g, %.17g that reads back as the same
// double (so 0.12 is sent as 0.12, not 0.11999999999999999).
//
// Errors:
// - std::invalid_argument, before anything is sent or printed: a value that is NaN or
//   infinite, an empty metric name, no metrics, a negative step.
// - sextant::ReportError: the report could not be delivered: a missing variable, an unusable
//   URL, no answer within 10 s, or an answer other than 2xx (what() carries the status and the
//   server's body; status() the HTTP status, 0 when there was no answer). Connection refused or
//   reset and HTTP 503 are retried a few times (about 1.5 s in all) first.
#pragma once

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>

namespace sextant {

class ReportError : public std::runtime_error {
 public:
  explicit ReportError(const std::string& message, int status = 0)
      : std::runtime_error(message), status_(status) {}
  // The HTTP status the server answered with, or 0 when it could not be reached.
  int status() const { return status_; }

 private:
  int status_;
};

namespace report_detail {

constexpr int kTimeoutMs = 10000;
constexpr int kAttempts = 5;
constexpr int kFirstBackoffMs = 100;
constexpr size_t kMaxAnswerBytes = 1 << 20;

inline std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? std::string(value) : std::string();
}

// Shortest exact decimal form; '.' whatever the C locale says.
inline std::string format_number(double value) {
  char text[64];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(text, sizeof text, "%.*g", precision, value);
    if (std::strtod(text, nullptr) == value) break;
  }
  for (char* c = text; *c; ++c) {
    if (*c == ',') *c = '.';
  }
  return text;
}

inline std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      out += escape;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

inline std::string percent_encode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

struct Url {
  std::string host;
  std::string port = "80";
  std::string path;  // prefix without a trailing slash
};

inline Url parse_url(const std::string& url) {
  const std::string scheme = "http://";
  if (url.compare(0, scheme.size(), scheme) != 0) {
    throw ReportError("sextant::report: SEXTANT_REPORT_URL \"" + url +
                      "\" is not of the form http://HOST:PORT");
  }
  std::string rest = url.substr(scheme.size());
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  Url out;
  if (slash != std::string::npos) out.path = rest.substr(slash);
  while (!out.path.empty() && out.path.back() == '/') out.path.pop_back();
  size_t colon = std::string::npos;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos) {
      throw ReportError("sextant::report: SEXTANT_REPORT_URL \"" + url + "\" has an unclosed '['");
    }
    out.host = authority.substr(1, close - 1);
    if (close + 1 < authority.size() && authority[close + 1] == ':') colon = close + 1;
  } else {
    colon = authority.rfind(':');
    out.host = authority.substr(0, colon);
  }
  if (colon != std::string::npos) out.port = authority.substr(colon + 1);
  if (out.host.empty() || out.port.empty()) {
    throw ReportError("sextant::report: SEXTANT_REPORT_URL \"" + url +
                      "\" is not of the form http://HOST:PORT");
  }
  return out;
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Connects within the timeout; returns -1 with `error` set (errno style) on failure.
inline int connect_to(const Url& url, int& error) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int status = ::getaddrinfo(url.host.c_str(), url.port.c_str(), &hints, &found);
  if (status != 0) {
    throw ReportError("sextant::report: cannot resolve " + url.host + ": " + gai_strerror(status));
  }
  int fd = -1;
  error = ECONNREFUSED;
  for (addrinfo* address = found; address && fd < 0; address = address->ai_next) {
    fd = ::socket(address->ai_family, address->ai_socktype, address->ai_protocol);
    if (fd < 0) {
      error = errno;
      continue;
    }
    int flags = ::fcntl(fd, F_GETFL, 0);
    ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int result = ::connect(fd, address->ai_addr, address->ai_addrlen);
    if (result != 0 && errno == EINPROGRESS) {
      pollfd waiting{fd, POLLOUT, 0};
      int ready;
      do {
        ready = ::poll(&waiting, 1, kTimeoutMs);
      } while (ready < 0 && errno == EINTR);
      if (ready == 1) {
        socklen_t length = sizeof result;
        ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &result, &length);
        if (result != 0) errno = result;
      } else {
        result = -1;
        errno = ETIMEDOUT;
      }
    }
    if (result != 0) {
      error = errno;
      ::close(fd);
      fd = -1;
      continue;
    }
    ::fcntl(fd, F_SETFL, flags);
  }
  ::freeaddrinfo(found);
  if (fd >= 0) {
    timeval timeout{kTimeoutMs / 1000, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
#ifdef SO_NOSIGPIPE
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  }
  return fd;
}

struct Answer {
  int status = 0;
  std::string body;
  int transport_error = 0;  // errno of a failed connect/send/receive; 0 when answered
};

inline Answer post(const Url& url, const std::string& target, const std::string& token,
                   const std::string& body) {
  Answer answer;
  int error = 0;
  Socket socket(connect_to(url, error));
  if (socket.get() < 0) {
    answer.transport_error = error;
    return answer;
  }
  std::string host = url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host;
  std::string request = "POST " + target + " HTTP/1.1\r\nHost: " + host + ":" + url.port +
                        "\r\nUser-Agent: sextant_report.hpp\r\nContent-Type: application/json\r\n"
                        "Authorization: Bearer " +
                        token +
                        "\r\nConnection: close\r\n"
                        "Content-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
#ifdef MSG_NOSIGNAL
  const int send_flags = MSG_NOSIGNAL;
#else
  const int send_flags = 0;
#endif
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = ::send(socket.get(), request.data() + sent, request.size() - sent, send_flags);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      answer.transport_error = n < 0 ? errno : ECONNRESET;
      return answer;
    }
    sent += static_cast<size_t>(n);
  }
  std::string received;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::recv(socket.get(), buffer, sizeof buffer, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      answer.transport_error = errno;
      return answer;
    }
    if (n == 0) break;
    received.append(buffer, static_cast<size_t>(n));
    if (received.size() > kMaxAnswerBytes) break;
  }
  size_t head_end = received.find("\r\n\r\n");
  if (received.compare(0, 5, "HTTP/") != 0 || received.size() < 12 ||
      head_end == std::string::npos) {
    if (received.empty()) {
      answer.transport_error = ECONNRESET;  // closed without a word: treat like a reset
      return answer;
    }
    throw ReportError("sextant::report: not an HTTP answer from " + url.host + ":" + url.port);
  }
  answer.status = std::atoi(received.c_str() + 9);
  answer.body = received.substr(head_end + 4);
  return answer;
}

}  // namespace report_detail

// Reports metrics of the current trial; see the top of this file.
inline void report(const std::map<std::string, double>& metrics, std::optional<long> step = {}) {
  namespace d = report_detail;
  if (metrics.empty()) throw std::invalid_argument("sextant::report: no metrics given");
  for (const auto& [name, value] : metrics) {
    if (name.empty()) throw std::invalid_argument("sextant::report: a metric name is empty");
    if (!std::isfinite(value)) {
      throw std::invalid_argument("sextant::report: metric \"" + name + "\" is " +
                                  d::format_number(value) + ", not a finite number");
    }
  }
  if (step && *step < 0) {
    throw std::invalid_argument("sextant::report: step must be >= 0, got " + std::to_string(*step));
  }

  std::string url_text = d::env("SEXTANT_REPORT_URL");
  if (url_text.empty()) {
    for (const auto& [name, value] : metrics) {
      std::printf("%s=%s\n", name.c_str(), d::format_number(value).c_str());
    }
    std::fflush(stdout);
    return;
  }
  std::string token = d::env("SEXTANT_REPORT_TOKEN");
  if (token.empty()) throw ReportError("sextant::report: SEXTANT_REPORT_TOKEN is not set");
  std::string trial = d::env("SEXTANT_TRIAL");
  if (trial.empty()) trial = d::env("KATIB_TRIAL_NAME");
  if (trial.empty()) {
    throw ReportError("sextant::report: SEXTANT_TRIAL (or KATIB_TRIAL_NAME) is not set");
  }
  d::Url url = d::parse_url(url_text);

  std::string body = "{\"metrics\":{";
  bool first = true;
  for (const auto& [name, value] : metrics) {
    body += (first ? "" : ",") + d::json_string(name) + ":" + d::format_number(value);
    first = false;
  }
  body += "}";
  if (step) body += ",\"step\":" + std::to_string(*step);
  body += "}";
  std::string target = url.path + "/api/v1/trials/" + d::percent_encode(trial) + "/metrics";

  int backoff_ms = d::kFirstBackoffMs;
  for (int attempt = 1;; ++attempt) {
    d::Answer answer = d::post(url, target, token, body);
    bool last = attempt == d::kAttempts;
    if (answer.transport_error != 0) {
      int error = answer.transport_error;
      bool transient = error == ECONNREFUSED || error == ECONNRESET || error == ECONNABORTED;
      if (!transient || last) {
        bool timed_out = error == EAGAIN || error == EWOULDBLOCK || error == ETIMEDOUT;
        throw ReportError(
            "sextant::report: cannot deliver to " + url_text + ": " +
            (timed_out ? std::string("no answer within 10 s") : std::strerror(error)));
      }
    } else if (answer.status >= 200 && answer.status < 300) {
      return;
    } else if (answer.status != 503 || last) {
      throw ReportError("sextant::report: HTTP " + std::to_string(answer.status) + " from " +
                            url_text + ": " + answer.body,
                        answer.status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms *= 2;
  }
}

}  // namespace sextant
