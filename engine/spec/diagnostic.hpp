// Spec problems: where (file, line, column, field path), what was expected, what was found.
#pragma once

#include <string>
#include <vector>

#include "engine/error.hpp"

namespace sextant::engine {

// A problem found in a spec, before it is located in the file. `path` uses Katib's field
// notation: "spec.parameters[1].feasibleSpace.min".
struct SpecProblem {
  std::string path;
  std::string message;
};

// A located problem. Renders as "exp.yaml:17:9: spec.parameters[1].feasibleSpace: message".
struct Diagnostic {
  std::string file;
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
  std::string path;
  std::string message;

  std::string to_string() const;
};

// Thrown when a spec is rejected; carries every problem, not just the first.
class SpecError : public Error {
 public:
  explicit SpecError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace sextant::engine
