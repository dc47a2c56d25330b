// Collecting spec problems while reading: every check adds to one list, nothing stops early.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/spec/diagnostic.hpp"

namespace sextant::engine {

class ProblemList {
 public:
  void add(std::string path, std::string message);
  void add_all(const std::vector<SpecProblem>& problems);
  // True when a problem was already reported at `path` or below it; later checks skip such
  // fields so that one mistake is not reported twice.
  bool has_under(const std::string& path) const;
  bool empty() const { return items_.empty(); }
  const std::vector<SpecProblem>& items() const { return items_; }

 private:
  std::vector<SpecProblem> items_;
};

// A value as a message shows what was found: `string "abc"`, `integer 5`, `number 0.5`,
// `boolean true`, `null`, `a list`, `a map`.
std::string describe_value(const nlohmann::json& value);

// `"abc"` with quotes and escapes, shortened when long.
std::string quote(const std::string& text);

// "a, b, c" (or "(none)").
std::string join_names(const std::vector<std::string>& names);

}  // namespace sextant::engine
