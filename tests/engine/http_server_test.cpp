// HttpServer over real loopback sockets: routing data through, keep-alive, limits, errors.
#include <atomic>
#include <string>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/api/http_server.hpp"
#include "tests/engine/http_test_client.hpp"

using sextant::Error;
using sextant::ErrorCode;
using sextant::engine::HttpRequest;
using sextant::engine::HttpResponse;
using sextant::engine::HttpServer;
using sextant::testing::http_request;
using sextant::testing::make_request;
using sextant::testing::TestConnection;

namespace {

// Answers with a JSON echo of what it received.
HttpResponse echo(const HttpRequest& request) {
  nlohmann::json headers = request.headers;
  nlohmann::json body = {{"method", request.method},
                         {"target", request.target},
                         {"query", request.query},
                         {"headers", headers},
                         {"body", request.body},
                         {"peer", request.peer_address},
                         {"loopback", request.from_loopback()}};
  return HttpResponse{200, "application/json", body.dump(), {{"X-Echo", "yes"}}};
}

nlohmann::json error_of(const sextant::testing::RawResponse& response) {
  return nlohmann::json::parse(response.body).at("error");
}

}  // namespace

TEST_CASE("http server: hands method, path, query, lower-case headers and body to the handler") {
  HttpServer server("127.0.0.1", 0, echo);
  REQUIRE(server.port() != 0);
  auto response = http_request(server.port(), "POST", "/api/v1/things/a%20b?x=1&y=2", "hello",
                               {{"X-Custom-Header", "Value"}});
  REQUIRE(response.status == 200);
  CHECK(response.headers.at("content-type") == "application/json");
  CHECK(response.headers.at("x-echo") == "yes");
  auto body = nlohmann::json::parse(response.body);
  CHECK(body["method"] == "POST");
  CHECK(body["target"] == "/api/v1/things/a%20b");
  CHECK(body["query"] == "x=1&y=2");
  CHECK(body["headers"]["x-custom-header"] == "Value");
  CHECK(body["body"] == "hello");
  CHECK(body["peer"] == "127.0.0.1");
  CHECK(body["loopback"] == true);
}

TEST_CASE("http request: only loopback peers count as this machine") {
  HttpRequest request;
  for (std::string peer : {"127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"}) {
    request.peer_address = peer;
    CHECK(request.from_loopback());
  }
  for (std::string peer : {"", "192.0.2.2", "1127.0.0.1", "::ffff:10.0.0.1", "fd00::2"}) {
    request.peer_address = peer;
    CHECK_FALSE(request.from_loopback());
  }
}

TEST_CASE("http server: keep-alive serves several requests on one connection") {
  std::atomic<int> count = 0;
  HttpServer server("127.0.0.1", 0, [&](const HttpRequest& request) {
    return HttpResponse{200, "text/plain", request.target + " #" + std::to_string(++count), {}};
  });
  TestConnection connection(server.port());
  for (int i = 1; i <= 5; ++i) {
    REQUIRE(connection.send(make_request("GET", "/n" + std::to_string(i))));
    auto response = connection.read_response();
    REQUIRE(response.status == 200);
    CHECK(response.body == "/n" + std::to_string(i) + " #" + std::to_string(i));
    CHECK(response.headers.at("content-type") == "text/plain");
  }
  // Two pipelined requests on the same connection are both answered, in order.
  REQUIRE(connection.send(make_request("GET", "/a") + make_request("GET", "/b")));
  CHECK(connection.read_response().body == "/a #6");
  CHECK(connection.read_response().body == "/b #7");
  // "Connection: close" ends it after the answer.
  REQUIRE(connection.send(make_request("GET", "/last", {}, {{"Connection", "close"}})));
  CHECK(connection.read_response().status == 200);
  CHECK(connection.closed_by_peer());
}

TEST_CASE("http server: an oversized body is refused with 413 before it is sent") {
  std::atomic<int> calls = 0;
  HttpServer server(
      "127.0.0.1", 0,
      [&](const HttpRequest& request) {
        ++calls;
        return HttpResponse{200, "text/plain", std::to_string(request.body.size()), {}};
      },
      1024);
  {
    // Only the headers: the answer must come without the server waiting for 1 MiB.
    TestConnection connection(server.port());
    REQUIRE(connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n"));
    auto response = connection.read_response();
    CHECK(response.status == 413);
    CHECK(error_of(response)["code"] == "payload_too_large");
    CHECK(error_of(response)["message"].get<std::string>().find("1024") != std::string::npos);
    CHECK(connection.closed_by_peer());
  }
  {
    // The whole 1 MiB sent anyway: the client still gets to read the 413.
    TestConnection connection(server.port());
    connection.send(make_request("POST", "/upload", std::string(1024 * 1024, 'x')));
    CHECK(connection.read_response().status == 413);
  }
  {
    // Chunked, so no Content-Length to look at: the limit still holds.
    TestConnection connection(server.port());
    std::string chunk(800, 'y');
    char size_line[16];
    std::snprintf(size_line, sizeof size_line, "%zx\r\n", chunk.size());
    std::string request = "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 3; ++i) request += size_line + chunk + "\r\n";
    request += "0\r\n\r\n";
    connection.send(request);
    CHECK(connection.read_response().status == 413);
  }
  CHECK(calls == 0);
  // The server keeps serving; a body exactly at the limit is accepted.
  auto response = http_request(server.port(), "POST", "/upload", std::string(1024, 'z'));
  CHECK(response.status == 200);
  CHECK(response.body == "1024");
  CHECK(calls == 1);
}

TEST_CASE("http server: Expect 100-continue gets the interim answer, then the final one") {
  HttpServer server("127.0.0.1", 0, echo);
  TestConnection connection(server.port());
  REQUIRE(connection.send(
      "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  CHECK(connection.read_response().status == 100);
  REQUIRE(connection.send("abc"));
  auto response = connection.read_response();
  CHECK(response.status == 200);
  CHECK(nlohmann::json::parse(response.body)["body"] == "abc");
}

TEST_CASE("http server: malformed requests get 400 and the server keeps serving") {
  HttpServer server("127.0.0.1", 0, echo);
  for (std::string garbage :
       {"NOT HTTP AT ALL\r\n\r\n", "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n"}) {
    INFO(garbage);
    TestConnection connection(server.port());
    REQUIRE(connection.send(garbage));
    auto response = connection.read_response();
    CHECK(response.status == 400);
    CHECK(error_of(response)["code"] == "invalid_argument");
    CHECK(error_of(response)["message"].get<std::string>().find("malformed HTTP request") == 0);
  }
  {
    TestConnection connection(server.port());
    REQUIRE(connection.send("GET / HTTP/1.1\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n"));
    CHECK(connection.read_response().status == 431);
  }
  CHECK(http_request(server.port(), "GET", "/still-alive").status == 200);
}

TEST_CASE("http server: handler exceptions become JSON errors with the mapped status") {
  HttpServer server("127.0.0.1", 0, [](const HttpRequest& request) -> HttpResponse {
    const std::string& what = request.target;
    if (what == "/invalid") throw Error(ErrorCode::kInvalidArgument, "bad value", "spec.x");
    if (what == "/missing") throw Error(ErrorCode::kNotFound, "no such experiment");
    if (what == "/conflict") throw Error(ErrorCode::kConflict, "already exists");
    if (what == "/unavailable") throw Error(ErrorCode::kUnavailable, "store busy");
    if (what == "/internal") throw Error(ErrorCode::kInternal, "broken invariant");
    if (what == "/std") throw std::runtime_error("plain exception");
    if (what == "/int") throw 42;
    return HttpResponse{204, "", "not allowed on 204", {}};
  });
  struct Case {
    std::string path;
    int status;
    std::string code;
    std::string message;
  };
  for (const Case& c :
       std::vector<Case>{{"/invalid", 400, "invalid_argument", "spec.x: bad value"},
                         {"/missing", 404, "not_found", "no such experiment"},
                         {"/conflict", 409, "conflict", "already exists"},
                         {"/unavailable", 503, "unavailable", "store busy"},
                         {"/internal", 500, "internal", "broken invariant"},
                         {"/std", 500, "internal", "internal error: plain exception"},
                         {"/int", 500, "internal", "internal error: unknown exception"}}) {
    INFO(c.path);
    auto response = http_request(server.port(), "GET", c.path);
    CHECK(response.status == c.status);
    CHECK(response.headers.at("content-type") == "application/json");
    auto error = error_of(response);
    CHECK(error["code"] == c.code);
    CHECK(error["message"] == c.message);
  }
  CHECK(error_of(http_request(server.port(), "GET", "/invalid"))["field"] == "spec.x");
  // A response HTTP cannot carry (a body on 204) becomes a 500 rather than a broken reply.
  CHECK(http_request(server.port(), "GET", "/other").status == 500);
}

TEST_CASE("http server: many short sequential connections are all answered") {
  std::atomic<int> calls = 0;
  HttpServer server("127.0.0.1", 0, [&](const HttpRequest&) {
    ++calls;
    return HttpResponse{200, "application/json", "{}", {}};
  });
  for (int i = 0; i < 300; ++i)
    REQUIRE(http_request(server.port(), "POST", "/m", "{}").status == 200);
  CHECK(calls == 300);
}

TEST_CASE("http server: stop closes the listener and open connections, and is idempotent") {
  HttpServer server("127.0.0.1", 0, echo);
  uint16_t port = server.port();
  TestConnection idle(port);
  REQUIRE(idle.send(make_request("GET", "/")));
  REQUIRE(idle.read_response().status == 200);
  server.stop();
  CHECK(idle.closed_by_peer());
  CHECK_THROWS(TestConnection(port));
  server.stop();
}

TEST_CASE("http server: bad bind addresses and busy ports are clear errors") {
  try {
    HttpServer server("not-an-ip", 0, echo);
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::kInvalidArgument);
    CHECK(std::string(error.what()).find("not-an-ip") != std::string::npos);
  }
  HttpServer first("127.0.0.1", 0, echo);
  try {
    HttpServer second("127.0.0.1", first.port(), echo);
    FAIL("expected an error");
  } catch (const Error& error) {
    CHECK(error.code() == ErrorCode::kUnavailable);
    CHECK(std::string(error.what())
              .find("cannot listen on 127.0.0.1:" + std::to_string(first.port())) !=
          std::string::npos);
  }
}
