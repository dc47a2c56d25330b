// Shared pieces of the Argo and Tekton readers: typed field access with paths, references.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestration/pipeline/pipeline.hpp"

namespace sextant::orchestration::pipeline_detail {

using nlohmann::json;

// Throws sextant::Error (kInvalidArgument) at `path`.
[[noreturn]] void fail(const std::string& path, const std::string& message);

// `object[key]` when present and not null, else nullptr; throws when `object` is not an object.
const json* member(const json& object, const std::string& key, const std::string& path);
// The member as a string (numbers and booleans are written as text, as YAML users expect);
// nullopt when absent.
std::optional<std::string> string_member(const json& object, const std::string& key,
                                         const std::string& path);
// The member as a list of strings (absent: empty).
std::vector<std::string> string_list(const json& object, const std::string& key,
                                     const std::string& path);
// The member as an array (absent: empty); throws when it is something else.
const json& array_member(const json& object, const std::string& key, const std::string& path);
// Throws "<what> is not supported locally" when the member is present and not empty.
void reject(const json& object, const std::string& key, const std::string& path,
            const std::string& why);

// Replaces every reference opened by `open` ("{{" or "$(") and closed by `close` ("}}" or ")")
// whose trimmed body `lookup` resolves; others stay as written. `lookup` may throw.
std::string substitute(const std::string& text, const std::string& open, const std::string& close,
                       const std::function<std::optional<std::string>(
                           const std::string& body, const std::string& whole)>& lookup);

// Substitutes a reader's references in a field's text; the path names the field for errors.
using Substitution = std::function<std::string(const std::string& text, const std::string& path)>;

// A container's (Argo) or step's (Tekton) env, command and args as Kubernetes reads them: each
// value substituted by `sub`, then $(VAR) expanded to the env entries before it. The env goes to
// step.env; env entries without a name or with valueFrom throw at their path.
struct ContainerArgv {
  std::vector<std::string> command;
  std::vector<std::string> args;
};
ContainerArgv read_container_argv(const json& container, const std::string& path,
                                  const Substitution& sub, PipelineStep& step);

// Every label of `wanted` is in `labels` with the same value.
bool labels_match(const std::map<std::string, std::string>& labels,
                  const std::map<std::string, std::string>& wanted);

// Ordering, dependency and primary checks shared by both kinds (see read_pipeline).
void finish_pipeline(Pipeline& pipeline, const PrimarySelector& primary);

// A Go duration ("1h30m", "90s", "0") in whole seconds; nullopt for 0 (no limit).
std::optional<int64_t> parse_go_duration(const std::string& text, const std::string& path);

Pipeline read_argo_workflow(const json& object, const PrimarySelector& primary);
Pipeline read_tekton_pipeline_run(const json& object, const PrimarySelector& primary);

}  // namespace sextant::orchestration::pipeline_detail
