// End-to-end: the dashboard API served by `sextant run` (live, seen from inside a trial) and by
// `sextant dashboard` (from the database alone), and `sextant report EXPERIMENT -o file.html`.
#include <ifaddrs.h>
#include <net/if.h>

#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/free_port.hpp"
#include "tests/e2e/run_support.hpp"
#include "tests/engine/http_test_client.hpp"

using nlohmann::json;
using namespace sextant::testing;

namespace {

// GET with retries while the server starts (10 s at most).
RawResponse get_when_up(uint16_t port, const std::string& target) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    try {
      return http_request(port, "GET", target);
    } catch (const std::exception&) {
      if (std::chrono::steady_clock::now() > deadline) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

Ran three_trials(const TempDir& dir) {
  SpecOptions o;
  o.name = "dash";
  o.max_trials = 3;
  o.parallel = 1;
  // Each trial asks the engine's own server for itself while it runs: the dashboard API is live
  // during `sextant run`.
  o.command = {"/bin/sh", "-c",
               "curl -s -o \"seen-$SEXTANT_TRIAL.json\" \"$SEXTANT_REPORT_URL/api/v1/trials/"
               "$SEXTANT_TRIAL\"; echo loss=${trialParameters.x}"};
  return run_spec(dir, o);
}

}  // namespace

TEST_CASE(
    "during sextant run, the same server answers the dashboard API (a trial sees itself Running)",
    "[e2e]") {
  TempDir dir;
  auto r = three_trials(dir);
  INFO(r.run.err);
  REQUIRE(r.run.exit_code == 0);
  CHECK(r.run.err.find("Dashboard: http://127.0.0.1:") != std::string::npos);
  for (const auto& t : r.trials) {
    std::string name = t["metadata"]["name"];
    auto seen = read_text(dir / ("seen-" + name + ".json"));
    INFO(name << ": " << seen);
    REQUIRE_FALSE(seen.empty());
    auto body = json::parse(seen);
    CHECK(body["trial"]["name"] == name);
    // Running, or (when curl was quicker than the engine's own update) still Created: never
    // completed, since the trial is the one asking.
    std::string state = body["trial"]["state"];
    CHECK((state == "Running" || state == "Created"));
    CHECK(body["experiment"] == "dash");
  }
}

TEST_CASE(
    "sextant dashboard serves the pages and the API from the database, read-only, and stops on "
    "SIGTERM",
    "[e2e]") {
  TempDir dir;
  auto r = three_trials(dir);
  REQUIRE(r.run.exit_code == 0);
  auto db = (dir / "test.db").string();
  uint16_t port = free_port();
  std::string listen = "127.0.0.1:" + std::to_string(port);
  Process server({sextant_binary(), "--db", db, "dashboard", "--listen", listen});

  auto list = get_when_up(port, "/api/v1/experiments");
  REQUIRE(list.status == 200);
  auto experiments = json::parse(list.body)["experiments"];
  REQUIRE(experiments.size() == 1);
  CHECK(experiments[0]["name"] == "dash");
  CHECK(experiments[0]["status"] == "Succeeded");
  CHECK(experiments[0]["trials"]["Succeeded"] == 3);

  auto trials = http_request(port, "GET", "/api/v1/experiments/dash/trials?after=1");
  CHECK(json::parse(trials.body)["trials"].size() == 2);
  auto obs = http_request(port, "GET", "/api/v1/experiments/dash/observations?metric=loss");
  CHECK(json::parse(obs.body)["series"].size() == 3);
  auto first = r.trials[0]["metadata"]["name"].get<std::string>();
  auto object = http_request(port, "GET", "/api/v1/trials/" + first + "/object");
  REQUIRE(object.status == 200);
  CHECK(json::parse(object.body)["object"]["kind"] == "Job");
  CHECK(http_request(port, "GET", "/api/v1/trials/" + first + "/log").body.find("loss=") !=
        std::string::npos);
  CHECK(http_request(port, "GET", "/api/v1/models").status == 200);
  CHECK(http_request(port, "GET", "/api/v1/experiments/none").status == 404);
  // Read-only: nothing but GET.
  CHECK(http_request(port, "POST", "/api/v1/experiments", "{}").status == 405);

  auto index = http_request(port, "GET", "/");
  if (index.status == 503) {
    // A build without npm: the page says why instead of failing to draw.
    CHECK(index.body.find("npm") != std::string::npos);
  } else {
    REQUIRE(index.status == 200);
    CHECK(index.headers["content-type"].rfind("text/html", 0) == 0);
    CHECK(index.body.find("assets/app.js") != std::string::npos);
    auto lib = http_request(port, "GET", "/assets/plotly.min.js");
    CHECK(lib.status == 200);
    CHECK(lib.body.size() > 1000000);
  }

  server.signal(SIGTERM);
  auto done = server.wait(std::chrono::seconds(10));
  CHECK(done.exit_code == 0);
  CHECK(done.out == "http://127.0.0.1:" + std::to_string(port) + "/\n");
}

TEST_CASE(
    "sextant report EXPERIMENT -o file.html writes one self-contained file, without -o it says how",
    "[e2e]") {
  TempDir dir;
  auto r = three_trials(dir);
  REQUIRE(r.run.exit_code == 0);
  auto db = (dir / "test.db").string();
  auto html_path = (dir / "report.html").string();
  auto report = run_sextant({"--db", db, "report", "dash", "-o", html_path});
  if (report.exit_code == 1 && report.err.find("not in this build") != std::string::npos) {
    WARN("the dashboard is not in this build (no npm at build time): " << report.err);
    return;
  }
  INFO(report.err);
  REQUIRE(report.exit_code == 0);
  auto html = read_text(html_path);
  CHECK(html.find("window.SEXTANT_REPORT = {") != std::string::npos);
  CHECK(html.find("src=\"assets/") == std::string::npos);
  CHECK(html.find("\"name\":\"dash\"") != std::string::npos);
  CHECK(html.size() > 1000000);  // the chart library is inside

  auto no_file = run_sextant({"--db", db, "report", "dash"});
  CHECK(no_file.exit_code == 2);
  CHECK(no_file.err.find("sextant report dash -o report.html") != std::string::npos);

  auto missing = run_sextant({"--db", db, "report", "nope", "-o", html_path});
  CHECK(missing.exit_code == 3);
  auto no_db =
      run_sextant({"--db", (dir / "none.db").string(), "dashboard", "--listen", "127.0.0.1:0"});
  CHECK(no_db.exit_code == 3);
  CHECK(no_db.err.find("none.db") != std::string::npos);
}

namespace {

// An IPv4 address of this machine beyond loopback ("" when it has none).
std::string outside_address() {
  ifaddrs* all = nullptr;
  if (::getifaddrs(&all) != 0) return "";
  std::string found;
  for (auto* a = all; a && found.empty(); a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != AF_INET || (a->ifa_flags & IFF_LOOPBACK))
      continue;
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
    found = text;
  }
  ::freeifaddrs(all);
  return found;
}

}  // namespace

TEST_CASE("sextant run on a wide --listen keeps the dashboard for this machine unless asked",
          "[e2e]") {
  auto outside = outside_address();
  if (outside.empty()) {
    WARN("skipped: this machine has no IPv4 address beyond loopback to connect from");
    return;
  }
  for (bool open : {false, true}) {
    TempDir dir;
    SpecOptions o;
    o.name = "wide";
    o.max_trials = 1;
    o.parallel = 1;
    o.command = {"/bin/sh", "-c", "sleep 3; echo loss=${trialParameters.x}"};
    auto spec = dir.write("wide.yaml", build_spec(o));
    auto port = free_port();
    std::vector<std::string> argv = {sextant_binary(),
                                     "--db",
                                     (dir / "w.db").string(),
                                     "run",
                                     "-f",
                                     spec,
                                     "--progress",
                                     "none",
                                     "--listen",
                                     "0.0.0.0:" + std::to_string(port)};
    if (open) argv.push_back("--dashboard-public");
    Process run(argv);
    RawResponse local;
    try {
      local = get_when_up(port, "/api/v1/experiments");
    } catch (const std::exception& e) {
      FAIL(e.what() << "; sextant run said: " << run.wait().err);
    }
    CHECK(local.status == 200);
    auto remote = http_request(port, "GET", "/api/v1/experiments", {}, {}, outside);
    if (open) {
      CHECK(remote.status == 200);
    } else {
      CHECK(remote.status == 403);
      CHECK_THAT(remote.body, Catch::Contains("--dashboard-public") && Catch::Contains(outside));
      // Pushes still come from anywhere: they are refused for their token, not their address.
      auto push = http_request(port, "POST", "/api/v1/trials/nobody/metrics", "{}", {}, outside);
      CHECK(push.status != 403);
    }
    CHECK(run.wait(std::chrono::seconds(30)).exit_code == 0);
  }
}
