// A minimal blocking HTTP/1.1 client for the bench: GET on a keep-alive loopback connection.
#pragma once

#include <cstdint>
#include <string>

namespace sextant::bench {

struct HttpResult {
  int status = 0;
  std::string body;
};

// One keep-alive connection to 127.0.0.1:port. Reads give up after 30 s (never hangs).
class HttpGetter {
 public:
  explicit HttpGetter(uint16_t port);
  ~HttpGetter();
  HttpGetter(const HttpGetter&) = delete;
  HttpGetter& operator=(const HttpGetter&) = delete;

  // Throws std::runtime_error on a broken connection or a response it cannot frame.
  HttpResult get(const std::string& target);

 private:
  bool fill();
  int fd_ = -1;
  std::string pending_;
};

}  // namespace sextant::bench
