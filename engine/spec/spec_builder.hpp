// The typed ExperimentSpec, read from a (defaulted) Experiment document.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

// Reads every section (apiVersion/kind, metadata, objective, algorithm, earlyStopping, counts,
// resumePolicy, parameters or nasConfig, trialTemplate, metricsCollectorSpec) with the checks
// that concern one section alone, recording problems and building what it can. Cross-section
// rules are in validate.hpp. Sets spec.document to `document`.
ExperimentSpec build_experiment_spec(const nlohmann::json& document, ProblemList& problems);

}  // namespace sextant::engine
