// Katib's experiment status: trial counters, conditions, the optimal trial, completion rules.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"
#include "engine/util/rfc3339.hpp"  // format_time_rfc3339, used with these objects

namespace sextant::engine {

struct TrialCounts {
  int total = 0;
  int pending = 0;  // Created
  int running = 0;
  int succeeded = 0;
  int failed = 0;
  int killed = 0;
  int early_stopped = 0;
  int metrics_unavailable = 0;

  int active() const { return pending + running; }
  // Katib: completed = Succeeded + Failed + Killed + EarlyStopped + MetricsUnavailable.
  int completed() const { return succeeded + failed + killed + early_stopped + metrics_unavailable; }
  // Katib: what maxFailedTrialCount counts.
  int failed_for_budget() const { return failed + metrics_unavailable; }
};

TrialCounts count_trials(const std::vector<Trial>& trials);

// Katib section 2.4: the best trial by the objective's strategy value. A value that is not a
// number makes its trial the best (DARTS reports a genotype string); ties keep the earlier trial.
const Trial* optimal_trial(const ObjectiveSpec& objective, const std::vector<Trial>& trials);

struct Condition {
  std::string type;  // Created, Running, Restarting, Succeeded, Failed
  bool status = true;
  std::string reason;
  std::string message;
  double last_update_time = 0;
  double last_transition_time = 0;
};

// The persisted part of the status. Counters, trial lists and the optimal trial are derived
// from the trials whenever the status is shown.
struct ExperimentStatus {
  std::vector<Condition> conditions;
  double start_time = 0;
  double completion_time = 0;

  // Katib's condition mechanics: same status and reason is a no-op; otherwise the old entry of
  // that type is removed and the new one appended. Succeeded/Failed flip Running to False;
  // Restarting removes Succeeded and Failed.
  void set_condition(const std::string& type, bool status, const std::string& reason,
                     const std::string& message, double now);
  const Condition* find(const std::string& type) const;
  bool succeeded() const;
  bool failed() const;
  bool completed() const { return succeeded() || failed(); }
  // The completed condition's reason (ExperimentGoalReached, ...), or "".
  std::string completion_reason() const;

  nlohmann::json to_json() const;
  static ExperimentStatus from_json(const nlohmann::json& j);
};

enum class Completion { kNone, kGoalReached, kMaxFailed, kMaxTrials, kSuggestionEnd };

// Katib's order: goal, then maxFailedTrialCount, then maxTrialCount; then our clean end when
// the algorithm is exhausted and nothing is active.
Completion check_completion(const ExperimentSpec& spec, const TrialCounts& counts,
                            const Trial* best, bool suggestions_exhausted);

// Applies a completion to the status with Katib's reason strings and messages.
void apply_completion(ExperimentStatus& status, Completion completion, double now);

// Katib-shaped objects for `get ... -o json|yaml` and the HTTP API.
nlohmann::json katib_experiment_object(const nlohmann::json& spec_document,
                                       const ExperimentSpec& spec, const ExperimentStatus& status,
                                       const std::vector<Trial>& trials);
nlohmann::json katib_trial_object(const ExperimentSpec& spec, const Trial& trial);

}  // namespace sextant::engine
