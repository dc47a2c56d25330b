// The dashboard's REST API, every route, over a small seeded database (through the Router, as
// the server calls it), plus the static files and the HTML report builder.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/api/dashboard_assets.hpp"
#include "engine/api/html_report.hpp"
#include "engine/api/rest_api.hpp"
#include "engine/api/router.hpp"
#include "engine/controller/experiment_status.hpp"
#include "engine/controller/metrics_summary.hpp"
#include "engine/store/store.hpp"
#include "tests/engine/spec_test_support.hpp"

using namespace sextant;
using namespace sextant::engine;
using nlohmann::json;

namespace {

struct Fixture {
  std::filesystem::path dir;
  std::filesystem::path db;
  ExperimentSpec spec;

  Fixture() {
    char tmpl[] = "/tmp/sextant-restapi-XXXXXX";
    dir = mkdtemp(tmpl);
    db = dir / "api.db";
    spec = spec_test::parse(spec_test::kValidSpec);
    auto store = Store::open(db, Store::Mode::kReadWrite);
    ExperimentRecord record{"demo",  spec.document,           {},  "exp.yaml",
                            "/code", (dir / "runs").string(), 100, 100};
    ExperimentStatus status;
    status.start_time = 100;
    status.set_condition("Running", true, "ExperimentRunning", "Experiment is running", 100);
    record.status = status.to_json();
    store->insert_experiment(record);
    store->add_event("demo", "", "ExperimentCreated", "created from exp.yaml");
    // 1 Succeeded 0.5, 2 Succeeded 0.2 (best), 3 EarlyStopped 0.9, 4 Failed, 5 Running.
    struct Row {
      TrialState state;
      std::vector<double> losses;
      const char* lr;
      const char* batch;
      const char* opt;
    };
    std::vector<Row> rows = {{TrialState::kSucceeded, {0.9, 0.5}, "0.01", "16", "sgd"},
                             {TrialState::kSucceeded, {0.7, 0.3, 0.2}, "0.02", "32", "adam"},
                             {TrialState::kEarlyStopped, {1.2, 0.9}, "0.03", "48", "sgd"},
                             {TrialState::kFailed, {}, "0.04", "64", "adam"},
                             {TrialState::kRunning, {0.8}, "0.05", "80", "sgd"}};
    for (size_t i = 0; i < rows.size(); ++i) {
      Trial t;
      t.experiment = "demo";
      t.sequence = static_cast<int64_t>(i + 1);
      t.name = "demo-t" + std::to_string(i + 1);
      t.assignment = {{"lr", rows[i].lr}, {"batch", rows[i].batch}, {"optimizer", rows[i].opt}};
      t.state = rows[i].state;
      t.message = t.state == TrialState::kFailed ? "exit status 1 </script><b>" : "";
      t.created_at = 100 + i;
      t.started_at = 101 + i;
      if (t.state != TrialState::kRunning) t.completed_at = 110 + i;
      std::vector<ObservationPoint> points;
      for (size_t s = 0; s < rows[i].losses.size(); ++s) {
        points.push_back(
            {t.name, "loss", static_cast<int64_t>(s + 1), std::to_string(rows[i].losses[s]), 0});
        points.push_back({t.name, "accuracy", static_cast<int64_t>(s + 1), "0.5", 0});
      }
      t.observation = summarize(spec.objective, points);
      derive_objective(spec.objective, t);
      t.runner_handle = i == 0 ? "kube:batch/v1:Job:team-a:demo-t1" : "pid:123";
      store->insert_trial(t);
      store->put_observations(points);
      store->add_event("demo", t.name, "Running", "Trial is running");
      if (t.state != TrialState::kRunning)
        store->add_event("demo", t.name, to_string(t.state), "done");
    }
    std::filesystem::create_directories(dir / "runs/demo/demo-t2");
    std::ofstream(dir / "runs/demo/demo-t2/trial.log") << "epoch 1\nloss=0.3\nloss=0.2\n";
  }
  ~Fixture() { std::filesystem::remove_all(dir); }
};

HttpResponse get(const Router& router, const std::string& url) {
  HttpRequest r;
  r.method = "GET";
  auto q = url.find('?');
  r.target = url.substr(0, q);
  if (q != std::string::npos) r.query = url.substr(q + 1);
  return router.handle(r);
}

json get_json(const Router& router, const std::string& url, int status = 200) {
  auto r = get(router, url);
  INFO(url << " -> " << r.status << " " << r.body);
  REQUIRE(r.status == status);
  REQUIRE(r.content_type == "application/json");
  return json::parse(r.body);
}

}  // namespace

TEST_CASE("GET /api/v1/experiments lists the experiment with counts by state and the best trial",
          "[unit]") {
  Fixture f;
  RestApi api(f.db);
  Router router;
  api.add_routes(router);
  auto body = get_json(router, "/api/v1/experiments");
  REQUIRE(body["experiments"].size() == 1);
  const auto& e = body["experiments"][0];
  CHECK(e["name"] == "demo");
  CHECK(e["status"] == "Running");
  CHECK(e["algorithm"] == "random");
  CHECK(e["objective"]["type"] == "minimize");
  CHECK(e["objective"]["metric"] == "loss");
  CHECK(e["objective"]["strategies"]["loss"] == "min");
  CHECK(e["trials"]["total"] == 5);
  CHECK(e["trials"]["Succeeded"] == 2);
  CHECK(e["trials"]["EarlyStopped"] == 1);
  CHECK(e["trials"]["Failed"] == 1);
  CHECK(e["trials"]["Running"] == 1);
  CHECK(e["best"]["trial"] == "demo-t2");
  CHECK(e["best"]["value"].get<double>() == Approx(0.2));
  CHECK(e["best"]["parameters"]["optimizer"] == "adam");
  CHECK(e["maxTrialCount"] == 12);
}

TEST_CASE("GET /api/v1/experiments/{name} adds parameters, conditions and the spec, 404 otherwise",
          "[unit]") {
  Fixture f;
  RestApi api(f.db);
  Router router;
  api.add_routes(router);
  auto e = get_json(router, "/api/v1/experiments/demo");
  REQUIRE(e["parameters"].size() == 3);
  CHECK(e["parameters"][0]["name"] == "lr");
  CHECK(e["parameters"][0]["log"] == false);
  CHECK(e["parameters"][0]["min"].get<double>() == Approx(0.01));
  CHECK(e["parameters"][1]["step"].get<double>() == Approx(16));
  CHECK(e["parameters"][2]["list"] == json::array({"sgd", "adam"}));
  CHECK(e["conditions"][0]["type"] == "Running");
  CHECK(e["spec"]["kind"] == "Experiment");

  auto missing = get_json(router, "/api/v1/experiments/nope", 404);
  CHECK(missing["error"]["code"] == "not_found");
  CHECK(missing["error"]["message"].get<std::string>().find("\"nope\"") != std::string::npos);
}

TEST_CASE("GET .../trials pages by sequence with after and limit", "[unit]") {
  Fixture f;
  RestApi api(f.db);
  Router router;
  api.add_routes(router);
  auto first = get_json(router, "/api/v1/experiments/demo/trials?after=0&limit=2");
  CHECK(first["parameters"] == json::array({"lr", "batch", "optimizer"}));
  REQUIRE(first["trials"].size() == 2);
  CHECK(first["trials"][0]["seq"] == 1);
  CHECK(first["trials"][1]["name"] == "demo-t2");
  CHECK(first["trials"][1]["values"] == json::array({"0.02", "32", "adam"}));
  CHECK(first["trials"][1]["objective"].get<double>() == Approx(0.2));
  CHECK(first["next"] == 2);
  CHECK(first["more"] == true);

  auto rest = get_json(router, "/api/v1/experiments/demo/trials?after=2&limit=10");
  REQUIRE(rest["trials"].size() == 3);
  CHECK(rest["trials"][0]["state"] == "EarlyStopped");
  CHECK(rest["trials"][1]["objective"].is_null());  // Failed: no objective
  CHECK(rest["trials"][2]["state"] == "Running");
  CHECK(rest["trials"][2]["completedAt"] == 0);
  CHECK(rest["next"] == 5);
  CHECK(rest["more"] == false);

  auto none = get_json(router, "/api/v1/experiments/demo/trials?after=5");
  CHECK(none["trials"].empty());
  CHECK(none["next"] == 5);

  auto bad = get_json(router, "/api/v1/experiments/demo/trials?limit=0", 400);
  CHECK(bad["error"]["code"] == "invalid_argument");
  CHECK(bad["error"]["field"] == "limit");
  get_json(router, "/api/v1/experiments/demo/trials?after=x", 400);
  get_json(router, "/api/v1/experiments/nope/trials", 404);
}

TEST_CASE("GET .../observations gives each trial's curve, by metric, in sequence pages", "[unit]") {
  Fixture f;
  RestApi api(f.db);
  Router router;
  api.add_routes(router);
  auto page = get_json(router, "/api/v1/experiments/demo/observations?metric=loss&after=0&limit=2");
  REQUIRE(page["series"].size() == 2);
  CHECK(page["series"][1]["trial"] == "demo-t2");
  CHECK(page["series"][1]["seq"] == 2);
  CHECK(page["series"][1]["metric"] == "loss");
  CHECK(page["series"][1]["steps"] == json::array({1, 2, 3}));
  CHECK(page["series"][1]["values"][2].get<double>() == Approx(0.2));
  CHECK(page["next"] == 2);
  CHECK(page["more"] == true);

  auto rest = get_json(router, "/api/v1/experiments/demo/observations?metric=loss&after=2");
  // Trial 4 failed before reporting: trials 3 and 5 only.
  REQUIRE(rest["series"].size() == 2);
  CHECK(rest["series"][0]["trial"] == "demo-t3");
  CHECK(rest["series"][1]["trial"] == "demo-t5");
  CHECK(rest["more"] == false);

  auto all_metrics = get_json(router, "/api/v1/experiments/demo/observations?after=1&limit=1");
  REQUIRE(all_metrics["series"].size() == 2);  // demo-t2: accuracy and loss
  CHECK(all_metrics["series"][0]["metric"] == "accuracy");
  CHECK(all_metrics["series"][1]["metric"] == "loss");
  get_json(router, "/api/v1/experiments/demo/observations?limit=-1", 400);
}

TEST_CASE("GET .../importance states PED-ANOVA and honours the state filter", "[unit]") {
  Fixture f;
  RestApi api(f.db);
  Router router;
  api.add_routes(router);
  auto imp = get_json(router, "/api/v1/experiments/demo/importance");
  CHECK(imp["method"] == "PED-ANOVA");
  CHECK(imp["description"].get<std::string>().find("Pearson divergence") != std::string::npos);
  CHECK(imp["trialsUsed"] == 3);  // Succeeded and EarlyStopped with an objective
  CHECK(imp["importances"].size() == 3);
  CHECK(imp["region"]["topPercent"] == 100);

  auto succeeded = get_json(router, "/api/v1/experiments/demo/importance?states=Succeeded");
  CHECK(succeeded["trialsUsed"] == 2);
  CHECK_FALSE(succeeded["note"].get<std::string>().empty());  // too few for PED-ANOVA

  auto bad = get_json(router, "/api/v1/experiments/demo/importance?states=Done", 400);
  CHECK(bad["error"]["field"] == "states");
  get_json(router, "/api/v1/experiments/demo/importance?top=0", 400);
}

TEST_CASE("GET .../events lists the experiment's events after an id", "[unit]") {
  Fixture f;
  RestApi api(f.db);
  Router router;
  api.add_routes(router);
  auto all = get_json(router, "/api/v1/experiments/demo/events");
  REQUIRE(all["events"].size() == 10);  // created, 5 Running, 4 completions
  CHECK(all["events"][0]["type"] == "ExperimentCreated");
  int64_t third = all["events"][2]["id"];
  auto after = get_json(router, "/api/v1/experiments/demo/events?after=" + std::to_string(third));
  CHECK(after["events"].size() == 7);
  CHECK(after["events"][0]["id"] == third + 1);
}

TEST_CASE(
    "GET /api/v1/trials/{name} gives metrics with strategies, the Katib object and the cluster "
    "object",
    "[unit]") {
  Fixture f;
  RestApi api(f.db);
  Router router;
  api.add_routes(router);
  auto t = get_json(router, "/api/v1/trials/demo-t2");
  CHECK(t["experiment"] == "demo");
  CHECK(t["trial"]["state"] == "Succeeded");
  REQUIRE(t["metrics"].size() == 2);
  CHECK(t["metrics"][0]["name"] == "loss");
  CHECK(t["metrics"][0]["objective"] == true);
  CHECK(t["metrics"][0]["strategy"] == "min");
  CHECK(std::stod(t["metrics"][0]["value"].get<std::string>()) == Approx(0.2));
  CHECK(std::stod(t["metrics"][0]["latest"].get<std::string>()) == Approx(0.2));
  CHECK(t["metrics"][1]["name"] == "accuracy");
  CHECK(t["metrics"][1]["strategy"] == "min");  // Katib: the objective type's strategy by default
  CHECK(t["katib"]["kind"] == "Trial");
  CHECK(t["kubernetes"].is_null());

  auto k = get_json(router, "/api/v1/trials/demo-t1");
  CHECK(k["kubernetes"] == json({{"apiVersion", "batch/v1"},
                                 {"kind", "Job"},
                                 {"namespace", "team-a"},
                                 {"name", "demo-t1"}}));

  auto failed = get_json(router, "/api/v1/trials/demo-t4");
  CHECK(failed["metrics"][0]["value"] == "unavailable");
  get_json(router, "/api/v1/trials/nope", 404);
}

TEST_CASE("GET /api/v1/trials/{name}/observations, /events, /log and /object", "[unit]") {
  Fixture f;
  RestApi api(f.db, [](const ExperimentSpec& spec, const Trial& t) {
    return json{{"kind", "Job"},
                {"metadata", {{"name", t.name}, {"namespace", spec.namespace_name}}}};
  });
  Router router;
  api.add_routes(router);
  auto obs = get_json(router, "/api/v1/trials/demo-t2/observations");
  REQUIRE(obs["series"].size() == 2);
  CHECK(obs["series"][1]["values"].size() == 3);

  auto ev = get_json(router, "/api/v1/trials/demo-t2/events");
  REQUIRE(ev["events"].size() == 2);
  CHECK(ev["events"][0]["type"] == "Running");
  CHECK(ev["events"][1]["type"] == "Succeeded");

  auto log = get(router, "/api/v1/trials/demo-t2/log");
  CHECK(log.status == 200);
  CHECK(log.content_type.rfind("text/plain", 0) == 0);
  CHECK(log.body == "epoch 1\nloss=0.3\nloss=0.2\n");
  // The tail starts at a whole line.
  CHECK(get(router, "/api/v1/trials/demo-t2/log?tail=12").body == "loss=0.2\n");
  CHECK(get(router, "/api/v1/trials/demo-t3/log").body.empty());  // no log file yet
  CHECK(get(router, "/api/v1/trials/nope/log").status == 404);

  auto object = get_json(router, "/api/v1/trials/demo-t2/object");
  CHECK(object["object"]["metadata"]["name"] == "demo-t2");

  RestApi plain(f.db);
  Router without;
  plain.add_routes(without);
  get_json(without, "/api/v1/trials/demo-t2/object", 404);
}

TEST_CASE("GET /api/v1/models reads the registry, and a database without one has no models",
          "[unit]") {
  Fixture f;
  {
    SQLite::Database db(f.db.string(), SQLite::OPEN_READWRITE);
    if (db.tableExists("models") && db.tableExists("model_versions")) {
      db.exec("INSERT INTO models (name, created_at) VALUES ('digits', 5)");
      db.exec(
          "INSERT INTO model_versions (model, version, experiment, trial, artifact, format, "
          "metrics, stage, created_at, updated_at) VALUES ('digits', 1, 'demo', 'demo-t2', "
          "'/a/1', 'xgboost', '{\"loss\":0.2}', 'production', 6, 6)");
      RestApi api(f.db);
      Router router;
      api.add_routes(router);
      auto m = get_json(router, "/api/v1/models");
      CHECK(m["available"] == true);
      REQUIRE(m["models"].size() == 1);
      CHECK(m["models"][0]["name"] == "digits");
      REQUIRE(m["models"][0]["versions"].size() == 1);
      CHECK(m["models"][0]["versions"][0]["trial"] == "demo-t2");
      CHECK(m["models"][0]["versions"][0]["stage"] == "production");
      CHECK(m["models"][0]["versions"][0]["metrics"]["loss"].get<double>() == Approx(0.2));
      db.exec("DROP TABLE model_versions");
    }
    db.exec("DROP TABLE IF EXISTS models");
  }
  RestApi api(f.db);
  Router router;
  api.add_routes(router);
  auto m = get_json(router, "/api/v1/models");
  CHECK(m["available"] == false);
  CHECK(m["models"].empty());
}

TEST_CASE("the API never writes: a missing database is not created", "[unit]") {
  char tmpl[] = "/tmp/sextant-restapi-XXXXXX";
  std::filesystem::path dir = mkdtemp(tmpl);
  CHECK_THROWS_AS(RestApi(dir / "none.db"), Error);
  CHECK_FALSE(std::filesystem::exists(dir / "none.db"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("optimal_trial_of in SQL picks the trial optimal_trial picks", "[unit]") {
  Fixture f;
  auto store = Store::open(f.db, Store::Mode::kReadOnly);
  auto trials = store->list_trials("demo");
  const Trial* expected = optimal_trial(f.spec.objective, trials);
  auto got = store->optimal_trial_of("demo", false);
  REQUIRE(got);
  REQUIRE(expected);
  CHECK(got->name == expected->name);
  auto max = store->optimal_trial_of("demo", true);
  REQUIRE(max);
  CHECK(max->name == "demo-t3");  // EarlyStopped counts; Running does not
  CHECK(store->list_trials_after("demo", 3, 0).size() == 2);
  CHECK(store->list_trials_after("demo", 0, 1).front().sequence == 1);
  CHECK(store->trial_state_counts("demo").at("Succeeded") == 2);
}

TEST_CASE(
    "dashboard files: / and /assets/{file}, 503 with the reason when the bundle is incomplete",
    "[unit]") {
  const StaticAsset files[] = {{"index.html", "text/html; charset=utf-8", "<html>hi</html>"},
                               {"app.js", "text/javascript; charset=utf-8", "go()"}};
  AssetBundle complete{files, ""};
  Router router;
  add_dashboard_routes(router, complete);
  auto index = get(router, "/");
  CHECK(index.status == 200);
  CHECK(index.body == "<html>hi</html>");
  CHECK(index.content_type == "text/html; charset=utf-8");
  auto js = get(router, "/assets/app.js");
  CHECK(js.body == "go()");
  CHECK(js.content_type.rfind("text/javascript", 0) == 0);
  CHECK(get(router, "/assets/nope.js").status == 404);

  AssetBundle partial{files, "npm was not found when sextant was built"};
  Router broken;
  add_dashboard_routes(broken, partial);
  auto r = get(broken, "/");
  CHECK(r.status == 503);
  CHECK(r.body.find("npm was not found") != std::string::npos);
}

TEST_CASE("the HTML report inlines every file and the data, and nothing can close a script early",
          "[unit]") {
  Fixture f;
  const StaticAsset files[] = {
      {"index.html", "text/html",
       "<html><head><link rel=\"stylesheet\" href=\"assets/style.css\"></head><body>"
       "<!-- sextant:report-data -->\n<script src=\"assets/lib.js\"></script>"
       "<script src=\"assets/app.js\"></script></body></html>"},
      {"style.css", "text/css", "body{color:red}"},
      {"lib.js", "text/javascript", "var s = \"</script>\";"},
      {"app.js", "text/javascript", "draw(window.SEXTANT_REPORT)"}};
  RestApi api(f.db);
  auto data = report_data(api, "demo");
  CHECK(data["trials"].size() == 5);
  CHECK(data["observations"].size() == 4);  // loss curves of trials 1, 2, 3, 5
  CHECK(data["importance"]["method"] == "PED-ANOVA");
  CHECK(data["experiment"]["name"] == "demo");

  auto html = build_html_report(AssetBundle{files, ""}, data);
  CHECK(html.find("src=\"assets/") == std::string::npos);
  CHECK(html.find("href=\"assets/") == std::string::npos);
  CHECK(html.find("body{color:red}") != std::string::npos);
  CHECK(html.find("draw(window.SEXTANT_REPORT)") != std::string::npos);
  CHECK(html.find("window.SEXTANT_REPORT = {") != std::string::npos);
  // Exactly the three script elements close: lib.js's string and the failed trial's message
  // ("</script><b>") are escaped.
  size_t closes = 0;
  for (size_t at = 0; (at = html.find("</script>", at)) != std::string::npos; ++at) ++closes;
  CHECK(closes == 3);
  CHECK(html.find("\\u003c/script>\\u003cb>") != std::string::npos);

  AssetBundle partial{files, "npm ci failed"};
  CHECK_THROWS_WITH(build_html_report(partial, data), Catch::Contains("npm ci failed"));
}
