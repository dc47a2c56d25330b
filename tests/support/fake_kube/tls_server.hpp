// The fake API server's HTTPS transport: a thread per connection, keep-alive, chunked streams,
// and a listener that can go away and come back on the same port. Beast stays in the .cpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "tests/support/fake_kube/tls_material.hpp"

namespace sextant::testing {

struct FakeHttpRequest {
  std::string method;
  std::string target;                          // path and query as sent
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string client_certificate_cn;
};

// Writes the chunks of a streamed (chunked) response; false once the client is gone or the
// server is stopping, after which the streamer should return.
class ChunkWriter {
 public:
  virtual ~ChunkWriter() = default;
  virtual bool write(std::string_view data) = 0;
  virtual bool open() const = 0;
};

struct FakeHttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::map<std::string, std::string> headers;
  std::string body;
  // When set, the answer is a chunked stream produced by this function (body is ignored).
  std::function<void(ChunkWriter&)> streamer;
};

using FakeHttpHandler = std::function<FakeHttpResponse(const FakeHttpRequest&)>;

class TlsServer {
 public:
  TlsServer(const TlsMaterial& material, FakeHttpHandler handler);
  ~TlsServer();
  // Listens on 127.0.0.1:port (0 = a free one; later calls reuse the first port).
  void start(uint16_t port);
  // Closes the listener and every connection (streams end), waits for their threads.
  void stop();
  uint16_t port() const;
  // TCP connections accepted so far (keep-alive tests).
  size_t accepted() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::testing
