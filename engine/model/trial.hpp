// Trials, assignments and observations: the engine's record of what ran and what it reported.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sextant::engine {

// One parameter value in Katib's string form (what the trial command receives).
struct ParameterAssignment {
  std::string name;
  std::string value;
  bool operator==(const ParameterAssignment&) const = default;
};
using Assignment = std::vector<ParameterAssignment>;

const std::string* find_value(const Assignment& assignment, const std::string& name);

// Katib's trial condition types. A trial is in exactly one of them.
enum class TrialState {
  kCreated,  // stored, not yet started (Katib: Pending)
  kRunning,
  kSucceeded,
  kFailed,
  kKilled,
  kEarlyStopped,
  kMetricsUnavailable,
};

const char* to_string(TrialState state);  // Katib condition type: "Created", "Running", ...
bool parse_trial_state(const std::string& text, TrialState& out);
bool is_completed(TrialState state);  // Katib: Succeeded, Failed, Killed, EarlyStopped, MetricsUnavailable
bool is_active(TrialState state);     // Created or Running

// Katib's per-metric observation summary. Values are strings; "unavailable" when never seen.
inline constexpr const char* kUnavailable = "unavailable";
struct MetricSummary {
  std::string name;
  std::string min = kUnavailable;
  std::string max = kUnavailable;
  std::string latest = kUnavailable;
};

// One reported value of a metric. step is the report's step (explicit, or the running count of
// reports of that metric in the trial when the worker gives none). Unique on (trial, metric, step).
struct ObservationPoint {
  std::string trial;
  std::string metric;
  int64_t step = 0;
  std::string value;  // Katib string form (numbers normally; DARTS reports a genotype string)
  double time = 0;    // unix seconds
};

struct Trial {
  std::string name;
  std::string experiment;
  int64_t sequence = 0;  // 1-based creation order within the experiment
  Assignment assignment;
  std::map<std::string, std::string> labels;
  TrialState state = TrialState::kCreated;
  std::string reason;   // Katib reason string of the current condition
  std::string message;  // human explanation (why it failed, what was missing)
  std::vector<MetricSummary> observation;
  std::optional<double> objective;  // strategy-derived objective value, when numeric
  std::string objective_text;       // strategy-derived objective string ("" = unavailable)
  double created_at = 0;            // unix seconds; 0 = not yet
  double started_at = 0;
  double completed_at = 0;
  std::string runner_handle;  // opaque, from the TrialRunner (pid and start time locally)
  std::string report_token;   // the trial's secret for the push endpoint
  // Where the trial saves its model: the local $SEXTANT_ARTIFACT_DIR, or
  // <artifact prefix>/<experiment>/<trial> (s3://..., pvc://...) when the run was given one.
  std::string artifact;
};

}  // namespace sextant::engine
