// Typed reading of one map of the spec document: wrong types become problems, never exceptions.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

enum class Need { kOptional, kRequired };

// Reads the fields of the map found at `path`. If something other than a map is there, that
// is reported once ("expected a map, found a list") and every getter returns nothing. Absent
// fields and fields set to null read as absent (Kubernetes' meaning of null); a required one
// is reported as "is required". Every wrong type is reported as
// "expected an integer, found string \"abc\"".
class FieldReader {
 public:
  FieldReader(const nlohmann::json* value, std::string path, ProblemList& problems,
              Need need = Need::kRequired);

  bool ok() const { return object_ != nullptr; }
  const std::string& path() const { return path_; }
  std::string field(const std::string& key) const;
  ProblemList& problems() const { return problems_; }

  // The raw value, or nullptr when absent or null.
  const nlohmann::json* get(const std::string& key) const;
  bool has(const std::string& key) const { return get(key) != nullptr; }

  std::optional<std::string> string(const std::string& key, Need need = Need::kOptional) const;
  // A required string that must not be empty either.
  std::optional<std::string> name(const std::string& key) const;
  std::optional<long long> integer(const std::string& key, Need need = Need::kOptional) const;
  std::optional<bool> boolean(const std::string& key) const;
  // A number, or a string holding one (Katib keeps some numbers as strings).
  std::optional<double> number(const std::string& key, Need need = Need::kOptional) const;
  const nlohmann::json* list(const std::string& key, Need need = Need::kOptional) const;
  const nlohmann::json* map(const std::string& key, Need need = Need::kOptional) const;
  // A map of strings to strings (labels, annotations).
  std::map<std::string, std::string> string_map(const std::string& key) const;

  // Reports fields that the Katib API does not have (typos would otherwise be ignored).
  void reject_unknown(const std::vector<std::string>& known) const;

 private:
  const nlohmann::json* required_or_null(const std::string& key, Need need) const;
  void wrong_type(const std::string& key, const char* expected, const nlohmann::json& v) const;

  const nlohmann::json* object_ = nullptr;
  std::string path_;
  ProblemList& problems_;
};

// The same checks for one value rather than a field of a map.
std::optional<std::string> read_string(const nlohmann::json& value, const std::string& path,
                                       ProblemList& problems);

}  // namespace sextant::engine
