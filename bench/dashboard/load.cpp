// The experiment page's data load at scale: the API calls the dashboard makes when it opens an
// experiment (summary, all trials, all learning curves, importance), over loopback against the
// engine's own HTTP server, median of N runs; and the live page's incremental poll.
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "bench/common/replay_support.hpp"
#include "bench/common/report_text.hpp"
#include "bench/dashboard/http_get.hpp"
#include "engine/api/http_server.hpp"
#include "engine/api/rest_api.hpp"
#include "engine/api/router.hpp"

namespace {

using namespace sextant;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Sample {
  double ms = 0;
  size_t bytes = 0;
};

// Every page of a paged route, as the page fetches it (after=next until more is false).
Sample fetch_pages(uint16_t port, const std::string& base, int64_t after, int64_t limit) {
  bench::HttpGetter http(port);
  Sample s;
  auto t0 = Clock::now();
  for (;;) {
    auto r = http.get(base + (base.find('?') == std::string::npos ? "?" : "&") +
                      "after=" + std::to_string(after) + "&limit=" + std::to_string(limit));
    if (r.status != 200) throw std::runtime_error(base + ": HTTP " + std::to_string(r.status));
    s.bytes += r.body.size();
    // The API writes "next" and "more" first: read them without parsing the page (the bench
    // measures the server and the transfer; the browser's JSON.parse is not in these numbers).
    auto head = json::parse(r.body.substr(0, r.body.find(",\"experiment\"")) + "}");
    after = head["next"].get<int64_t>();
    if (!head["more"].get<bool>()) break;
  }
  s.ms = ms_since(t0);
  return s;
}

Sample fetch_one(uint16_t port, const std::string& target) {
  bench::HttpGetter http(port);
  auto t0 = Clock::now();
  auto r = http.get(target);
  if (r.status != 200) throw std::runtime_error(target + ": HTTP " + std::to_string(r.status));
  return {ms_since(t0), r.body.size()};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sextant-dashboard-load: the experiment page's API calls over loopback"};
  std::string db, name = "demo";
  int runs = 7;
  int64_t limit = 20000;
  app.add_option("--db", db, "database (sextant-seed-dashboard makes one)")->required();
  app.add_option("--experiment", name, "experiment name");
  app.add_option("--runs", runs, "runs (the median is reported)");
  app.add_option("--limit", limit, "trials per page (the page asks for 20000)");
  CLI11_PARSE(app, argc, argv);

  engine::RestApi api(db);
  engine::Router router;
  api.add_routes(router);
  engine::HttpServer server("127.0.0.1", 0,
                            [&](const engine::HttpRequest& r) { return router.handle(r); });
  uint16_t port = server.port();
  const std::string base = "/api/v1/experiments/" + name;
  auto summary = json::parse(bench::HttpGetter(port).get(base).body);
  std::string metric = summary["objective"]["metric"];
  int64_t total = summary["trials"]["total"];

  std::vector<double> t_summary, t_trials, t_curves, t_importance, t_first, t_total, t_list, t_poll;
  Sample trials_bytes, curves_bytes, importance_bytes, poll_bytes;
  for (int run = 0; run < runs; ++run) {
    auto t0 = Clock::now();
    auto s = fetch_one(port, base);
    t_summary.push_back(s.ms);
    // The page fetches the trials and the curves at the same time.
    Sample tr, cu;
    std::thread trials([&] { tr = fetch_pages(port, base + "/trials", 0, limit); });
    std::thread curves(
        [&] { cu = fetch_pages(port, base + "/observations?metric=" + metric, 0, limit); });
    trials.join();
    curves.join();
    t_trials.push_back(tr.ms);
    t_curves.push_back(cu.ms);
    t_first.push_back(ms_since(t0));
    auto imp = fetch_one(port, base + "/importance?states=Succeeded,EarlyStopped&top=100");
    t_importance.push_back(imp.ms);
    t_total.push_back(ms_since(t0));
    trials_bytes = tr, curves_bytes = cu, importance_bytes = imp;

    t_list.push_back(fetch_one(port, "/api/v1/experiments").ms);
    // A live page's poll: the summary, and trials and curves after the completed prefix (here
    // the last 8 trials are re-read, as if they were still running).
    auto p0 = Clock::now();
    fetch_one(port, base);
    auto pt = fetch_pages(port, base + "/trials", std::max<int64_t>(0, total - 8), limit);
    auto pc = fetch_pages(port, base + "/observations?metric=" + metric,
                          std::max<int64_t>(0, total - 8), limit);
    t_poll.push_back(ms_since(p0));
    poll_bytes.bytes = pt.bytes + pc.bytes;
  }

  std::printf(
      "dashboard data load: experiment \"%s\", %lld trials, %d runs, pages of %lld trials\n",
      name.c_str(), static_cast<long long>(total), runs, static_cast<long long>(limit));
  std::printf("machine: %s\n\n", bench::machine_description().c_str());
  auto row = [](const char* what, const std::vector<double>& v, size_t bytes) {
    std::printf("%s %s %s\n", bench::pad(what, 46, true).c_str(),
                bench::pad(bench::median_iqr(v, "%.0f"), 22).c_str(),
                bytes ? bench::pad(bench::format("%.2f MB", bytes / 1e6), 10).c_str() : "");
  };
  std::printf("%s %s %s\n",
              bench::pad("request (loopback, same server as sextant run)", 46, true).c_str(),
              bench::pad("ms median [IQR]", 22).c_str(), bench::pad("body", 10).c_str());
  row("GET experiment summary", t_summary, 0);
  row("GET trials, all pages", t_trials, trials_bytes.bytes);
  row("GET observations (objective), all pages", t_curves, curves_bytes.bytes);
  row("  first paint data (summary + both, parallel)", t_first, 0);
  row("GET importance (PED-ANOVA over all trials)", t_importance, importance_bytes.bytes);
  row("  experiment page, everything", t_total, 0);
  row("GET experiments list", t_list, 0);
  row("live poll (summary + tail after prefix)", t_poll, poll_bytes.bytes);
  double page = bench::median(t_total);
  std::printf("\nexperiment page data: %.0f ms median = %.2f x the 1 s budget (%s)\n", page,
              page / 1000.0, page < 1000 ? "within" : "OVER");
  return 0;
}
