// Katib status rules, condition mechanics and Katib-shaped JSON objects.
#include "engine/controller/experiment_status.hpp"

#include <cmath>

#include "engine/controller/metrics_summary.hpp"

namespace sextant::engine {

using nlohmann::json;

TrialCounts count_trials(const std::vector<Trial>& trials) {
  TrialCounts c;
  for (const auto& t : trials) {
    ++c.total;
    switch (t.state) {
      case TrialState::kCreated: ++c.pending; break;
      case TrialState::kRunning: ++c.running; break;
      case TrialState::kSucceeded: ++c.succeeded; break;
      case TrialState::kFailed: ++c.failed; break;
      case TrialState::kKilled: ++c.killed; break;
      case TrialState::kEarlyStopped: ++c.early_stopped; break;
      case TrialState::kMetricsUnavailable: ++c.metrics_unavailable; break;
    }
  }
  return c;
}

const Trial* optimal_trial(const ObjectiveSpec& objective, const std::vector<Trial>& trials) {
  const Trial* best = nullptr;
  for (const auto& t : trials) {
    if (t.objective_text.empty()) continue;
    if (t.state != TrialState::kSucceeded && t.state != TrialState::kEarlyStopped) continue;
    if (!t.objective) {
      best = &t;  // Katib: a non-numeric objective wins (last such)
      continue;
    }
    if (!best || (best->objective && is_better(objective.type, *t.objective, *best->objective)))
      best = &t;
  }
  return best;
}

void ExperimentStatus::set_condition(const std::string& type, bool status, const std::string& reason,
                                     const std::string& message, double now) {
  if (const Condition* old = find(type); old && old->status == status && old->reason == reason)
    return;
  double transition = now;
  if (const Condition* old = find(type); old && old->status == status)
    transition = old->last_transition_time;
  if (type == "Succeeded" || type == "Failed") {
    for (auto& c : conditions)
      if (c.type == "Running" && c.status) {
        c.status = false;
        c.last_update_time = c.last_transition_time = now;
      }
  }
  if (type == "Restarting")
    std::erase_if(conditions, [](const Condition& c) { return c.type == "Succeeded" || c.type == "Failed"; });
  std::erase_if(conditions, [&](const Condition& c) { return c.type == type; });
  conditions.push_back({type, status, reason, message, now, transition});
}

const Condition* ExperimentStatus::find(const std::string& type) const {
  for (const auto& c : conditions)
    if (c.type == type) return &c;
  return nullptr;
}

bool ExperimentStatus::succeeded() const {
  auto* c = find("Succeeded");
  return c && c->status;
}

bool ExperimentStatus::failed() const {
  auto* c = find("Failed");
  return c && c->status;
}

std::string ExperimentStatus::completion_reason() const {
  if (succeeded()) return find("Succeeded")->reason;
  if (failed()) return find("Failed")->reason;
  return {};
}

json ExperimentStatus::to_json() const {
  json conds = json::array();
  for (const auto& c : conditions)
    conds.push_back({{"type", c.type},
                     {"status", c.status ? "True" : "False"},
                     {"reason", c.reason},
                     {"message", c.message},
                     {"lastUpdateTime", c.last_update_time},
                     {"lastTransitionTime", c.last_transition_time}});
  return {{"conditions", conds}, {"startTime", start_time}, {"completionTime", completion_time}};
}

ExperimentStatus ExperimentStatus::from_json(const json& j) {
  ExperimentStatus s;
  if (!j.is_object()) return s;
  for (const auto& c : j.value("conditions", json::array()))
    s.conditions.push_back({c.value("type", ""), c.value("status", "True") == "True",
                            c.value("reason", ""), c.value("message", ""),
                            c.value("lastUpdateTime", 0.0), c.value("lastTransitionTime", 0.0)});
  s.start_time = j.value("startTime", 0.0);
  s.completion_time = j.value("completionTime", 0.0);
  return s;
}

Completion check_completion(const ExperimentSpec& spec, const TrialCounts& counts,
                            const Trial* best, bool suggestions_exhausted) {
  if (spec.objective.goal && best && best->objective) {
    double goal = *spec.objective.goal;
    bool reached = spec.objective.type == ObjectiveType::kMinimize ? *best->objective <= goal
                                                                    : *best->objective >= goal;
    if (reached) return Completion::kGoalReached;
  }
  if (spec.max_failed_trial_count && counts.failed_for_budget() > 0 &&
      counts.failed_for_budget() >= *spec.max_failed_trial_count)
    return Completion::kMaxFailed;
  if (spec.max_trial_count && counts.completed() >= *spec.max_trial_count)
    return Completion::kMaxTrials;
  if (suggestions_exhausted && counts.active() == 0) return Completion::kSuggestionEnd;
  return Completion::kNone;
}

void apply_completion(ExperimentStatus& status, Completion completion, double now) {
  switch (completion) {
    case Completion::kNone: return;
    case Completion::kGoalReached:
      status.set_condition("Succeeded", true, "ExperimentGoalReached",
                           "Experiment has succeeded because Objective goal has reached", now);
      break;
    case Completion::kMaxFailed:
      status.set_condition("Failed", true, "ExperimentFailed",
                           "Experiment has failed because max failed count has reached", now);
      break;
    case Completion::kMaxTrials:
      status.set_condition("Succeeded", true, "ExperimentMaxTrialsReached",
                           "Experiment has succeeded because max trial count has reached", now);
      break;
    case Completion::kSuggestionEnd:
      status.set_condition("Succeeded", true, "ExperimentSuggestionEndReached",
                           "Experiment has succeeded because suggestion service has reached the end",
                           now);
      break;
  }
  status.completion_time = now;
}

namespace {

json assignments_json(const Assignment& assignment) {
  json out = json::array();
  for (const auto& a : assignment) out.push_back({{"name", a.name}, {"value", a.value}});
  return out;
}

json observation_json(const std::vector<MetricSummary>& metrics) {
  json out = json::array();
  for (const auto& m : metrics)
    out.push_back({{"name", m.name}, {"min", m.min}, {"max", m.max}, {"latest", m.latest}});
  return {{"metrics", out}};
}

json conditions_json(const ExperimentStatus& status) {
  json out = json::array();
  for (const auto& c : status.conditions)
    out.push_back({{"type", c.type},
                   {"status", c.status ? "True" : "False"},
                   {"reason", c.reason},
                   {"message", c.message},
                   {"lastUpdateTime", format_time_rfc3339(c.last_update_time)},
                   {"lastTransitionTime", format_time_rfc3339(c.last_transition_time)}});
  return out;
}

// Trial conditions are synthesised from the state and its times (Katib keeps a list).
json trial_conditions(const Trial& t) {
  json out = json::array();
  auto add = [&](const char* type, bool status, std::string reason, std::string message, double time) {
    out.push_back({{"type", type},
                   {"status", status ? "True" : "False"},
                   {"reason", reason},
                   {"message", message},
                   {"lastUpdateTime", format_time_rfc3339(time)},
                   {"lastTransitionTime", format_time_rfc3339(time)}});
  };
  add("Created", true, "TrialCreated", "Trial is created", t.created_at);
  if (t.state == TrialState::kCreated) return out;
  bool running = t.state == TrialState::kRunning;
  add("Running", running, "TrialRunning", running ? "Trial is running" : "Trial has finished",
      running ? t.started_at : t.completed_at);
  if (!running) add(to_string(t.state), true, t.reason, t.message, t.completed_at);
  return out;
}

}  // namespace

json katib_trial_object(const ExperimentSpec& spec, const Trial& t) {
  json labels = json::object();
  for (const auto& [k, v] : t.labels) labels[k] = v;
  labels["katib.kubeflow.org/experiment"] = spec.name;
  json status = {{"conditions", trial_conditions(t)}};
  if (t.started_at > 0) status["startTime"] = format_time_rfc3339(t.started_at);
  if (t.completed_at > 0) status["completionTime"] = format_time_rfc3339(t.completed_at);
  if (!t.observation.empty()) status["observation"] = observation_json(t.observation);
  json objective = spec.document.contains("spec") ? spec.document["spec"].value("objective", json::object())
                                                  : json::object();
  return {{"apiVersion", "kubeflow.org/v1beta1"},
          {"kind", "Trial"},
          {"metadata",
           {{"name", t.name}, {"namespace", spec.namespace_name}, {"labels", labels},
            {"creationTimestamp", format_time_rfc3339(t.created_at)}}},
          {"spec",
           {{"objective", objective},
            {"parameterAssignments", assignments_json(t.assignment)},
            {"primaryContainerName", spec.trial_template.primary_container_name},
            {"successCondition", spec.trial_template.success_condition},
            {"failureCondition", spec.trial_template.failure_condition},
            {"retainRun", spec.trial_template.retain}}},
          {"status", status}};
}

json katib_experiment_object(const json& spec_document, const ExperimentSpec& spec,
                             const ExperimentStatus& status, const std::vector<Trial>& trials) {
  json object = spec_document;
  TrialCounts counts = count_trials(trials);
  json s = json::object();
  if (status.start_time > 0) s["startTime"] = format_time_rfc3339(status.start_time);
  if (status.completion_time > 0) s["completionTime"] = format_time_rfc3339(status.completion_time);
  s["conditions"] = conditions_json(status);
  if (const Trial* best = optimal_trial(spec.objective, trials)) {
    s["currentOptimalTrial"] = {{"bestTrialName", best->name},
                                {"parameterAssignments", assignments_json(best->assignment)},
                                {"observation", observation_json(best->observation)}};
  } else {
    s["currentOptimalTrial"] = {{"bestTrialName", ""},
                                {"parameterAssignments", json::array()},
                                {"observation", {{"metrics", json::array()}}}};
  }
  const std::pair<TrialState, const char*> lists[] = {
      {TrialState::kRunning, "runningTrialList"},
      {TrialState::kCreated, "pendingTrialList"},
      {TrialState::kFailed, "failedTrialList"},
      {TrialState::kSucceeded, "succeededTrialList"},
      {TrialState::kKilled, "killedTrialList"},
      {TrialState::kEarlyStopped, "earlyStoppedTrialList"},
      {TrialState::kMetricsUnavailable, "metricsUnavailableTrialList"},
  };
  for (const auto& [state, key] : lists) {
    json names = json::array();
    for (const auto& t : trials)
      if (t.state == state) names.push_back(t.name);
    if (!names.empty()) s[key] = names;
  }
  s["trials"] = counts.total;
  s["trialsSucceeded"] = counts.succeeded;
  s["trialsFailed"] = counts.failed;
  s["trialsKilled"] = counts.killed;
  s["trialsPending"] = counts.pending;
  s["trialsRunning"] = counts.running;
  s["trialsEarlyStopped"] = counts.early_stopped;
  s["trialMetricsUnavailable"] = counts.metrics_unavailable;  // Katib's own (inconsistent) key
  object["status"] = s;
  return object;
}

}  // namespace sextant::engine
