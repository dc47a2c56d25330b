// A small path router: "/api/v1/trials/{trial}/metrics" patterns, 404 and 405 answered for you.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "engine/api/http_message.hpp"

namespace sextant::engine {

// Captured path parameters, already percent-decoded.
using RouteParams = std::map<std::string, std::string>;
using RouteHandler = std::function<HttpResponse(const HttpRequest&, const RouteParams&)>;

// Pattern syntax, one path segment at a time:
//   "trials"        the literal segment
//   "{trial}"       any non-empty segment, captured as "trial"
//   "{name}:stop"   a segment ending in the literal ":stop", the part before captured as "name"
//   "{path...}"     last segment only: the rest of the path (possibly empty), captured as "path"
// Routes are tried in the order they were added; the first whose pattern and method match wins.
// A path that matches some pattern but none with the request's method gets 405 with Allow.
// Handlers may throw sextant::Error; handle() turns it into the JSON error response.
class Router {
 public:
  void add(std::string method, const std::string& pattern, RouteHandler handler);
  HttpResponse handle(const HttpRequest& request) const;

 private:
  struct Segment {
    std::string literal;  // whole literal, or the suffix after a capture
    std::string capture;  // "" for a pure literal
    bool rest = false;
  };
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<Segment> segments;
    RouteHandler handler;
  };
  static bool match(const Route& route, const std::vector<std::string>& path, RouteParams& params);

  std::vector<Route> routes_;
};

// Decodes %XX escapes; throws Error(kInvalidArgument) on a broken escape.
std::string percent_decode(const std::string& text);

}  // namespace sextant::engine
