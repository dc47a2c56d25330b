// Plain HTTP request and response values shared by the server, the router and the endpoints.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "engine/error.hpp"

namespace sextant::engine {

struct HttpRequest {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // the path only, still percent-encoded: "/api/v1/trials/t-1/metrics"
  std::string query;   // what follows '?', without it; "" when there is none
  std::map<std::string, std::string> headers;  // names in lower case; repeats joined by ", "
  std::string body;
  std::string peer_address;  // the client's IP address as the server saw it ("" when unknown)

  // Whether the client is on this machine's loopback (127.0.0.0/8, ::1, or v4-mapped 127.x).
  bool from_loopback() const {
    return peer_address.rfind("127.", 0) == 0 || peer_address == "::1" ||
           peer_address.rfind("::ffff:127.", 0) == 0;
  }

  // The value of a header (name in lower case), or nullptr when absent.
  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::map<std::string, std::string> headers;  // extra headers: Allow, WWW-Authenticate, ...
};

// Called on a server thread, possibly on several threads at once.
using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

// invalid_argument 400, not_found 404, conflict 409, unavailable 503, internal 500.
int http_status_for(ErrorCode code);

// {"error":{"code":"<code>","message":"<message>"}}
HttpResponse error_response(int status, std::string_view code, std::string_view message);
// The same shape for a sextant::Error; "field" is added when the error names one.
HttpResponse error_response(const Error& error);
// Maps whatever a handler threw (sextant::Error by code, anything else to 500). Call it only
// from inside a catch block.
HttpResponse current_exception_response();

}  // namespace sextant::engine
