// Trial life cycle with the controller's field values (engine/controller/controller.cpp).
#include "bench/quality/trial_book.hpp"

#include "engine/controller/metrics_summary.hpp"
#include "engine/error.hpp"
#include "engine/model/search_space.hpp"
#include "engine/util/clock.hpp"

namespace sextant::bench {

std::vector<int64_t> TrialBook::start(std::vector<engine::Suggestion> suggestions) {
  std::vector<int64_t> ids;
  const double now = engine::unix_now();
  for (auto& s : suggestions) {
    engine::Trial t;
    t.sequence = static_cast<int64_t>(trials_.size()) + 1;
    t.name = spec_.name + "-" + std::to_string(t.sequence);
    t.experiment = spec_.name;
    t.assignment = std::move(s.assignment);
    t.labels = std::move(s.labels);
    t.created_at = now;
    // Launched at once: the bench has no queue, so Created lasts no time.
    t.state = engine::TrialState::kRunning;
    t.reason = "TrialRunning";
    t.message = "Trial is running";
    t.started_at = now;
    ids.push_back(t.sequence);
    trials_.push_back(std::move(t));
  }
  return ids;
}

engine::Trial& TrialBook::running(int64_t id) {
  if (id < 1 || id > static_cast<int64_t>(trials_.size()))
    throw Error(ErrorCode::kNotFound, "no trial with id " + std::to_string(id) + " (ids are 1.." +
                                          std::to_string(trials_.size()) + ")");
  auto& t = trials_[static_cast<size_t>(id - 1)];
  if (t.state != engine::TrialState::kRunning)
    throw Error(ErrorCode::kConflict, "trial " + std::to_string(id) + " is " +
                                          engine::to_string(t.state) + ", not Running");
  return t;
}

void TrialBook::succeed(int64_t id, double value) {
  auto& t = running(id);
  // One report of the objective metric, summarised and turned into the objective exactly as the
  // controller's finalize_trial does.
  engine::MetricSummary summary;
  summary.name = spec_.objective.objective_metric_name;
  engine::fold_value(summary, engine::format_double(value));
  t.observation = {summary};
  engine::derive_objective(spec_.objective, t);
  t.completed_at = engine::unix_now();
  if (t.objective_text.empty()) {
    t.state = engine::TrialState::kMetricsUnavailable;
    t.reason = "MetricsUnavailable";
    t.message = "no objective";
    return;
  }
  t.state = engine::TrialState::kSucceeded;
  t.reason = "TrialSucceeded";
  t.message = "Trial has succeeded";
}

void TrialBook::fail(int64_t id, const std::string& why) {
  auto& t = running(id);
  t.observation = {engine::MetricSummary{spec_.objective.objective_metric_name}};
  engine::derive_objective(spec_.objective, t);
  t.completed_at = engine::unix_now();
  t.state = engine::TrialState::kFailed;
  t.reason = "TrialFailed";
  t.message = why;
}

}  // namespace sextant::bench
