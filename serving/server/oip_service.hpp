// The Open Inference Protocol v2 REST API over a ModelTable, plus its model repository extension.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "engine/api/http_message.hpp"
#include "engine/api/router.hpp"
#include "serving/server/model_table.hpp"

namespace sextant::serving {

inline constexpr const char* kServerName = "sextant";
inline constexpr const char* kServerVersion = "0.1.0";

struct OipOptions {
  // The model repository: version V of model M is the directory <models_dir>/M/V.
  std::filesystem::path models_dir;
  // The version to load when a load request names none (the registry's production version);
  // may be empty.
  std::function<std::optional<int64_t>(const std::string& model)> default_version;
};

// Routes (KServe / Triton compatible; kubernetes-and-serving.md section 4.5):
//   GET  /v2                                       server metadata
//   GET  /v2/health/live, /v2/health/ready          200 {"live": true} / {"ready": true}
//   GET  /v2/models/{m}[/versions/{v}]             model metadata
//   GET  /v2/models/{m}[/versions/{v}]/ready       200 {"name", "ready": true}; 404 if not served
//   POST /v2/models/{m}[/versions/{v}]/infer       inference
//   POST /v2/repository/index                      [{"name", "version", "state"}]
//   POST /v2/repository/models/{m}/load            body {"parameters": {"version": "3"}}
//   (optional):
//                                                  load, smoke-test, swap in; 200 with the model
//   POST /v2/repository/models/{m}/unload
// Errors are {"error": "<message>"}: 404 unknown model or version, 400 bad request (wrong shape
// or datatype, with what the model expects), 500 when the model fails. (Bodies over the
// server's limit get 413 from HttpServer before they reach this class.)
// Thread-safe; loads are serialized, inference never waits for a load.
class OipService {
 public:
  OipService(ModelTable& table, OipOptions options);

  engine::HttpResponse handle(const engine::HttpRequest& request) const {
    return router_.handle(request);
  }

  // Loads <models_dir>/<name>/<version>, runs the smoke inference, then swaps it in. Throws
  // Error(kNotFound) when the directory is absent, Error(kInvalidArgument) when the model is
  // refused; the version being served then stays.
  std::shared_ptr<const LoadedModel> load(const std::string& name, int64_t version);

 private:
  engine::HttpResponse infer(const engine::HttpRequest& request, const LoadedModel& model) const;
  std::shared_ptr<const LoadedModel> find(const engine::RouteParams& params) const;

  ModelTable& table_;
  OipOptions options_;
  std::mutex load_mutex_;
  engine::Router router_;
};

// {"error": message} with `status`: the protocol's error body.
engine::HttpResponse oip_error(int status, const std::string& message);

}  // namespace sextant::serving
