// The JSON shapes of the dashboard's REST API: compact trials, parameter specs, experiment
// summaries (documented in dashboard/README.md).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/controller/experiment_status.hpp"
#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::engine {

// {"name","type","distribution","log","min","max","step","list"}: what a plot needs to pick its
// axis (log for logUniform/logNormal, categories for categorical and discrete).
nlohmann::json parameter_spec_json(const ParameterSpec& parameter);

// A trial as the pages use it. `values` are the parameter values (Katib's strings) in the order
// of `parameter_names`, "" for a parameter the trial lacks; objective is a number or null.
nlohmann::json trial_summary_json(const Trial& trial,
                                  const std::vector<std::string>& parameter_names);

// The experiment's status word, as Katib's printer column shows it: the type of the last
// condition that is true ("Running", "Succeeded", ...), "Created" when there is none.
std::string status_word(const ExperimentStatus& status);

// One experiment for the list and the page header: status, algorithm, objective, counts by
// state, the best trial (name, value, parameters) and times.
nlohmann::json experiment_summary_json(const ExperimentSpec& spec, const ExperimentStatus& status,
                                       double created_at, double updated_at,
                                       const std::map<std::string, int64_t>& state_counts,
                                       const std::optional<Trial>& best);

// A metric value as a plot reads it: the number, or null when the text is not one.
nlohmann::json numeric_or_null(const std::string& text);

// The "kube:<apiVersion>:<kind>:<namespace>:<name>" runner handle of a Kubernetes trial as
// {"apiVersion","kind","namespace","name"}; null for any other handle.
nlohmann::json kubernetes_object_ref(const std::string& runner_handle);

}  // namespace sextant::engine
