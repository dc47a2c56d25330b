// Router: pattern captures, percent-decoding, 404 and 405, error mapping.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/api/router.hpp"

using sextant::Error;
using sextant::ErrorCode;
using sextant::engine::HttpRequest;
using sextant::engine::HttpResponse;
using sextant::engine::percent_decode;
using sextant::engine::RouteParams;
using sextant::engine::Router;

namespace {

HttpRequest request(std::string method, std::string target) {
  HttpRequest out;
  out.method = std::move(method);
  out.target = std::move(target);
  return out;
}

// A handler that answers with its name and the captured parameters.
sextant::engine::RouteHandler named(std::string name) {
  return [name](const HttpRequest&, const RouteParams& params) {
    nlohmann::json body = {{"route", name}, {"params", params}};
    return HttpResponse{200, "application/json", body.dump(), {}};
  };
}

nlohmann::json body_of(const HttpResponse& response) {
  return nlohmann::json::parse(response.body);
}

Router sample_router() {
  Router router;
  router.add("GET", "/api/v1/experiments", named("list"));
  router.add("POST", "/api/v1/experiments/{name}:stop", named("stop"));
  router.add("GET", "/api/v1/experiments/{name}", named("get"));
  router.add("DELETE", "/api/v1/experiments/{name}", named("delete"));
  router.add("GET", "/api/v1/experiments/{name}/trials/{trial}", named("trial"));
  router.add("GET", "/static/{path...}", named("static"));
  return router;
}

}  // namespace

TEST_CASE("http router: literal routes, captures and the {x...} rest capture") {
  Router router = sample_router();
  auto list = router.handle(request("GET", "/api/v1/experiments"));
  REQUIRE(list.status == 200);
  CHECK(body_of(list)["route"] == "list");

  auto trial = body_of(router.handle(request("GET", "/api/v1/experiments/e1/trials/e1-abc")));
  CHECK(trial["route"] == "trial");
  CHECK(trial["params"]["name"] == "e1");
  CHECK(trial["params"]["trial"] == "e1-abc");

  auto files = body_of(router.handle(request("GET", "/static/js/app.js")));
  CHECK(files["route"] == "static");
  CHECK(files["params"]["path"] == "js/app.js");
  CHECK(body_of(router.handle(request("GET", "/static")))["params"]["path"] == "");
}

TEST_CASE("http router: an action suffix segment is matched before the plain capture") {
  Router router = sample_router();
  auto stop = body_of(router.handle(request("POST", "/api/v1/experiments/mnist:stop")));
  CHECK(stop["route"] == "stop");
  CHECK(stop["params"]["name"] == "mnist");
  // ":stop" alone has nothing to capture: that is the plain route with name ":stop".
  CHECK(router.handle(request("POST", "/api/v1/experiments/:stop")).status == 405);
}

TEST_CASE("http router: captured segments are percent-decoded and broken escapes are 400") {
  Router router = sample_router();
  auto get = body_of(router.handle(request("GET", "/api/v1/experiments/my%20exp%2Fx")));
  CHECK(get["params"]["name"] == "my exp/x");
  auto broken = router.handle(request("GET", "/api/v1/experiments/bad%zz"));
  CHECK(broken.status == 400);
  CHECK(body_of(broken)["error"]["code"] == "invalid_argument");
  CHECK(percent_decode("a%41%62c") == "aAbc");
  CHECK_THROWS_AS(percent_decode("50%"), Error);
}

TEST_CASE("http router: unknown paths are 404, known paths with another method 405 with Allow") {
  Router router = sample_router();
  auto missing = router.handle(request("GET", "/api/v2/nothing"));
  CHECK(missing.status == 404);
  CHECK(body_of(missing)["error"]["code"] == "not_found");
  CHECK(body_of(missing)["error"]["message"] == "no such endpoint: /api/v2/nothing");
  CHECK(router.handle(request("GET", "/api/v1/experiments/")).status == 404);  // trailing slash
  CHECK(router.handle(request("GET", "/api/v1/experiments/e1/trials")).status == 404);

  auto wrong = router.handle(request("PUT", "/api/v1/experiments/e1"));
  CHECK(wrong.status == 405);
  CHECK(wrong.headers.at("Allow") == "GET, DELETE");
  CHECK(body_of(wrong)["error"]["code"] == "method_not_allowed");
}

TEST_CASE("http router: handler errors map to statuses with the JSON error body") {
  Router router;
  router.add("GET", "/conflict", [](const HttpRequest&, const RouteParams&) -> HttpResponse {
    throw Error(ErrorCode::kConflict, "experiment e1 already exists", "metadata.name");
  });
  router.add("GET", "/busy", [](const HttpRequest&, const RouteParams&) -> HttpResponse {
    throw Error(ErrorCode::kUnavailable, "try again");
  });
  auto conflict = router.handle(request("GET", "/conflict"));
  CHECK(conflict.status == 409);
  CHECK(body_of(conflict)["error"]["message"] == "metadata.name: experiment e1 already exists");
  CHECK(body_of(conflict)["error"]["field"] == "metadata.name");
  CHECK(router.handle(request("GET", "/busy")).status == 503);
}

TEST_CASE("http router: malformed patterns are rejected when added") {
  Router router;
  CHECK_THROWS_AS(router.add("GET", "/a/{unclosed", named("x")), Error);
  CHECK_THROWS_AS(router.add("GET", "/a/{}", named("x")), Error);
  CHECK_THROWS_AS(router.add("GET", "/a/{rest...}/b", named("x")), Error);
}
