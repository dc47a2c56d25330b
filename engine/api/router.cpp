// Router: pattern parsing and matching, and the 404/405 answers.
#include "engine/api/router.hpp"

#include <algorithm>

namespace sextant::engine {
namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string percent_decode(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int high = i + 2 < text.size() ? hex_value(text[i + 1]) : -1;
    int low = i + 2 < text.size() ? hex_value(text[i + 2]) : -1;
    if (high < 0 || low < 0) {
      throw Error(ErrorCode::kInvalidArgument,
                  "broken percent-escape at offset " + std::to_string(i) + " in \"" + text + "\"");
    }
    out += static_cast<char>(high * 16 + low);
    i += 2;
  }
  return out;
}

void Router::add(std::string method, const std::string& pattern, RouteHandler handler) {
  Route route{std::move(method), pattern, {}, std::move(handler)};
  auto parts = split_path(pattern);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    Segment segment;
    if (part.starts_with('{')) {
      size_t close = part.find('}');
      if (close == std::string::npos || close == 1) {
        throw Error(ErrorCode::kInternal,
                    "route pattern \"" + pattern + "\": bad capture \"" + part + "\"");
      }
      segment.capture = part.substr(1, close - 1);
      segment.literal = part.substr(close + 1);
      if (segment.capture.ends_with("...")) {
        if (i + 1 != parts.size() || !segment.literal.empty()) {
          throw Error(ErrorCode::kInternal,
                      "route pattern \"" + pattern + "\": {x...} must be the whole last segment");
        }
        segment.capture.resize(segment.capture.size() - 3);
        segment.rest = true;
      }
    } else {
      segment.literal = part;
    }
    route.segments.push_back(std::move(segment));
  }
  routes_.push_back(std::move(route));
}

bool Router::match(const Route& route, const std::vector<std::string>& path, RouteParams& params) {
  params.clear();
  for (size_t i = 0; i < route.segments.size(); ++i) {
    const Segment& segment = route.segments[i];
    if (segment.rest) {
      std::string rest;
      for (size_t j = i; j < path.size(); ++j) rest += (j == i ? "" : "/") + path[j];
      params[segment.capture] = percent_decode(rest);
      return true;
    }
    if (i >= path.size()) return false;
    const std::string& actual = path[i];
    if (segment.capture.empty()) {
      if (actual != segment.literal) return false;
      continue;
    }
    if (actual.size() <= segment.literal.size() || !actual.ends_with(segment.literal)) return false;
    params[segment.capture] =
        percent_decode(actual.substr(0, actual.size() - segment.literal.size()));
  }
  return route.segments.size() == path.size();
}

HttpResponse Router::handle(const HttpRequest& request) const {
  try {
    auto path = split_path(request.target);
    RouteParams params;
    std::vector<std::string> allowed;
    for (const Route& route : routes_) {
      if (!match(route, path, params)) continue;
      if (route.method == request.method) return route.handler(request, params);
      if (std::find(allowed.begin(), allowed.end(), route.method) == allowed.end()) {
        allowed.push_back(route.method);
      }
    }
    if (allowed.empty()) {
      return error_response(404, "not_found", "no such endpoint: " + request.target);
    }
    std::string allow;
    for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
    auto response = error_response(405, "method_not_allowed",
                                   "method " + request.method + " is not allowed on " +
                                       request.target + " (allowed: " + allow + ")");
    response.headers["Allow"] = allow;
    return response;
  } catch (...) {
    return current_exception_response();
  }
}

}  // namespace sextant::engine
