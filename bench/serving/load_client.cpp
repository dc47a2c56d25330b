// LoadConnection: POSIX sockets, a minimal HTTP/1.1 answer reader (status line, Content-Length).
#include "bench/serving/load_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <strings.h>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace sextant::bench {
namespace {

constexpr int kSpinReads = 200'000;  // about 100 ms of polling before a blocking read

std::runtime_error failure(const std::string& what) {
  return std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

LoadConnection::LoadConnection(uint16_t port, const std::string& method, const std::string& path,
                               const std::string& body, Wait wait)
    : wait_(wait) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw failure("socket");
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw failure("connect to 127.0.0.1:" + std::to_string(port));
  }
  request_ = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!body.empty())
    request_ +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  request_ += "\r\n" + body;
}

LoadConnection::~LoadConnection() {
  if (fd_ >= 0) ::close(fd_);
}

int LoadConnection::send() {
  for (size_t sent = 0; sent < request_.size();) {
    ssize_t n = ::send(fd_, request_.data() + sent, request_.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) throw failure("send");
    sent += static_cast<size_t>(n);
  }
  char chunk[16 * 1024];
  auto read_more = [&] {
    ssize_t n = -1;
    for (int spin = 0; wait_ == Wait::kBusyPoll && spin < kSpinReads && n < 0; ++spin) {
      n = ::recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) break;
    }
    if (n < 0) n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) throw failure("recv (server closed the connection?)");
    buffer_.append(chunk, static_cast<size_t>(n));
  };
  size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) read_more();
  if (buffer_.compare(0, 9, "HTTP/1.1 ") != 0) throw std::runtime_error("not an HTTP/1.1 answer");
  int status = std::atoi(buffer_.c_str() + 9);
  size_t length = 0;
  for (size_t line = buffer_.find("\r\n") + 2; line < header_end;) {
    size_t eol = buffer_.find("\r\n", line);
    if (::strncasecmp(buffer_.c_str() + line, "content-length:", 15) == 0)
      length = std::strtoul(buffer_.c_str() + line + 15, nullptr, 10);
    line = eol + 2;
  }
  size_t total = header_end + 4 + length;
  while (buffer_.size() < total) read_more();
  body_.assign(buffer_, header_end + 4, length);
  buffer_.erase(0, total);
  return status;
}

}  // namespace sextant::bench
