// An in-process `sextant serve`: a model repository in a temporary directory, the OIP service,
// the engine's HttpServer on a free loopback port, and a keep-alive client.
#pragma once

#include <memory>

#include "engine/api/http_server.hpp"
#include "serving/http/http_client.hpp"
#include "serving/server/oip_service.hpp"
#include "tests/serving/model_fixtures.hpp"

namespace sextant::testing {

struct ServerFixture {
  TempDir dir;
  serving::ModelTable table;
  std::unique_ptr<serving::OipService> service;
  std::unique_ptr<engine::HttpServer> server;

  explicit ServerFixture(size_t max_body_bytes = 1024 * 1024) {
    service = std::make_unique<serving::OipService>(table, serving::OipOptions{dir / "models", {}});
    server = std::make_unique<engine::HttpServer>(
        "127.0.0.1", 0, [this](const engine::HttpRequest& r) { return service->handle(r); },
        max_body_bytes, 4, [](int status, std::string_view, const std::string& message) {
          return serving::oip_error(status, message);
        });
  }

  std::filesystem::path version_dir(const std::string& model, int version) const {
    return dir / "models" / model / std::to_string(version);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(server->port()); }
  serving::HttpConnection client() const {
    return serving::HttpConnection(serving::parse_http_url(url()));
  }
};

inline nlohmann::json body_of(const serving::HttpReply& reply) {
  return nlohmann::json::parse(reply.body);
}

}  // namespace sextant::testing
