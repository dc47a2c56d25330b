// The one error type of sextant: a code, an optional field path, and a message for the user.
#pragma once

#include <stdexcept>
#include <string>

namespace sextant {

enum class ErrorCode { kInvalidArgument, kNotFound, kConflict, kUnavailable, kInternal };

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string field_path = {})
      : std::runtime_error(field_path.empty() ? message : field_path + ": " + message),
        code_(code),
        field_path_(std::move(field_path)),
        message_(std::move(message)) {}

  ErrorCode code() const { return code_; }
  const std::string& field_path() const { return field_path_; }
  // The message without the field path (what() carries both).
  const std::string& message() const { return message_; }

 private:
  ErrorCode code_;
  std::string field_path_;
  std::string message_;
};

// Exit codes documented in README (DESIGN.md section 8).
inline int exit_code_for(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return 2;
    case ErrorCode::kNotFound: return 3;
    case ErrorCode::kConflict: return 4;
    case ErrorCode::kUnavailable:
    case ErrorCode::kInternal: return 1;
  }
  return 1;
}

inline const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid_argument";
    case ErrorCode::kNotFound: return "not_found";
    case ErrorCode::kConflict: return "conflict";
    case ErrorCode::kUnavailable: return "unavailable";
    case ErrorCode::kInternal: return "internal";
  }
  return "internal";
}

}  // namespace sextant
