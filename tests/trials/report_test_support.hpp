// Shared by the report_* tests: a real push server, environment and stdout helpers.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "engine/api/http_server.hpp"
#include "engine/api/push_endpoint.hpp"
#include "tests/engine/http_test_client.hpp"

namespace sextant::testing {

// HttpServer + PushEndpoint with trial "trial-1" (token "tok-1"). `before` may answer a
// request itself (a scripted 503, a slow answer) or return nullopt to let the endpoint serve it.
struct PushServer {
  using Before = std::function<std::optional<engine::HttpResponse>(const engine::HttpRequest&)>;

  explicit PushServer(Before before = {}) : before_(std::move(before)) {}

  RecordingSink sink;
  std::map<std::string, std::string> tokens{{"trial-1", "tok-1"}};
  std::atomic<int> requests = 0;
  engine::PushEndpoint endpoint{[this](const std::string& trial) -> std::optional<std::string> {
                                  auto it = tokens.find(trial);
                                  if (it == tokens.end()) return std::nullopt;
                                  return it->second;
                                },
                                sink};
  Before before_;
  engine::HttpServer server{"127.0.0.1", 0, [this](const engine::HttpRequest& request) {
                              ++requests;
                              if (before_) {
                                if (auto answer = before_(request)) return *answer;
                              }
                              return endpoint.handle(request);
                            }};

  std::string url() const { return "http://127.0.0.1:" + std::to_string(server.port()); }
};

// A port nothing listens on (a server was there a moment ago).
inline uint16_t closed_port() {
  engine::HttpServer server("127.0.0.1", 0,
                            [](const engine::HttpRequest&) { return engine::HttpResponse{}; });
  uint16_t port = server.port();
  server.stop();
  return port;
}

// Sets (value) or unsets (nullopt) environment variables for one scope.
class ScopedEnv {
 public:
  explicit ScopedEnv(const std::map<std::string, std::optional<std::string>>& values) {
    for (const auto& [name, value] : values) {
      const char* old = std::getenv(name.c_str());
      saved_[name] = old ? std::optional<std::string>(old) : std::nullopt;
      set(name, value);
    }
  }
  ~ScopedEnv() {
    for (const auto& [name, value] : saved_) set(name, value);
  }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  static void set(const std::string& name, const std::optional<std::string>& value) {
    if (value) {
      ::setenv(name.c_str(), value->c_str(), 1);
    } else {
      ::unsetenv(name.c_str());
    }
  }
  std::map<std::string, std::optional<std::string>> saved_;
};

// What f() writes to file descriptor 1.
template <class F>
std::string capture_stdout(F f) {
  std::fflush(stdout);
  int saved = ::dup(1);
  std::FILE* file = std::tmpfile();
  ::dup2(::fileno(file), 1);
  try {
    f();
  } catch (...) {
    std::fflush(stdout);
    ::dup2(saved, 1);
    ::close(saved);
    std::fclose(file);
    throw;
  }
  std::fflush(stdout);
  ::dup2(saved, 1);
  ::close(saved);
  std::rewind(file);
  std::string out;
  char buffer[4096];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) out.append(buffer, n);
  std::fclose(file);
  return out;
}

}  // namespace sextant::testing
