// PushEndpoint: authentication, then validation of the whole body, then one delivery.
#include "engine/api/push_endpoint.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "engine/api/push_body.hpp"
#include "engine/util/clock.hpp"

namespace sextant::engine {
namespace {

HttpResponse unauthorized(const std::string& message) {
  auto response = error_response(401, "unauthenticated", message);
  response.headers["WWW-Authenticate"] = "Bearer";
  return response;
}

// The token of "Bearer <token>" (scheme case-insensitive, RFC 6750), or nullopt.
std::optional<std::string_view> bearer_token(const std::string* header) {
  if (!header) return std::nullopt;
  std::string_view value = *header;
  constexpr std::string_view kScheme = "bearer ";
  if (value.size() < kScheme.size()) return std::nullopt;
  for (size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(value[i])) != kScheme[i]) return std::nullopt;
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  return value;
}

}  // namespace

bool constant_time_equals(std::string_view given, std::string_view expected) {
  volatile unsigned char difference = given.size() == expected.size() ? 0 : 1;
  for (size_t i = 0; i < expected.size(); ++i) {
    unsigned char left = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    difference = difference | (left ^ static_cast<unsigned char>(expected[i]));
  }
  return difference == 0;
}

PushEndpoint::PushEndpoint(TokenLookup lookup, TrialEvents& sink)
    : lookup_(std::move(lookup)), sink_(sink) {
  add_routes(router_);
}

HttpResponse PushEndpoint::handle(const HttpRequest& request) {
  return router_.handle(request);
}

void PushEndpoint::add_routes(Router& router) {
  router.add("POST", kPushPathPattern,
             [this](const HttpRequest& request, const RouteParams& params) {
               return push(request, params);
             });
  router.add("GET", "/healthz", [](const HttpRequest&, const RouteParams&) {
    return HttpResponse{200, "application/json", R"({"status":"ok"})", {}};
  });
}

HttpResponse PushEndpoint::push(const HttpRequest& request, const RouteParams& params) {
  const std::string& trial = params.at("trial");
  std::optional<std::string> expected = lookup_(trial);
  if (!expected) return error_response(404, "not_found", "trial \"" + trial + "\" not found");

  auto token = bearer_token(request.header("authorization"));
  if (!token) {
    return unauthorized(
        "missing \"Authorization: Bearer <token>\" header (the worker's "
        "SEXTANT_REPORT_TOKEN)");
  }
  if (expected->empty() || !constant_time_equals(*token, *expected)) {
    return unauthorized("the report token is not the one of trial \"" + trial + "\"");
  }

  auto reports = parse_push_body(trial, request.body, unix_now());
  size_t count = reports.size();
  sink_.on_metrics(std::move(reports));
  return HttpResponse{200, "application/json", nlohmann::json{{"accepted", count}}.dump(), {}};
}

}  // namespace sextant::engine
