// Rules that span sections of the spec, and the checks against what this build can run.
#pragma once

#include "engine/spec/experiment_spec.hpp"
#include "engine/spec/spec_loader.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::engine {

// Katib's cross-field rules: trial counts (positive, maxFailed and parallel not above max),
// exactly one of parameters/nasConfig, trial-parameter references naming spec.parameters (or
// trialSpec metadata). Stricter: every spec.parameters entry is referenced by a trial parameter
// (Katib fails every trial at run time otherwise).
void check_cross_fields(const ExperimentSpec& spec, ProblemList& problems);

// The algorithm and early-stopping names against the catalog: a Katib name this build lacks is
// "not implemented yet", any other unknown name is "unknown"; both list what is available. A
// known algorithm's factory then checks the spec (settings, parameter types, budget), but only
// when the parameters and algorithm sections read cleanly.
void check_against_catalog(const ExperimentSpec& spec, const SpecCatalog& catalog,
                           ProblemList& problems);

}  // namespace sextant::engine
