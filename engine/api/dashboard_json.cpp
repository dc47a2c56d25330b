// The JSON shapes of the dashboard's REST API.
#include "engine/api/dashboard_json.hpp"

#include "engine/util/numbers.hpp"

namespace sextant::engine {

using nlohmann::json;

json parameter_spec_json(const ParameterSpec& p) {
  json out = {{"name", p.name},
              {"type", to_string(p.type)},
              {"distribution", to_string(p.distribution)},
              {"log", p.distribution == Distribution::kLogUniform ||
                          p.distribution == Distribution::kLogNormal}};
  if (p.is_numeric_range()) {
    out["min"] = p.min;
    out["max"] = p.max;
    if (p.step > 0) out["step"] = p.step;
  } else {
    out["list"] = p.list;
  }
  return out;
}

json numeric_or_null(const std::string& text) {
  auto value = parse_finite_number(text);
  return value ? json(*value) : json(nullptr);
}

json trial_summary_json(const Trial& t, const std::vector<std::string>& parameter_names) {
  json values = json::array();
  for (const auto& name : parameter_names) {
    const std::string* v = find_value(t.assignment, name);
    values.push_back(v ? *v : "");
  }
  json metrics = json::array();
  for (const auto& m : t.observation)
    metrics.push_back({{"name", m.name}, {"min", m.min}, {"max", m.max}, {"latest", m.latest}});
  return {{"seq", t.sequence},
          {"name", t.name},
          {"state", to_string(t.state)},
          {"reason", t.reason},
          {"message", t.message},
          {"values", std::move(values)},
          {"objective", t.objective ? json(*t.objective) : json(nullptr)},
          {"objectiveText", t.objective_text},
          {"metrics", std::move(metrics)},
          {"createdAt", t.created_at},
          {"startedAt", t.started_at},
          {"completedAt", t.completed_at}};
}

std::string status_word(const ExperimentStatus& s) {
  for (auto it = s.conditions.rbegin(); it != s.conditions.rend(); ++it)
    if (it->status) return it->type;
  return s.conditions.empty() ? "Created" : s.conditions.back().type;
}

json experiment_summary_json(const ExperimentSpec& spec, const ExperimentStatus& status,
                             double created_at, double updated_at,
                             const std::map<std::string, int64_t>& state_counts,
                             const std::optional<Trial>& best) {
  json counts = json::object();
  int64_t total = 0;
  for (auto state :
       {TrialState::kCreated, TrialState::kRunning, TrialState::kSucceeded, TrialState::kFailed,
        TrialState::kKilled, TrialState::kEarlyStopped, TrialState::kMetricsUnavailable}) {
    auto it = state_counts.find(to_string(state));
    int64_t n = it == state_counts.end() ? 0 : it->second;
    counts[to_string(state)] = n;
    total += n;
  }
  counts["total"] = total;

  json strategies = json::object();
  for (const auto& [metric, strategy] : spec.objective.metric_strategies)
    strategies[metric] = to_string(strategy);
  json objective = {{"type", to_string(spec.objective.type)},
                    {"metric", spec.objective.objective_metric_name},
                    {"goal", spec.objective.goal ? json(*spec.objective.goal) : json(nullptr)},
                    {"additionalMetrics", spec.objective.additional_metric_names},
                    {"strategies", std::move(strategies)}};

  json best_json = nullptr;
  if (best) {
    json parameters = json::object();
    for (const auto& a : best->assignment) parameters[a.name] = a.value;
    best_json = {{"trial", best->name},
                 {"seq", best->sequence},
                 {"value", best->objective ? json(*best->objective) : json(nullptr)},
                 {"valueText", best->objective_text},
                 {"parameters", std::move(parameters)}};
  }
  json settings = json::array();
  for (const auto& s : spec.algorithm.settings)
    settings.push_back({{"name", s.name}, {"value", s.value}});

  std::string reason, message;
  for (auto it = status.conditions.rbegin(); it != status.conditions.rend(); ++it)
    if (it->status) {
      reason = it->reason;
      message = it->message;
      break;
    }
  return {{"name", spec.name},
          {"namespace", spec.namespace_name},
          {"status", status_word(status)},
          {"reason", reason},
          {"message", message},
          {"algorithm", spec.algorithm.algorithm_name},
          {"algorithmSettings", std::move(settings)},
          {"earlyStopping",
           spec.early_stopping ? json(spec.early_stopping->algorithm_name) : json(nullptr)},
          {"objective", std::move(objective)},
          {"maxTrialCount", spec.max_trial_count ? json(*spec.max_trial_count) : json(nullptr)},
          {"maxFailedTrialCount",
           spec.max_failed_trial_count ? json(*spec.max_failed_trial_count) : json(nullptr)},
          {"parallelTrialCount", spec.parallel_trial_count},
          {"trials", std::move(counts)},
          {"best", std::move(best_json)},
          {"createdAt", created_at},
          {"updatedAt", updated_at},
          {"startTime", status.start_time},
          {"completionTime", status.completion_time},
          {"sourceFile", spec.source_file}};
}

json kubernetes_object_ref(const std::string& handle) {
  const std::string prefix = "kube:";
  if (handle.rfind(prefix, 0) != 0) return nullptr;
  std::vector<std::string> parts;
  size_t begin = prefix.size();
  for (size_t colon; (colon = handle.find(':', begin)) != std::string::npos; begin = colon + 1)
    parts.push_back(handle.substr(begin, colon - begin));
  parts.push_back(handle.substr(begin));
  if (parts.size() != 4) return nullptr;
  return {
      {"apiVersion", parts[0]}, {"kind", parts[1]}, {"namespace", parts[2]}, {"name", parts[3]}};
}

}  // namespace sextant::engine
