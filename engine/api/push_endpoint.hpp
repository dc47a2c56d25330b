// The metrics push endpoint: POST /api/v1/trials/{trial}/metrics with the trial's own token.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "engine/api/http_message.hpp"
#include "engine/api/router.hpp"
#include "engine/ports/trial_runner.hpp"

namespace sextant::engine {

// Routes:
//   POST /api/v1/trials/{trial}/metrics   body as parse_push_body() (push_body.hpp) describes
//   GET  /healthz                         200 {"status":"ok"}
// Push answers, in the order they are checked:
//   404 the trial is unknown (TokenLookup gave nullopt)
//   401 no "Authorization: Bearer <token>", or a token other than the trial's (constant-time
//       comparison; a trial whose token is empty accepts none)
//   400 a body problem, naming the field ("metrics.loss: value NaN is not a finite number");
//       the whole body is validated before anything is delivered, so a bad request delivers
//       nothing
//   200 {"accepted": N}: N MetricReports were handed to sink.on_metrics() in one call
//   whatever the sink throws, mapped by http_status_for()
// Thread-safe if TokenLookup and the sink are: the server calls it from several threads.
class PushEndpoint {
 public:
  using TokenLookup = std::function<std::optional<std::string>(const std::string& trial)>;

  PushEndpoint(TokenLookup lookup, TrialEvents& sink);
  PushEndpoint(const PushEndpoint&) = delete;
  PushEndpoint& operator=(const PushEndpoint&) = delete;

  // Serves the two routes above; anything else is 404 (405 for a known path, wrong method).
  HttpResponse handle(const HttpRequest& request);
  // Adds the same two routes to a larger router (the engine's REST API). This endpoint must
  // outlive the router.
  void add_routes(Router& router);

 private:
  HttpResponse push(const HttpRequest& request, const RouteParams& params);

  TokenLookup lookup_;
  TrialEvents& sink_;
  Router router_;
};

// Equal strings, in time that depends on the lengths only (not on where they differ).
bool constant_time_equals(std::string_view given, std::string_view expected);

inline constexpr const char* kPushPathPattern = "/api/v1/trials/{trial}/metrics";

}  // namespace sextant::engine
