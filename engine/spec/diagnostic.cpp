// Rendering of located spec problems, and the error that carries all of them.
#include "engine/spec/diagnostic.hpp"

namespace sextant::engine {

std::string Diagnostic::to_string() const {
  std::string out = file;
  if (!file.empty() && line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) out += ":" + std::to_string(column);
  }
  auto add = [&out](const std::string& part) {
    if (part.empty()) return;
    out += (out.empty() ? "" : ": ") + part;
  };
  add(path);
  add(message);
  return out;
}

namespace {
std::string join(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += (out.empty() ? "" : "\n") + d.to_string();
  return out.empty() ? std::string("invalid experiment spec") : out;
}
}  // namespace

SpecError::SpecError(std::vector<Diagnostic> diagnostics)
    : Error(ErrorCode::kInvalidArgument, join(diagnostics)), diagnostics_(std::move(diagnostics)) {}

}  // namespace sextant::engine
