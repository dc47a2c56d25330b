// The bench's load generator: one keep-alive HTTP/1.1 connection with the request bytes built
// once, as wrk-style tools do, so that the latency measured is the server's and the kernel's,
// not a general-purpose client's (sextant's own client runs an event loop per call).
#pragma once

#include <cstdint>
#include <string>

namespace sextant::bench {

class LoadConnection {
 public:
  enum class Wait { kBusyPoll, kSleep };
  // Connects to 127.0.0.1:port (TCP_NODELAY); throws std::runtime_error when it cannot.
  // kBusyPoll polls the socket for the answer instead of sleeping in recv(): the load
  // generator's own wake-up (tens of microseconds on an idle VM) is then not counted as the
  // server's time. Only for fewer connections than cores: spinning clients starve the server.
  LoadConnection(uint16_t port, const std::string& method, const std::string& path,
                 const std::string& body, Wait wait);
  ~LoadConnection();
  LoadConnection(const LoadConnection&) = delete;
  LoadConnection& operator=(const LoadConnection&) = delete;

  // Sends the request and reads the whole answer (Content-Length framed); returns the status.
  // Throws std::runtime_error when the connection fails or the answer is not HTTP/1.1.
  int send();
  const std::string& last_body() const { return body_; }

 private:
  int fd_ = -1;
  Wait wait_;
  std::string request_;
  std::string buffer_;  // bytes read past the end of the previous answer (none, in practice)
  std::string body_;
};

}  // namespace sextant::bench
