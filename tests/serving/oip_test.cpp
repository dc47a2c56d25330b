// The Open Inference Protocol endpoints over loopback with real models: metadata, health,
// inference (datatypes, shapes, outputs, id), the repository extension, and every error code.
#include <catch2/catch.hpp>

#include "tests/serving/server_fixture.hpp"

using namespace sextant;
using namespace sextant::serving;
using namespace sextant::testing;
using nlohmann::json;

namespace {

// A server with "cancer" (XGBoost UBJ with settings, version 1) and "points" (sextant-mlp,
// version 2).
struct TwoModels : ServerFixture {
  TwoModels(size_t limit = 1024 * 1024) : ServerFixture(limit) {
    train_xgboost(version_dir("cancer", 1) / "model.ubj");
    write_json(version_dir("cancer", 1) / "model-settings.json",
               {{"input", {{"name", "features"}, {"features", 4}}}, {"classes", {"no", "yes"}}});
    write_json(version_dir("points", 2) / "sextant-mlp.json", tiny_classifier());
    service->load("cancer", 1);
    service->load("points", 2);
  }
};

json infer_body(const json& data, const json& shape, const std::string& datatype = "FP32") {
  return {{"inputs",
           {{{"name", "features"}, {"shape", shape}, {"datatype", datatype}, {"data", data}}}}};
}

}  // namespace

TEST_CASE("oip: server metadata, liveness and readiness") {
  TwoModels s;
  auto c = s.client();
  auto meta = c.request("GET", "/v2");
  CHECK(meta.status == 200);
  CHECK(body_of(meta)["name"] == "sextant");
  CHECK(body_of(meta)["extensions"] == json({"model_repository"}));
  auto live = c.request("GET", "/v2/health/live");
  CHECK(live.status == 200);
  CHECK(body_of(live)["live"] == true);
  CHECK(body_of(c.request("GET", "/v2/health/ready"))["ready"] == true);
}

TEST_CASE("oip: model metadata and readiness, with and without a version") {
  TwoModels s;
  auto c = s.client();
  auto meta = c.request("GET", "/v2/models/cancer");
  REQUIRE(meta.status == 200);
  auto m = body_of(meta);
  CHECK(m["name"] == "cancer");
  CHECK(m["versions"] == json({"1"}));
  CHECK(m["platform"] == "xgboost_ubj");
  CHECK(m["inputs"] ==
        json::parse(R"([{"name": "features", "datatype": "FP32", "shape": [-1, 4]}])"));
  CHECK(m["outputs"][0] ==
        json::parse(R"({"name": "predict", "datatype": "FP32", "shape": [-1]})"));
  CHECK(m["outputs"][1] == json::parse(R"({"name": "label", "datatype": "BYTES", "shape": [-1]})"));
  CHECK(c.request("GET", "/v2/models/points/versions/2").status == 200);
  auto ready = c.request("GET", "/v2/models/points/versions/2/ready");
  CHECK(ready.status == 200);
  CHECK(body_of(ready) == json({{"name", "points"}, {"ready", true}}));
  CHECK(c.request("GET", "/v2/models/cancer/ready").status == 200);
}

TEST_CASE("oip: inference answers with libxgboost's predictions, nested or flat data") {
  TwoModels s;
  auto c = s.client();
  auto d = synthetic_data(3, 5);
  auto expected = xgboost_reference(s.version_dir("cancer", 1) / "model.ubj", d.x, 3, 4);
  json flat = d.x;
  json nested = json::array();
  for (size_t r = 0; r < 3; ++r)
    nested.push_back(std::vector<float>(d.x.begin() + r * 4, d.x.begin() + r * 4 + 4));
  for (const auto& data : {flat, nested}) {
    auto body = infer_body(data, {3, 4});
    body["id"] = "req-7";
    body["parameters"] = {{"note", "anything"}};
    auto reply = c.request("POST", "/v2/models/cancer/infer", body.dump());
    REQUIRE(reply.status == 200);
    auto r = body_of(reply);
    CHECK(r["model_name"] == "cancer");
    CHECK(r["model_version"] == "1");
    CHECK(r["id"] == "req-7");
    REQUIRE(r["outputs"].size() == 2);
    CHECK(r["outputs"][0]["name"] == "predict");
    CHECK(r["outputs"][0]["datatype"] == "FP32");
    CHECK(r["outputs"][0]["shape"] == json({3}));
    for (size_t i = 0; i < 3; ++i)
      CHECK(r["outputs"][0]["data"][i].get<double>() == Approx(expected[i]).epsilon(1e-6));
    CHECK(r["outputs"][1]["datatype"] == "BYTES");
    for (size_t i = 0; i < 3; ++i)
      CHECK(r["outputs"][1]["data"][i] == (expected[i] > 0.5 ? "yes" : "no"));
  }
}

TEST_CASE("oip: integer and double inputs are converted, outputs select what comes back") {
  TwoModels s;
  auto c = s.client();
  for (const char* type : {"INT32", "INT64", "FP64"}) {
    auto body = infer_body({{0, 1, 0, 0}}, {1, 4}, type);
    body["outputs"] = {{{"name", "label"}}};
    auto reply = c.request("POST", "/v2/models/cancer/versions/1/infer", body.dump());
    REQUIRE(reply.status == 200);
    auto r = body_of(reply);
    REQUIRE(r["outputs"].size() == 1);
    CHECK(r["outputs"][0]["name"] == "label");
  }
  json points = {
      {"inputs", {{{"name", "point"}, {"shape", {1, 2}}, {"datatype", "FP32"}, {"data", {0, 3}}}}}};
  auto reply = c.request("POST", "/v2/models/points/infer", points.dump());
  REQUIRE(reply.status == 200);
  auto r = body_of(reply);
  CHECK(r["model_version"] == "2");
  CHECK(r["outputs"][0]["shape"] == json({1, 2}));
  CHECK(r["outputs"][1]["data"] == json({"right"}));
  CHECK_FALSE(r.contains("id"));
}

TEST_CASE("oip: unknown models and versions are 404 with an error body") {
  TwoModels s;
  auto c = s.client();
  for (auto [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", "/v2/models/nope"},
           {"GET", "/v2/models/nope/ready"},
           {"POST", "/v2/models/nope/infer"},
           {"GET", "/v2/models/cancer/versions/2"},
           {"GET", "/v2/models/cancer/versions/2/ready"},
           {"POST", "/v2/models/cancer/versions/9/infer"},
           {"GET", "/v2/models/cancer/versions/latest"}}) {
    auto reply =
        c.request(method, path, method == "POST" ? infer_body({{0, 0, 0, 0}}, {1, 4}).dump() : "");
    INFO(method << " " << path);
    CHECK(reply.status == 404);
    CHECK(body_of(reply)["error"].is_string());
  }
  CHECK_THAT(body_of(c.request("GET", "/v2/models/cancer/versions/2"))["error"].get<std::string>(),
             Catch::Contains("serving version 1"));
}

TEST_CASE("oip: wrong shapes, datatypes and bodies are 400 with what the model expects") {
  TwoModels s;
  auto c = s.client();
  auto error = [&](const std::string& body) {
    auto reply = c.request("POST", "/v2/models/cancer/infer", body);
    CHECK(reply.status == 400);
    return body_of(reply)["error"].get<std::string>();
  };
  CHECK_THAT(error(infer_body({1, 2, 3}, {1, 3}).dump()),
             Catch::Contains("[1, 3] does not match the model's [-1, 4]"));
  CHECK_THAT(error(infer_body({1, 2, 3, 4}, {4}).dump()), Catch::Contains("[-1, 4]"));
  CHECK_THAT(error(infer_body({"a", "b", "c", "d"}, {1, 4}, "BYTES").dump()),
             Catch::Contains("BYTES is not accepted; the model expects FP32 [-1, 4]"));
  CHECK_THAT(error(infer_body({1, 2, 3}, {1, 4}).dump()),
             Catch::Contains("needs 4 elements, data has 3"));
  CHECK_THAT(error(infer_body({1.5, 2, 3, 4}, {1, 4}, "INT32").dump()),
             Catch::Contains("integers"));
  CHECK_THAT(error("{not json"), Catch::Contains("not JSON"));
  CHECK_THAT(error("{}"), Catch::Contains("exactly one input: \"features\" FP32 [-1, 4]"));
  auto two = infer_body({1, 2, 3, 4}, {1, 4});
  two["inputs"].push_back(two["inputs"][0]);
  CHECK_THAT(error(two.dump()), Catch::Contains("exactly one input"));
  auto outputs = infer_body({1, 2, 3, 4}, {1, 4});
  outputs["outputs"] = {{{"name", "proba"}}};
  CHECK_THAT(
      error(outputs.dump()),
      Catch::Contains("unknown output \"proba\"; model \"cancer\" has \"predict\", \"label\""));
  auto params = infer_body({1, 2, 3, 4}, {1, 4});
  params["parameters"] = 3;
  CHECK_THAT(error(params.dump()), Catch::Contains("\"parameters\" must be an object"));
}

TEST_CASE("oip: a request body over the limit gets 413") {
  TwoModels s(4096);
  auto c = s.client();
  std::vector<float> big(2000, 0.5f);
  auto reply = c.request("POST", "/v2/models/cancer/infer", infer_body(big, {500, 4}).dump());
  CHECK(reply.status == 413);
  CHECK(body_of(reply)["error"].is_string());  // the protocol's {"error": "..."}, not the engine's
  CHECK_THAT(body_of(reply)["error"].get<std::string>(), Catch::Contains("exceeds the limit"));
  // The server is still there for the next client.
  CHECK(s.client().request("GET", "/v2/health/ready").status == 200);
}

TEST_CASE(
    "oip: repository load swaps versions, a corrupt version is refused and the old one serves") {
  TwoModels s;
  auto c = s.client();
  write_json(s.version_dir("points", 3) / "sextant-mlp.json", constant_mlp(3.0));
  std::filesystem::create_directories(s.version_dir("points", 4));
  std::ofstream(s.version_dir("points", 4) / "sextant-mlp.json")
      << "{\"format\": \"sextant-mlp\", \"vers";
  auto load = [&](int version) {
    return c.request("POST", "/v2/repository/models/points/load",
                     json{{"parameters", {{"version", std::to_string(version)}}}}.dump());
  };
  auto loaded = load(3);
  REQUIRE(loaded.status == 200);
  CHECK(body_of(loaded)["versions"] == json({"3"}));
  json x = {
      {"inputs", {{{"name", "x"}, {"shape", {1, 2}}, {"datatype", "FP32"}, {"data", {0, 0}}}}}};
  auto r = body_of(c.request("POST", "/v2/models/points/infer", x.dump()));
  CHECK(r["model_version"] == "3");
  CHECK(r["outputs"][0]["data"] == json({3.0, 3.0}));

  auto refused = load(4);
  CHECK(refused.status == 400);
  CHECK_THAT(body_of(refused)["error"].get<std::string>(), Catch::Contains("not JSON"));
  CHECK(body_of(c.request("POST", "/v2/models/points/infer", x.dump()))["model_version"] == "3");
  CHECK(load(9).status == 404);
  CHECK(c.request("POST", "/v2/repository/models/points/load", "{}").status == 404);  // no default

  auto index = body_of(c.request("POST", "/v2/repository/index"));
  CHECK(index == json::parse(R"([{"name": "cancer", "version": "1", "state": "READY"},
                                 {"name": "points", "version": "3", "state": "READY"}])"));
  CHECK(c.request("POST", "/v2/repository/models/points/unload").status == 200);
  CHECK(c.request("GET", "/v2/models/points").status == 404);
  CHECK(c.request("POST", "/v2/repository/models/points/unload").status == 404);
}
