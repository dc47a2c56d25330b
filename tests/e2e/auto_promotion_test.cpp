// spec.promotion with the real binary: `sextant run` promotes the first best model, keeps
// production when the next is not better by the margin, promotes a better one, adds nothing on
// a rerun, and exits 6 with the registry unchanged when the promotion fails; the kserve target
// with the run's kubeconfig and context and the experiment's namespace.
#include <catch2/catch.hpp>

#include <thread>

#include "tests/e2e/run_support.hpp"
#include "tests/e2e/serve_support.hpp"
#include "tests/serving/model_fixtures.hpp"
#include "tests/support/fake_kube/fake_kube_api.hpp"

using namespace sextant::testing;
using nlohmann::json;

namespace {

// A grid over the accuracies the two trials report; each saves the same small sextant-mlp.
std::string experiment(const std::string& name, const std::string& accuracies,
                       const std::string& model_file, const std::string& serving_url) {
  return "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: " + name +
         "\nspec:\n"
         "  objective:\n    type: maximize\n    objectiveMetricName: accuracy\n"
         "  algorithm:\n    algorithmName: grid\n"
         "  parallelTrialCount: 2\n  maxTrialCount: 2\n"
         "  promotion:\n    model: auto-model\n    margin: 0.01\n    servingUrl: " +
         serving_url +
         "\n"
         "  parameters:\n    - name: acc\n      parameterType: categorical\n"
         "      feasibleSpace:\n        list: [" +
         accuracies +
         "]\n"
         "  trialTemplate:\n    primaryContainerName: main\n    trialParameters:\n"
         "      - name: acc\n        reference: acc\n"
         "    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n      spec:\n"
         "        template:\n          spec:\n            restartPolicy: Never\n"
         "            containers:\n              - name: main\n                image: local\n"
         "                command:\n                  - /bin/sh\n                  - -c\n"
         "                  - " +
         yaml_quote("mkdir -p \"$SEXTANT_ARTIFACT_DIR\" && cp '" + model_file +
                    "' \"$SEXTANT_ARTIFACT_DIR/sextant-mlp.json\" && echo "
                    "accuracy=${trialParameters.acc}") +
         "\n";
}

// `experiment` with the kserve target (no canary) in namespace `ns`.
std::string kserve_experiment(const std::string& name, const std::string& ns,
                              const std::string& model_file) {
  std::string spec = experiment(name, "\"0.9\", \"0.8\"", model_file, "-");
  for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"  name: " + name + "\n", "  name: " + name + "\n  namespace: " + ns + "\n"},
           {"    servingUrl: -\n", "    target: kserve\n"}}) {
    auto at = spec.find(from);
    REQUIRE(at != std::string::npos);
    spec.replace(at, from.size(), to);
  }
  return spec;
}

std::string served_version(sextant::serving::HttpConnection& c, const std::string& model) {
  auto r = c.request("GET", "/v2/models/" + model);
  return r.status == 200 ? json::parse(r.body)["versions"][0].get<std::string>() : "";
}

}  // namespace

TEST_CASE("auto-promotion e2e: promote first, keep by margin, promote better, rerun, failure") {
  TempDir dir;
  auto db = (dir / "auto.db").string();
  auto model_file = dir / "model" / "sextant-mlp.json";
  write_json(model_file, constant_mlp(0.5));

  ServeProcess serve(db);
  const auto& url = serve.url;
  auto& client = serve.client;

  auto run = [&](const std::string& name, const std::string& accuracies,
                 const std::string& serving_url) {
    auto spec = dir.write(name + ".yaml", experiment(name, accuracies, model_file, serving_url));
    return run_sextant({"--db", db, "run", "-f", spec, "--progress", "none"});
  };
  auto model = [&] {
    return json::parse(run_sextant({"--db", db, "models", "get", "auto-model", "-o", "json"}).out);
  };
  auto best_trial = [&](const std::string& name) {
    return json::parse(run_sextant({"--db", db, "best", name, "-o", "json"}).out)["bestTrialName"]
        .get<std::string>();
  };

  // No production version: the best trial (0.95) becomes version 1, served at once.
  auto a = run("exp-a", "\"0.90\", \"0.95\"", url);
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  CHECK_THAT(a.err, Catch::Contains("Auto-promotion: auto-model version 1 is in production "
                                    "(first version; accuracy 0.95 from trial"));
  auto m = model();
  REQUIRE(m["versions"].size() == 1);
  CHECK(m["versions"][0]["experiment"] == "exp-a");
  CHECK(m["versions"][0]["trial"] == best_trial("exp-a"));
  CHECK(m["versions"][0]["stage"] == "production");
  CHECK(served_version(client, "auto-model") == "1");
  auto events = run_sextant({"--db", db, "get", "events", "exp-a", "-o", "json"});
  CHECK_THAT(events.out, Catch::Contains("ModelPromoted"));

  // 0.955 beats 0.95 by less than the margin 0.01: production stays.
  auto b = run("exp-b", "\"0.955\", \"0.93\"", url);
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  CHECK_THAT(b.err, Catch::Contains("Auto-promotion skipped: accuracy 0.955 beats version 1's "
                                    "0.95 by only 0.005 (margin 0.01); production stays "
                                    "auto-model version 1"));
  CHECK(model()["versions"].size() == 1);
  CHECK(served_version(client, "auto-model") == "1");
  CHECK_THAT(run_sextant({"--db", db, "get", "events", "exp-b", "-o", "json"}).out,
             Catch::Contains("AutoPromotionSkipped"));

  // 0.97 beats 0.95 by 0.02: version 2.
  auto c = run("exp-c", "\"0.97\", \"0.8\"", url);
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  CHECK_THAT(c.err, Catch::Contains("Auto-promotion: auto-model version 2 is in production "
                                    "(accuracy 0.97 beats version 1's 0.95 by 0.02, margin 0.01)"));
  m = model();
  REQUIRE(m["versions"].size() == 2);
  CHECK(m["versions"][0]["experiment"] == "exp-c");
  CHECK(m["versions"][0]["trial"] == best_trial("exp-c"));
  CHECK(m["versions"][1]["stage"] == "archived");
  CHECK(served_version(client, "auto-model") == "2");
  auto promotions = m["promotions"].size();

  // Running the finished experiment again adds no version.
  auto again = run("exp-c", "\"0.97\", \"0.8\"", url);
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  CHECK_THAT(again.err, Catch::Contains("Auto-promotion: nothing to do: auto-model version 2 in "
                                        "production already is trial"));
  m = model();
  CHECK(m["versions"].size() == 2);
  CHECK(m["promotions"].size() == promotions);

  // A better model but an unreachable server: exit 6, the experiment succeeded, the registry
  // is as it was (the failed attempt is in the history).
  auto nowhere = "http://127.0.0.1:" + std::to_string(free_port());
  auto d = run("exp-d", "\"0.99\", \"0.5\"", nowhere);
  INFO(d.err);
  CHECK(d.exit_code == 6);
  CHECK_THAT(d.err, Catch::Contains("Auto-promotion failed: ") &&
                        Catch::Contains("cannot reach " + nowhere) &&
                        Catch::Contains("production stays auto-model version 2") &&
                        Catch::Contains("to retry: sextant --db " + db + " promote exp-d"));
  auto exp_d =
      json::parse(run_sextant({"--db", db, "get", "experiment", "exp-d", "-o", "json"}).out);
  CHECK(condition(exp_d, "Succeeded")["status"] == "True");
  m = model();
  CHECK(m["versions"].size() == 2);
  CHECK(m["versions"][0]["stage"] == "production");
  CHECK(m["promotions"].back()["result"] == "failed");
  CHECK(served_version(client, "auto-model") == "2");

  // The fix: point spec.promotion at the running server and run the same command again. The
  // promotion block may change on a resumed experiment; the trials are not rerun.
  auto retry = run("exp-d", "\"0.99\", \"0.5\"", url);
  INFO(retry.err);
  REQUIRE(retry.exit_code == 0);
  CHECK_THAT(retry.err, Catch::Contains("Auto-promotion: auto-model version 3 is in production "
                                        "(accuracy 0.99 beats version 2's 0.97 by 0.02"));
  CHECK(served_version(client, "auto-model") == "3");
  CHECK(json::parse(run_sextant({"--db", db, "get", "trials", "exp-d", "-o", "json"}).out).size() ==
        2);

  serve.process.signal(SIGTERM);
  CHECK(serve.process.wait(std::chrono::seconds(10)).exit_code == 0);
}

TEST_CASE(
    "auto-promotion e2e: kserve uses the run's kubeconfig and context, the spec's namespace") {
  TempDir dir;
  FakeKubeApi api;
  auto kubeconfig = api.write_kubeconfig(dir / "kubeconfig", "elsewhere").string();
  auto db = (dir / "kserve.db").string();
  auto model_file = dir / "model" / "sextant-mlp.json";
  write_json(model_file, constant_mlp(0.5));
  auto spec = dir.write("k.yaml", kserve_experiment("exp-k", "models", model_file));

  // An unknown context fails the promotion, not the experiment: exit 6, nothing registered.
  auto wrong =
      run_sextant({"--db", db, "run", "-f", spec, "--progress", "none", "--artifact-prefix",
                   "s3://bucket/tuning", "--kubeconfig", kubeconfig, "--context", "nope"});
  INFO(wrong.err);
  CHECK(wrong.exit_code == 6);
  CHECK_THAT(wrong.err, Catch::Contains("Auto-promotion failed: ") && Catch::Contains("nope"));
  CHECK(json::parse(run_sextant({"--db", db, "models", "list", "-o", "json"}).out).empty());

  // Rerunning the finished experiment with the right context promotes it.
  auto run = run_sextant({"--db", db, "run", "-f", spec, "--progress", "none", "--artifact-prefix",
                          "s3://bucket/tuning", "--kubeconfig", kubeconfig, "--context", "fake"});
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK_THAT(run.err, Catch::Contains("Auto-promotion: auto-model version 1 is in production"));
  auto best = json::parse(run_sextant({"--db", db, "best", "exp-k", "-o", "json"}).out);
  auto service = api.get_object({"serving.kserve.io/v1beta1", "InferenceService",
                                 "inferenceservices", "models", "auto-model"});
  REQUIRE(service);
  CHECK((*service)["spec"]["predictor"]["model"]["storageUri"] ==
        "s3://bucket/tuning/exp-k/" + best["bestTrialName"].get<std::string>());
  auto m = json::parse(run_sextant({"--db", db, "models", "get", "auto-model", "-o", "json"}).out);
  REQUIRE(m["versions"].size() == 1);
  CHECK(m["versions"][0]["target"] == "kserve");
  CHECK(m["versions"][0]["location"] == "InferenceService models/auto-model");
}
