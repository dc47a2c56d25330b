// spec.trialTemplate: source (inline trialSpec or configMap), trial parameters, placeholders.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

// One "${trialParameters.<name>}" found in the inline trialSpec, with the field it is in.
struct PlaceholderUse {
  std::string name;
  std::string path;
};

// Every ${trialParameters.x} in `trial_spec` (keys and string values), in document order.
std::vector<PlaceholderUse> find_placeholders(const nlohmann::json& trial_spec,
                                              const std::string& path);

// True for Katib's metadata references: ${trialSpec.Name}, ${trialSpec.Namespace},
// ${trialSpec.Kind}, ${trialSpec.APIVersion}, ${trialSpec.Labels[k]}, ${trialSpec.Annotations[k]}.
bool is_metadata_reference(const std::string& reference);

// Katib's rules: exactly one of trialSpec/configMap; trialSpec has apiVersion and kind and no
// metadata.name/namespace; configMap has its 3 fields (its content can only be read on a
// cluster, so it is not checked here: the controller reports it at run time);
// primaryContainerName, successCondition and failureCondition set (after defaulting);
// trialParameters present, names without braces, names and references unique; every declared
// parameter's placeholder used and every placeholder declared. Stricter: metadata references
// well formed and naming labels/annotations the trialSpec has; a batch/v1 Job has a container
// named primaryContainerName. References to spec.parameters are checked in validate.hpp.
TrialTemplate read_trial_template(const nlohmann::json* value, const std::string& path,
                                  ProblemList& problems);

}  // namespace sextant::engine
