// Trial template substitution: Katib's ${trialParameters.x} replacement, JSON-safe.
#include "trials/template/render.hpp"

#include <map>

#include "engine/error.hpp"

namespace sextant::trials {
namespace {

constexpr std::string_view kPlaceholderPrefix = "${trialParameters.";
constexpr std::string_view kMetadataPrefix = "${trialSpec.";
const std::string kTemplatePath = "spec.trialTemplate";

Error invalid(std::string message, std::string path = kTemplatePath) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), std::move(path));
}

// The string at object[a][b] when it is a string, else nullptr.
const std::string* string_at(const nlohmann::json& object, const char* a, const char* b,
                             const std::string& key) {
  auto outer = object.find(a);
  if (outer == object.end() || !outer->is_object()) return nullptr;
  auto inner = outer->find(b);
  if (inner == outer->end() || !inner->is_object()) return nullptr;
  auto value = inner->find(key);
  if (value == inner->end() || !value->is_string()) return nullptr;
  return value->get_ptr<const std::string*>();
}

std::string metadata_value(const engine::ExperimentSpec& spec, const nlohmann::json& trial_spec,
                           const std::string& trial_name, const std::string& reference,
                           const std::string& field) {
  // reference is "${trialSpec.<key>}"
  std::string key =
      reference.substr(kMetadataPrefix.size(), reference.size() - kMetadataPrefix.size() - 1);
  auto text_field = [&](const char* name) -> std::string {
    auto it = trial_spec.find(name);
    if (it == trial_spec.end() || !it->is_string())
      throw invalid("reference " + reference + ": trialSpec has no " + name, field);
    return it->get<std::string>();
  };
  if (key == "Name") return trial_name;
  if (key == "Namespace") return spec.namespace_name;
  if (key == "Kind") return text_field("kind");
  if (key == "APIVersion") return text_field("apiVersion");
  for (const auto& [prefix, map_name] : {std::pair{std::string("Labels["), "labels"},
                                         std::pair{std::string("Annotations["), "annotations"}}) {
    if (key.rfind(prefix, 0) == 0 && key.size() > prefix.size() + 1 && key.back() == ']') {
      std::string name = key.substr(prefix.size(), key.size() - prefix.size() - 1);
      const std::string* value = string_at(trial_spec, "metadata", map_name, name);
      if (!value)
        throw invalid("reference " + reference + ": trialSpec.metadata." + map_name +
                          " has no key '" + name + "'",
                      field);
      return *value;
    }
  }
  throw invalid("unknown metadata reference " + reference +
                    "; expected ${trialSpec.Name}, ${trialSpec.Namespace}, ${trialSpec.Kind}, "
                    "${trialSpec.APIVersion}, ${trialSpec.Labels[key]} or "
                    "${trialSpec.Annotations[key]}",
                field);
}

// A value as the inside of a JSON string literal (quotes, backslashes, control characters).
std::string json_escaped(const std::string& value, const std::string& name) {
  try {
    std::string quoted = nlohmann::json(value).dump();
    return quoted.substr(1, quoted.size() - 2);
  } catch (const nlohmann::json::exception&) {
    throw invalid("the value of trial parameter '" + name + "' is not valid UTF-8",
                  kTemplatePath + ".trialParameters");
  }
}

}  // namespace

bool is_metadata_reference(const std::string& reference) {
  return reference.size() > kMetadataPrefix.size() + 1 &&
         reference.rfind(kMetadataPrefix, 0) == 0 && reference.back() == '}';
}

nlohmann::json render_trial_object(const engine::ExperimentSpec& spec,
                                   const std::string& trial_name,
                                   const engine::Assignment& assignment) {
  const auto& tt = spec.trial_template;
  if (!tt.trial_spec) {
    if (tt.config_map)
      throw invalid("trial templates from a ConfigMap (" + tt.config_map->config_map_namespace +
                        "/" + tt.config_map->config_map_name +
                        ") cannot be read here; put the template inline as trialSpec",
                    kTemplatePath + ".configMap");
    throw invalid("has no trialSpec", kTemplatePath);
  }
  const nlohmann::json& trial_spec = *tt.trial_spec;
  if (!trial_spec.is_object()) throw invalid("must be an object", kTemplatePath + ".trialSpec");

  // Values by trial parameter name; Katib requires every assignment to be consumed.
  std::map<std::string, std::string> values;
  size_t non_metadata = 0;
  for (size_t i = 0; i < tt.trial_parameters.size(); ++i) {
    const auto& p = tt.trial_parameters[i];
    std::string field = kTemplatePath + ".trialParameters[" + std::to_string(i) + "].reference";
    if (is_metadata_reference(p.reference)) {
      values[p.name] = metadata_value(spec, trial_spec, trial_name, p.reference, field);
      continue;
    }
    ++non_metadata;
    const std::string* value = engine::find_value(assignment, p.reference);
    if (!value) {
      std::string have;
      for (const auto& a : assignment) have += (have.empty() ? "" : ", ") + a.name;
      throw invalid("trial parameter '" + p.name + "' references '" + p.reference +
                        "', which the assignment does not have (it has: " +
                        (have.empty() ? "nothing" : have) + ")",
                    field);
    }
    values[p.name] = *value;
  }
  if (non_metadata != assignment.size())
    throw invalid("the assignment has " + std::to_string(assignment.size()) +
                      " values but trialParameters has " + std::to_string(non_metadata) +
                      " non-metadata parameters; every assignment must be used by one",
                  kTemplatePath + ".trialParameters");

  std::string text;
  try {
    text = trial_spec.dump();
  } catch (const nlohmann::json::exception& e) {
    throw invalid(std::string("cannot be serialised: ") + e.what(), kTemplatePath + ".trialSpec");
  }

  // One pass: replaced text is never scanned again, so a value that looks like a placeholder
  // stays as it is.
  std::string out;
  out.reserve(text.size() + 64);
  size_t pos = 0;
  while (true) {
    size_t at = text.find(kPlaceholderPrefix, pos);
    if (at == std::string::npos) break;
    size_t close = text.find('}', at + kPlaceholderPrefix.size());
    if (close == std::string::npos) break;
    std::string name =
        text.substr(at + kPlaceholderPrefix.size(), close - at - kPlaceholderPrefix.size());
    auto it = values.find(name);
    if (it == values.end())
      throw invalid("uses ${trialParameters." + name + "}, which trialParameters does not declare",
                    kTemplatePath + ".trialSpec");
    out.append(text, pos, at - pos);
    out += json_escaped(it->second, name);
    pos = close + 1;
  }
  out.append(text, pos, std::string::npos);

  nlohmann::json object;
  try {
    object = nlohmann::json::parse(out);
  } catch (const nlohmann::json::exception& e) {
    throw invalid(std::string("is not valid JSON after substitution: ") + e.what(),
                  kTemplatePath + ".trialSpec");
  }
  if (!object.is_object())
    throw invalid("is not an object after substitution", kTemplatePath + ".trialSpec");
  auto& metadata = object["metadata"];
  if (metadata.is_null()) metadata = nlohmann::json::object();
  if (!metadata.is_object())
    throw invalid("metadata must be an object", kTemplatePath + ".trialSpec");
  object["metadata"]["name"] = trial_name;
  object["metadata"]["namespace"] = spec.namespace_name;
  return object;
}

}  // namespace sextant::trials
