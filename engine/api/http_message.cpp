// The JSON error shape and the ErrorCode to HTTP status mapping.
#include "engine/api/http_message.hpp"

#include <exception>

#include <nlohmann/json.hpp>

namespace sextant::engine {

int http_status_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse error_response(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  HttpResponse response;
  response.status = status;
  // "replace" keeps a handler's non-UTF-8 bytes from turning an error into an exception.
  response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse error_response(const Error& error) {
  nlohmann::json inner = {{"code", to_string(error.code())}, {"message", error.what()}};
  if (!error.field_path().empty()) inner["field"] = error.field_path();
  HttpResponse response;
  response.status = http_status_for(error.code());
  response.body = nlohmann::json{{"error", inner}}.dump(-1, ' ', false,
                                                        nlohmann::json::error_handler_t::replace);
  return response;
}

HttpResponse current_exception_response() {
  try {
    throw;
  } catch (const Error& error) {
    return error_response(error);
  } catch (const std::exception& error) {
    return error_response(500, "internal", std::string("internal error: ") + error.what());
  } catch (...) {
    return error_response(500, "internal", "internal error: unknown exception");
  }
}

}  // namespace sextant::engine
