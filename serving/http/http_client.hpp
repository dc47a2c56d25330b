// A small blocking HTTP/1.1 client with keep-alive and deadlines, for promotion and tests.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace sextant::serving {

struct HttpUrl {
  std::string host;
  uint16_t port = 80;
  std::string base_path;     // "" or "/prefix" without a trailing slash
  std::string text() const;  // http://host:port[/prefix]
};

// "http://host[:port][/prefix]"; throws Error(kInvalidArgument) for anything else (https too).
HttpUrl parse_http_url(const std::string& url);

struct HttpReply {
  int status = 0;
  std::string body;
};

// Contract: one TCP connection to one server, reused across requests (HTTP keep-alive) and
// reopened when the server closed it between two requests. Every request finishes within
// `timeout` (connect, send and answer) or throws Error(kUnavailable) saying what failed
// ("connection refused", "timed out"). Not thread-safe: one connection per thread.
class HttpConnection {
 public:
  HttpConnection(HttpUrl url, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // `path` is appended to the URL's base path ("/v2/health/ready").
  HttpReply request(const std::string& method, const std::string& path,
                    const std::string& body = {},
                    const std::string& content_type = "application/json");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// One request on a fresh connection.
HttpReply http_request(const std::string& url, const std::string& method, const std::string& path,
                       const std::string& body = {},
                       std::chrono::milliseconds timeout = std::chrono::seconds(10));

}  // namespace sextant::serving
