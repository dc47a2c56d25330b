// The serving loop with the real binary: tune the XGBoost example, `sextant serve`, promote the
// best trial over HTTP, infer, refuse a corrupt artifact, promote again, roll back.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/e2e/run_support.hpp"
#include "tests/e2e/serve_support.hpp"

using namespace sextant::testing;
using nlohmann::json;

namespace {

std::string served_version(sextant::serving::HttpConnection& c, const std::string& model) {
  auto r = c.request("GET", "/v2/models/" + model);
  return r.status == 200 ? json::parse(r.body)["versions"][0].get<std::string>() : "";
}

}  // namespace

TEST_CASE("serving e2e: tune, serve, promote, infer, refuse a corrupt model, roll back") {
  TempDir dir;
  auto example = std::filesystem::path(SEXTANT_SOURCE_DIR) / "examples" / "xgboost-breast-cancer";
  std::string spec = read_text(example / "xgb-breast-cancer.yaml");
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"maxTrialCount: 12", "maxTrialCount: 3"},
           {"parallelTrialCount: 2", "parallelTrialCount: 3"},
           {"- train_xgb.py", "- " + (example / "train_xgb.py").string()}}) {
    auto at = spec.find(from);
    REQUIRE(at != std::string::npos);
    spec.replace(at, from.size(), to);
  }
  auto db = (dir / "e2e.db").string();
  auto run =
      run_sextant({"--db", db, "run", "-f", dir.write("xgb.yaml", spec), "--progress", "none"});
  REQUIRE(run.exit_code == 0);
  auto trials = json::parse(
      run_sextant({"--db", db, "get", "trials", "xgb-breast-cancer", "-o", "json"}).out);
  REQUIRE(trials.size() == 3);

  // Nothing promoted yet: the server starts empty.
  ServeProcess serve(db);
  const auto& url = serve.url;
  auto& client = serve.client;
  CHECK(client.request("GET", "/v2/models/cancer").status == 404);

  auto dry = run_sextant({"--db", db, "promote", "xgb-breast-cancer", "--model", "cancer",
                          "--server", url, "--dry-run"});
  CHECK(dry.exit_code == 0);
  CHECK_THAT(dry.out,
             Catch::Contains("1. copy ") && Catch::Contains("/v2/repository/models/cancer/load"));
  CHECK(json::parse(run_sextant({"--db", db, "models", "list", "-o", "json"}).out).empty());
  CHECK(client.request("GET", "/v2/models/cancer").status == 404);

  auto promoted = run_sextant(
      {"--db", db, "promote", "xgb-breast-cancer", "--model", "cancer", "--server", url});
  INFO(promoted.err);
  REQUIRE(promoted.exit_code == 0);
  CHECK(served_version(client, "cancer") == "1");
  auto request = read_text(std::filesystem::path(SEXTANT_SOURCE_DIR) /
                           "examples/xgboost-breast-cancer/request.json");
  auto answer = client.request("POST", "/v2/models/cancer/infer", request);
  REQUIRE(answer.status == 200);
  auto body = json::parse(answer.body);
  CHECK(body["outputs"][1]["data"] == json({"malignant", "benign"}));

  // The best trial is version 1; break another trial's model and try to promote it.
  auto models = json::parse(run_sextant({"--db", db, "models", "get", "cancer", "-o", "json"}).out);
  std::string best = models["versions"][0]["trial"];
  std::vector<std::string> others;
  for (const auto& t : trials)
    if (t["metadata"]["name"] != best) others.push_back(t["metadata"]["name"]);
  REQUIRE(others.size() == 2);
  auto broken = dir / "e2e-runs" / "xgb-breast-cancer" / others[0] / "artifacts" / "model.ubj";
  REQUIRE(std::filesystem::exists(broken));
  std::ofstream(broken, std::ios::trunc) << "corrupt";
  auto refused = run_sextant({"--db", db, "promote", "xgb-breast-cancer", "--model", "cancer",
                              "--trial", others[0], "--server", url});
  CHECK(refused.exit_code == 2);
  CHECK_THAT(refused.err, Catch::Contains("refused version 2 of cancer") &&
                              Catch::Contains("the registry is unchanged"));
  CHECK(served_version(client, "cancer") == "1");
  models = json::parse(run_sextant({"--db", db, "models", "get", "cancer", "-o", "json"}).out);
  CHECK(models["versions"].size() == 1);
  CHECK(models["promotions"].back()["result"] == "failed");

  // A good second version, then back to the first.
  REQUIRE(run_sextant({"--db", db, "promote", "xgb-breast-cancer", "--model", "cancer", "--trial",
                       others[1], "--server", url})
              .exit_code == 0);
  CHECK(served_version(client, "cancer") == "2");
  auto list = json::parse(run_sextant({"--db", db, "models", "list", "-o", "json"}).out);
  CHECK(list[0]["production"]["version"] == 2);
  auto back = run_sextant({"--db", db, "rollback", "cancer", "--server", url});
  INFO(back.err);
  REQUIRE(back.exit_code == 0);
  CHECK(served_version(client, "cancer") == "1");
  models = json::parse(run_sextant({"--db", db, "models", "get", "cancer", "-o", "json"}).out);
  CHECK(models["versions"][0]["stage"] == "archived");    // version 2
  CHECK(models["versions"][1]["stage"] == "production");  // version 1
  auto table = run_sextant({"--db", db, "models", "get", "cancer"});
  CHECK_THAT(table.out, Catch::Contains("VERSION") && Catch::Contains("production"));

  // An unreachable server: a clear error, and the registry stays as it was.
  auto nowhere = "http://127.0.0.1:" + std::to_string(free_port());
  auto unreachable = run_sextant(
      {"--db", db, "promote", "xgb-breast-cancer", "--model", "cancer", "--server", nowhere});
  CHECK(unreachable.exit_code == 1);
  CHECK_THAT(unreachable.err, Catch::Contains("cannot reach " + nowhere));
  models = json::parse(run_sextant({"--db", db, "models", "get", "cancer", "-o", "json"}).out);
  CHECK(models["versions"].size() == 2);
  CHECK(models["versions"][1]["stage"] == "production");

  // A restarted server loads the production version from the registry by itself.
  serve.process.signal(SIGTERM);
  auto stopped = serve.process.wait(std::chrono::seconds(10));
  CHECK(stopped.exit_code == 0);
  ServeProcess again(db, serve.port);
  CHECK(served_version(again.client, "cancer") == "1");
  again.process.signal(SIGTERM);
  CHECK(again.process.wait(std::chrono::seconds(10)).exit_code == 0);
}

TEST_CASE("serving e2e: unknown experiments and models exit 3") {
  TempDir dir;
  auto db = (dir / "dry.db").string();
  auto missing = run_sextant({"--db", db, "promote", "nope"});
  CHECK(missing.exit_code == 3);
  CHECK_THAT(missing.err, Catch::Contains("no database at"));
  REQUIRE(run_sextant({"--db", db, "models", "list"}).exit_code == 3);
}

TEST_CASE("serving e2e: --artifact-prefix records cluster artifact URIs that a KServe plan uses") {
  TempDir dir;
  auto example = std::filesystem::path(SEXTANT_SOURCE_DIR) / "examples" / "xgboost-breast-cancer";
  std::string spec = read_text(example / "xgb-breast-cancer.yaml");
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"maxTrialCount: 12", "maxTrialCount: 3"},
           {"- train_xgb.py", "- " + (example / "train_xgb.py").string()}}) {
    auto at = spec.find(from);
    REQUIRE(at != std::string::npos);
    spec.replace(at, from.size(), to);
  }
  auto db = (dir / "prefix.db").string();
  REQUIRE(run_sextant({"--db", db, "run", "-f", dir.write("xgb.yaml", spec), "--progress", "none",
                       "--artifact-prefix", "s3://models-bucket/tuning/"})
              .exit_code == 0);
  auto trials = json::parse(
      run_sextant({"--db", db, "get", "trials", "xgb-breast-cancer", "-o", "json"}).out);
  REQUIRE(trials.size() == 3);
  auto best = json::parse(run_sextant({"--db", db, "best", "xgb-breast-cancer", "-o", "json"}).out);
  INFO(best.dump());
  std::string trial = best["bestTrialName"];
  auto plan = run_sextant({"--db", db, "promote", "xgb-breast-cancer", "--target", "kserve",
                           "--canary", "10", "--namespace", "serving", "--dry-run"});
  INFO(plan.err);
  REQUIRE(plan.exit_code == 0);
  CHECK_THAT(plan.out,
             Catch::Contains("storageUri: s3://models-bucket/tuning/xgb-breast-cancer/" + trial) &&
                 Catch::Contains("canaryTrafficPercent = 10") &&
                 Catch::Contains("in namespace serving"));
  CHECK(json::parse(run_sextant({"--db", db, "models", "list", "-o", "json"}).out).empty());
  // The local target cannot use a bucket.
  auto local = run_sextant({"--db", db, "promote", "xgb-breast-cancer"});
  CHECK(local.exit_code == 2);
  CHECK_THAT(local.err, Catch::Contains("is remote (use --target kserve)"));
}

TEST_CASE("serving e2e: the sklearn-svc example's SVM is promoted and answers as scikit-learn") {
  TempDir dir;
  auto example = std::filesystem::path(SEXTANT_SOURCE_DIR) / "examples" / "sklearn-svc";
  std::string spec = read_text(example / "svc-digits.yaml");
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"maxTrialCount: 20", "maxTrialCount: 2"},
           {"maxFailedTrialCount: 3", "maxFailedTrialCount: 1"},
           {"- train_svc.py", "- " + (example / "train_svc.py").string()}}) {
    auto at = spec.find(from);
    REQUIRE(at != std::string::npos);
    spec.replace(at, from.size(), to);
  }
  auto db = (dir / "svc.db").string();
  auto run =
      run_sextant({"--db", db, "run", "-f", dir.write("svc.yaml", spec), "--progress", "none"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  ServeProcess serve(db);
  auto promoted = run_sextant(
      {"--db", db, "promote", "svc-digits", "--model", "digits-svm", "--server", serve.url});
  INFO(promoted.err);
  REQUIRE(promoted.exit_code == 0);
  auto model = json::parse(serve.client.request("GET", "/v2/models/digits-svm").body);
  CHECK(model["platform"] == "sextant_svm");

  // The exporter recorded a digit and scikit-learn's label for it; the server must agree.
  auto version = json::parse(
      run_sextant({"--db", db, "models", "get", "digits-svm", "-o", "json"}).out)["versions"][0];
  auto file = json::parse(read_text(std::filesystem::path(version["artifact"].get<std::string>()) /
                                    "sextant-svm.json"));
  json request = {{"inputs",
                   {{{"name", "pixels"},
                     {"shape", {1, 64}},
                     {"datatype", "FP32"},
                     {"data", file["example"]}}}}};
  auto answer = serve.client.request("POST", "/v2/models/digits-svm/infer", request.dump());
  REQUIRE(answer.status == 200);
  auto body = json::parse(answer.body);
  CHECK(body["outputs"][0]["name"] == "votes");
  CHECK(body["outputs"][0]["shape"] == json({1, 10}));
  CHECK(body["outputs"][1]["data"] == json::array({file["example_label"]}));
  serve.process.signal(SIGTERM);
  CHECK(serve.process.wait(std::chrono::seconds(10)).exit_code == 0);
}
