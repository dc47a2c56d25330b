// Typed reading of the spec document's maps.
#include "engine/spec/field_reader.hpp"

#include <algorithm>
#include <cmath>

#include "engine/spec/field_path.hpp"
#include "engine/spec/number_text.hpp"

namespace sextant::engine {

FieldReader::FieldReader(const nlohmann::json* value, std::string path, ProblemList& problems,
                         Need need)
    : path_(std::move(path)), problems_(problems) {
  if (value == nullptr || value->is_null()) {
    if (need == Need::kRequired) problems_.add(path_, "is required");
    return;
  }
  if (!value->is_object()) {
    problems_.add(path_, "expected a map, found " + describe_value(*value));
    return;
  }
  object_ = value;
}

std::string FieldReader::field(const std::string& key) const {
  return path_key(path_, key);
}

const nlohmann::json* FieldReader::get(const std::string& key) const {
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

const nlohmann::json* FieldReader::required_or_null(const std::string& key, Need need) const {
  const auto* v = get(key);
  if (v == nullptr && need == Need::kRequired && object_ != nullptr)
    problems_.add(field(key), "is required");
  return v;
}

void FieldReader::wrong_type(const std::string& key, const char* expected,
                             const nlohmann::json& v) const {
  problems_.add(field(key), std::string("expected ") + expected + ", found " + describe_value(v));
}

std::optional<std::string> FieldReader::string(const std::string& key, Need need) const {
  const auto* v = required_or_null(key, need);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    wrong_type(key, "a string", *v);
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<std::string> FieldReader::name(const std::string& key) const {
  auto s = string(key, Need::kRequired);
  if (s && s->empty()) {
    problems_.add(field(key), "must not be empty");
    return std::nullopt;
  }
  return s;
}

std::optional<long long> FieldReader::integer(const std::string& key, Need need) const {
  const auto* v = required_or_null(key, need);
  if (v == nullptr) return std::nullopt;
  if (v->is_number_integer()) {
    // Katib's counts are int32.
    bool huge = v->is_number_unsigned() && v->get<unsigned long long>() > 2147483647ULL;
    long long n = huge ? 0 : v->get<long long>();
    if (huge || n < -2147483648LL || n > 2147483647LL) {
      problems_.add(field(key), "expected a 32-bit integer, found integer " + v->dump());
      return std::nullopt;
    }
    return n;
  }
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) <= 2147483647.0)
      return static_cast<long long>(d);
  }
  wrong_type(key, "an integer", *v);
  return std::nullopt;
}

std::optional<bool> FieldReader::boolean(const std::string& key) const {
  const auto* v = get(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_boolean()) {
    wrong_type(key, "true or false", *v);
    return std::nullopt;
  }
  return v->get<bool>();
}

std::optional<double> FieldReader::number(const std::string& key, Need need) const {
  const auto* v = required_or_null(key, need);
  if (v == nullptr) return std::nullopt;
  if (v->is_number()) {
    double d = v->get<double>();
    if (std::isfinite(d)) return d;
  } else if (v->is_string()) {
    double d = 0;
    if (parse_decimal(v->get<std::string>(), d)) return d;
  }
  wrong_type(key, "a number", *v);
  return std::nullopt;
}

const nlohmann::json* FieldReader::list(const std::string& key, Need need) const {
  const auto* v = required_or_null(key, need);
  if (v == nullptr) return nullptr;
  if (!v->is_array()) {
    wrong_type(key, "a list", *v);
    return nullptr;
  }
  return v;
}

const nlohmann::json* FieldReader::map(const std::string& key, Need need) const {
  const auto* v = required_or_null(key, need);
  if (v == nullptr) return nullptr;
  if (!v->is_object()) {
    wrong_type(key, "a map", *v);
    return nullptr;
  }
  return v;
}

std::map<std::string, std::string> FieldReader::string_map(const std::string& key) const {
  std::map<std::string, std::string> out;
  const auto* m = map(key);
  if (m == nullptr) return out;
  for (const auto& [k, v] : m->items()) {
    if (v.is_string())
      out[k] = v.get<std::string>();
    else
      problems_.add(path_key(field(key), k),
                    "expected a string (quote it), found " + describe_value(v));
  }
  return out;
}

void FieldReader::reject_unknown(const std::vector<std::string>& known) const {
  if (object_ == nullptr) return;
  for (const auto& [k, v] : object_->items()) {
    if (std::find(known.begin(), known.end(), k) != known.end()) continue;
    problems_.add(field(k), "unknown field " + quote(k) + "; known fields: " + join_names(known));
  }
}

std::optional<std::string> read_string(const nlohmann::json& value, const std::string& path,
                                       ProblemList& problems) {
  if (!value.is_string()) {
    problems.add(path, "expected a string, found " + describe_value(value));
    return std::nullopt;
  }
  return value.get<std::string>();
}

}  // namespace sextant::engine
