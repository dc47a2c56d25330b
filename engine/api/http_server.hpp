// The engine's HTTP/1.1 server: one handler, its own threads, keep-alive, bounded bodies.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <functional>
#include <string>
#include <string_view>

#include "engine/api/http_message.hpp"

namespace sextant::engine {

// Loopback only, unless the user asks for more (DESIGN.md section 3).
inline constexpr const char* kDefaultBindAddress = "127.0.0.1";

// Serves every request with one handler (usually a Router's handle()), on `threads` threads of
// its own, from construction until stop() or destruction.
// - Binds bind_address:port (port 0 picks a free one, see port()); pass kDefaultBindAddress
//   unless the user chose another address.
//   Throws Error(kInvalidArgument) for a bad address, Error(kUnavailable) when it cannot listen.
// - Keep-alive per HTTP/1.1 (and "Connection: close" honoured); "Expect: 100-continue" answered.
// - A request whose body exceeds max_body_bytes gets 413 as soon as its headers show it (the
//   body is never buffered), then the connection is closed. Malformed requests get 400,
//   oversized headers 431; all errors carry {"error":{"code":...,"message":...}}.
// - A handler that throws: sextant::Error maps by code (400/404/409/503/500), anything else 500.
// - Each connection is served by one of the threads (round robin) from accept to close, so a
//   handler that takes long delays the other connections of its thread, not all of them.
// - The handler runs on a server thread; it must not call stop() on its own server.
// The body of an error the server answers itself (413, 431, 400, 500), for protocols whose
// error shape is not the engine's (the Open Inference Protocol's {"error": "..."}).
using HttpErrorFormat =
    std::function<HttpResponse(int status, std::string_view code, const std::string& message)>;

class HttpServer {
 public:
  HttpServer(std::string bind_address, uint16_t port, HttpHandler handler,
             size_t max_body_bytes = 64 * 1024, size_t threads = 4,
             HttpErrorFormat error_format = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  // Closes the listener and every connection, waits for running handlers. Idempotent.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::engine
