// `sextant dashboard`: serves the web dashboard and its REST API from the database alone,
// read-only, until Ctrl-C; and `sextant report EXPERIMENT -o report.html`.
#include <signal.h>

#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/dashboard_wiring.hpp"
#include "dashboard/embedded_assets.hpp"
#include "engine/api/dashboard_assets.hpp"
#include "engine/api/html_report.hpp"
#include "engine/api/http_server.hpp"
#include "engine/api/rest_api.hpp"
#include "engine/api/router.hpp"
#include "engine/error.hpp"
#include "engine/store/store.hpp"

namespace sextant::cli {
namespace {

std::pair<std::string, uint16_t> parse_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    try {
      size_t used = 0;
      port = std::stoi(listen.substr(colon + 1), &used);
      if (used != listen.size() - colon - 1) port = -1;
    } catch (...) {
    }
  }
  if (colon == std::string::npos || colon == 0 || port < 0 || port > 65535)
    throw Error(ErrorCode::kInvalidArgument,
                "expected HOST:PORT with a port from 0 to 65535, found \"" + listen + "\"",
                "--listen");
  return {listen.substr(0, colon), static_cast<uint16_t>(port)};
}

}  // namespace

int dashboard_command(const GlobalOptions& global, const DashboardOptions& options) {
  auto db_path = engine::resolve_db_path(global.db);
  auto [host, port] = parse_listen(options.listen);
  engine::RestApi api(db_path, trial_object_renderer());  // a missing database first
  const auto& assets = dashboard::embedded_assets();
  engine::require_complete(assets);
  engine::Router router;
  api.add_routes(router);
  engine::add_dashboard_routes(router, assets);

  // Signals are taken by sigwait below, never by a handler; block them before the server's
  // threads start so that every thread inherits the mask.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  signal(SIGPIPE, SIG_IGN);

  engine::HttpServer server(host, port,
                            [&router](const engine::HttpRequest& r) { return router.handle(r); });
  std::string shown_host = host == "0.0.0.0" || host == "::" ? "localhost" : host;
  if (shown_host.find(':') != std::string::npos) shown_host = "[" + shown_host + "]";
  // The URL is the command's output (stdout, flushed at once so that a script can read it).
  std::cout << "http://" << shown_host << ":" << server.port() << "/" << std::endl;
  std::fprintf(stderr, "sextant dashboard: serving %s read-only; Ctrl-C to stop\n",
               db_path.c_str());
  int sig = 0;
  sigwait(&set, &sig);
  server.stop();
  return 0;
}

int html_report_command(const GlobalOptions& global, const std::string& experiment,
                        const std::string& output_file) {
  engine::RestApi api(engine::resolve_db_path(global.db));
  const auto& assets = dashboard::embedded_assets();
  engine::require_complete(assets);
  auto html = engine::build_html_report(assets, engine::report_data(api, experiment));
  std::ofstream out(output_file, std::ios::binary | std::ios::trunc);
  if (!out) throw Error(ErrorCode::kInvalidArgument, "cannot write " + output_file, "-o");
  out << html;
  out.close();
  if (!out) throw Error(ErrorCode::kUnavailable, "writing " + output_file + " failed");
  std::fprintf(stderr, "wrote %s (%zu KiB): the experiment page of %s, self-contained\n",
               output_file.c_str(), html.size() / 1024, experiment.c_str());
  return 0;
}

}  // namespace sextant::cli
