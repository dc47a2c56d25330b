// Test helpers for the HTTP tests: a raw loopback socket client and a sink that records reports.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cctype>
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/ports/trial_runner.hpp"

namespace sextant::testing {

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// One TCP connection to ipv4:port (loopback by default). Every read gives up after 10 s so a
// test cannot hang.
class TestConnection {
 public:
  explicit TestConnection(uint16_t port, const std::string& ipv4 = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket() failed");
    timeval timeout{10, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    ::inet_pton(AF_INET, ipv4.c_str(), &address.sin_addr);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      ::close(fd_);
      throw std::runtime_error("connect() to port " + std::to_string(port) + " failed");
    }
  }
  ~TestConnection() { ::close(fd_); }
  TestConnection(const TestConnection&) = delete;
  TestConnection& operator=(const TestConnection&) = delete;

  // Sends everything; returns false when the peer stopped accepting data (reset, closed).
  bool send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one response (Content-Length framed, which is what the server sends).
  RawResponse read_response() {
    size_t header_end;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill()) throw std::runtime_error("connection closed before a full response header");
    }
    RawResponse response;
    std::string head = pending_.substr(0, header_end);
    pending_.erase(0, header_end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) {
      throw std::runtime_error("bad status line: " + status_line);
    }
    response.status = std::stoi(status_line.substr(9, 3));
    size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
    while (pos < head.size()) {
      size_t end = head.find("\r\n", pos);
      if (end == std::string::npos) end = head.size();
      std::string line = head.substr(pos, end - pos);
      size_t colon = line.find(':');
      if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        size_t value_start = line.find_first_not_of(' ', colon + 1);
        response.headers[name] = value_start == std::string::npos ? "" : line.substr(value_start);
      }
      pos = end + 2;
    }
    size_t length = 0;
    if (auto it = response.headers.find("content-length"); it != response.headers.end()) {
      length = std::stoul(it->second);
    }
    while (pending_.size() < length) {
      if (!fill()) throw std::runtime_error("connection closed in the middle of a response body");
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return response;
  }

  // True when the server has closed its side (reads end) before sending anything more.
  bool closed_by_peer() {
    if (!pending_.empty()) return false;
    return !fill();
  }

 private:
  bool fill() {
    char buffer[16384];
    ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) return false;
    pending_.append(buffer, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string pending_;
};

inline std::string make_request(const std::string& method, const std::string& target,
                                const std::string& body = {},
                                const std::map<std::string, std::string>& headers = {}) {
  std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT") {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n" + body;
  return request;
}

// One request on a fresh connection.
inline RawResponse http_request(uint16_t port, const std::string& method, const std::string& target,
                                const std::string& body = {},
                                const std::map<std::string, std::string>& headers = {},
                                const std::string& ipv4 = "127.0.0.1") {
  TestConnection connection(port, ipv4);
  auto all_headers = headers;
  all_headers.emplace("Connection", "close");
  if (!connection.send(make_request(method, target, body, all_headers))) {
    throw std::runtime_error("send failed");
  }
  return connection.read_response();
}

// Records what the push endpoint delivers.
class RecordingSink : public engine::TrialEvents {
 public:
  void on_metrics(std::vector<engine::MetricReport> reports) override {
    std::lock_guard lock(mutex_);
    ++calls_;
    for (auto& report : reports) reports_.push_back(std::move(report));
  }
  void on_exit(engine::TrialExit exit) override {}

  std::vector<engine::MetricReport> reports() const {
    std::lock_guard lock(mutex_);
    return reports_;
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<engine::MetricReport> reports_;
  int calls_ = 0;
};

}  // namespace sextant::testing
