// Trial template substitution: Katib's ${trialParameters.x} replacement, JSON-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::trials {

// Builds the trial's object from spec.trial_template (katib.md section 2.9): the inline
// trialSpec is serialised to JSON text, every ${trialParameters.<name>} is replaced by its
// value (the assignment named by the parameter's `reference`, or a metadata reference
// ${trialSpec.Name|Namespace|Kind|APIVersion|Labels[k]|Annotations[k]}), the text is parsed
// back, and metadata.name/namespace are set to the trial's.
//
// Unlike Katib, values are escaped as JSON string content, so a `"` or `\` in a value stays
// part of the value instead of corrupting the object. Also stricter than Katib: a placeholder
// that trialParameters does not declare is an error rather than left in place.
//
// Throws sextant::Error (kInvalidArgument) naming the field and the problem: no inline
// trialSpec, a reference to a missing assignment/label/annotation, an unknown metadata key,
// or a count of non-metadata trial parameters that differs from the assignment's size.
nlohmann::json render_trial_object(const engine::ExperimentSpec& spec,
                                   const std::string& trial_name,
                                   const engine::Assignment& assignment);

// True for a reference of the form ${trialSpec.X} (a metadata reference, not a parameter).
bool is_metadata_reference(const std::string& reference);

}  // namespace sextant::trials
