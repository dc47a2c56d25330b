// The KServe promoter against the loopback fake API server and its InferenceService controller:
// first creation, a canary rollout to 100%, a failed canary rolled back, RawDeployment, refused
// artifacts, and an unreachable cluster.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "serving/kserve/kserve_promoter.hpp"
#include "tests/e2e/process.hpp"
#include "tests/support/fake_kube/fake_kube_api.hpp"

using namespace sextant;
using namespace sextant::serving;
using namespace sextant::testing;
using nlohmann::json;

namespace {

struct Cluster {
  TempDir dir;
  FakeKubeApi api;
  engine::PromoterSettings settings;

  Cluster() {
    settings.kubeconfig = api.write_kubeconfig(dir / "kubeconfig", "models").string();
    settings.timeout = std::chrono::milliseconds(10'000);
  }
  json service(const std::string& name = "cancer") const {
    auto object = api.get_object(
        {"serving.kserve.io/v1beta1", "InferenceService", "inferenceservices", "models", name});
    REQUIRE(object);
    return *object;
  }
  std::vector<json> patches() const {
    std::vector<json> out;
    for (const auto& r : api.requests())
      if (r.method == "PATCH" && r.path.find("/inferenceservices/") != std::string::npos)
        out.push_back(json::parse(r.body));
    return out;
  }
};

engine::PromotionRequest request(int64_t version, const std::string& artifact, int canary = 0,
                                 int64_t previous = 0, const std::string& previous_artifact = "") {
  return {"cancer", version, artifact, "xgboost", canary, previous, previous_artifact};
}

}  // namespace

TEST_CASE("kserve: the first promotion creates the InferenceService and waits for Ready") {
  Cluster c;
  KServePromoter promoter(c.settings);
  auto outcome = promoter.promote(request(1, "s3://bucket/exp/t1"));
  CHECK(outcome.location == "InferenceService models/cancer");
  auto s = c.service();
  CHECK(
      s["spec"]["predictor"]["model"] ==
      json::parse(
          R"({"modelFormat": {"name": "xgboost"}, "protocolVersion": "v2", "storageUri": "s3://bucket/exp/t1"})"));
  CHECK(s["metadata"]["labels"]["sextant.io/version"] == "1");
  CHECK(s["metadata"]["annotations"]["serving.kserve.io/enable-tag-routing"] == "true");
  CHECK(s["status"]["conditions"].dump().find("\"Ready\"") != std::string::npos);
  // The fake's URLs (*.example.com) do not resolve here: the smoke inference says it skipped.
  bool skipped = false;
  for (const auto& n : outcome.notes)
    skipped = skipped || n.find("smoke inference skipped") != std::string::npos;
  CHECK(skipped);
}

TEST_CASE("kserve: a later promotion goes through a canary, then takes all traffic") {
  Cluster c;
  KServePromoter promoter(c.settings);
  promoter.promote(request(1, "s3://bucket/exp/t1"));
  c.api.clear_requests();
  auto outcome = promoter.promote(request(2, "s3://bucket/exp/t2", 10, 1, "s3://bucket/exp/t1"));
  auto patches = c.patches();
  REQUIRE(patches.size() == 2);
  CHECK(patches[0]["spec"]["predictor"]["canaryTrafficPercent"] == 10);
  CHECK(patches[0]["spec"]["predictor"]["model"]["storageUri"] == "s3://bucket/exp/t2");
  CHECK(patches[1]["spec"]["predictor"]["canaryTrafficPercent"].is_null());  // removed: 100%
  auto s = c.service();
  CHECK_FALSE(s["spec"]["predictor"].contains("canaryTrafficPercent"));
  CHECK(s["spec"]["predictor"]["model"]["storageUri"] == "s3://bucket/exp/t2");
  auto traffic = s["status"]["components"]["predictor"]["traffic"];
  REQUIRE(traffic.size() == 1);
  CHECK(traffic[0]["percent"] == 100);
  CHECK_THAT(outcome.notes[1], Catch::Contains("10% on the latest revision"));
}

TEST_CASE("kserve: a canary that fails to load is rolled back and the error says why") {
  Cluster c;
  KServePromoter promoter(c.settings);
  promoter.promote(request(1, "s3://bucket/exp/t1"));
  try {
    promoter.promote(request(2, "s3://bucket/does-not-exist/t2", 20, 1, "s3://bucket/exp/t1"));
    FAIL("a model that cannot load was promoted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("the new revision failed") &&
                             Catch::Contains("could not be loaded") &&
                             Catch::Contains("rolled back to the previous version"));
  }
  auto s = c.service();
  CHECK(s["spec"]["predictor"]["model"]["storageUri"] == "s3://bucket/exp/t1");
  CHECK_FALSE(s["spec"]["predictor"].contains("canaryTrafficPercent"));
  CHECK(s["metadata"]["labels"]["sextant.io/version"] == "1");
}

TEST_CASE("kserve: RawDeployment has no canary, rollback patches the previous artifact back") {
  Cluster c;
  c.settings.raw_deployment = true;
  KServePromoter promoter(c.settings);
  promoter.promote(request(1, "pvc://models/exp/t1"));
  CHECK(c.service()["metadata"]["annotations"]["serving.kserve.io/deploymentMode"] ==
        "RawDeployment");
  auto outcome = promoter.promote(request(2, "pvc://models/exp/t2", 10, 1));
  CHECK_THAT(outcome.notes[0], Catch::Contains("RawDeployment has no canary"));
  for (const auto& p : c.patches())
    CHECK_FALSE(p["spec"]["predictor"]["canaryTrafficPercent"].is_number());
  promoter.rollback(request(1, "pvc://models/exp/t1", 0, 2));
  CHECK(c.service()["spec"]["predictor"]["model"]["storageUri"] == "pvc://models/exp/t1");
}

TEST_CASE("kserve: a first version that fails to load leaves no InferenceService behind") {
  Cluster c;
  KServePromoter promoter(c.settings);
  CHECK_THROWS_WITH(promoter.promote(request(1, "s3://bucket/does-not-exist/t1")),
                    Catch::Contains("could not be loaded"));
  CHECK_FALSE(c.api.get_object(
      {"serving.kserve.io/v1beta1", "InferenceService", "inferenceservices", "models", "cancer"}));
}

TEST_CASE("kserve: local artifacts and unreachable clusters are refused before any change") {
  Cluster c;
  KServePromoter promoter(c.settings);
  CHECK_THROWS_WITH(promoter.promote(request(1, "/home/me/runs/exp/t1/artifacts")),
                    Catch::Contains("is a local path") && Catch::Contains("--artifact-prefix"));
  CHECK(c.api.objects("serving.kserve.io/v1beta1", "InferenceService").empty());

  auto settings = c.settings;
  uint16_t port = 0;
  {
    FakeKubeApi gone;  // a port where nothing listens once it is destroyed
    port = gone.port();
  }
  settings.kube_server = "https://127.0.0.1:" + std::to_string(port);
  settings.timeout = std::chrono::milliseconds(2000);
  KServePromoter unreachable(settings);
  try {
    unreachable.promote(request(1, "s3://bucket/exp/t1"));
    FAIL("promoted to a cluster that is not there");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
  }
}

TEST_CASE("kserve: the plan names the object, the canary and the rollback, and changes nothing") {
  Cluster c;
  c.settings.kube_namespace = "models";
  KServePromoter promoter(c.settings);
  auto plan = promoter.plan(request(2, "s3://bucket/exp/t2", 10, 1));
  REQUIRE(plan.size() == 7);
  CHECK_THAT(plan[0], Catch::Contains("InferenceService cancer in namespace models"));
  CHECK_THAT(plan[2], Catch::Contains("canaryTrafficPercent = 10"));
  CHECK(c.api.requests().empty());
  auto object = inference_service_object(request(1, "s3://b/m"), "models", false);
  CHECK(object["kind"] == "InferenceService");
  CHECK(object["metadata"]["namespace"] == "models");
}
