// `sextant serve`: the Open Inference Protocol server over the registry's production models.
#include <pthread.h>
#include <signal.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/serving_support.hpp"
#include "engine/api/http_server.hpp"
#include "engine/error.hpp"
#include "engine/store/store.hpp"
#include "serving/registry/model_registry.hpp"
#include "serving/server/oip_service.hpp"

namespace sextant::cli {

int serve_command(const GlobalOptions& global, const ServeOptions& options) {
  auto db_path = engine::resolve_db_path(global.db);
  auto models_dir = options.models_dir.empty() ? default_models_dir(db_path)
                                               : std::filesystem::path(options.models_dir);
  auto [host, port] = parse_listen(options.listen, "--listen");

  // The registry names the production version of each model; it is read again for every load
  // request that names no version, so promotions made meanwhile are seen.
  auto production_version = [db_path](const std::string& model) -> std::optional<int64_t> {
    if (!std::filesystem::exists(db_path)) return std::nullopt;
    auto store = engine::Store::open(db_path, engine::Store::Mode::kReadOnly);
    auto version = serving::ModelRegistry(*store).production(model);
    if (!version) return std::nullopt;
    return version->version;
  };
  serving::ModelTable table;
  serving::OipService service(table, {models_dir, production_version});

  std::vector<std::string> loaded;
  if (std::filesystem::exists(db_path)) {
    std::vector<serving::ModelVersion> production;
    try {
      auto store = engine::Store::open(db_path, engine::Store::Mode::kReadOnly);
      production = serving::ModelRegistry(*store).production_versions();
    } catch (const Error& e) {
      std::fprintf(stderr, "sextant serve: no model registry in %s yet (%s)\n", db_path.c_str(),
                   e.what());
    }
    for (const auto& v : production) {
      try {
        service.load(v.model, v.version);
        loaded.push_back(v.model + " v" + std::to_string(v.version));
      } catch (const Error& e) {
        // One broken model must not keep the others from being served.
        std::fprintf(stderr, "sextant serve: not serving %s version %lld: %s\n", v.model.c_str(),
                     static_cast<long long>(v.version), e.what());
      }
    }
  }

  // Signals are taken by this thread with sigwait(); the server's threads inherit the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  engine::HttpServer server(
      host, port,
      [&service](const engine::HttpRequest& request) { return service.handle(request); },
      options.max_body_bytes, options.threads,
      // The protocol's error shape also for what the server answers itself (413, 400, 431).
      [](int status, std::string_view, const std::string& message) {
        return serving::oip_error(status, message);
      });
  std::string models;
  for (const auto& m : loaded) models += (models.empty() ? "" : ", ") + m;
  std::fprintf(stderr, "sextant serve: listening on http://%s:%u (models dir %s): %s\n",
               host.c_str(), static_cast<unsigned>(server.port()), models_dir.c_str(),
               models.empty() ? "no models yet (sextant promote loads them)" : models.c_str());
  std::fflush(stderr);
  int sig = 0;
  sigwait(&set, &sig);
  std::fprintf(stderr, "sextant serve: stopping\n");
  server.stop();
  return 0;
}

}  // namespace sextant::cli
