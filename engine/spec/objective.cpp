// Reading and checking spec.objective.
#include "engine/spec/objective.hpp"

#include <algorithm>
#include <set>

#include "engine/spec/field_path.hpp"
#include "engine/spec/field_reader.hpp"

namespace sextant::engine {

namespace {
bool parse_strategy(const std::string& text, MetricStrategy& out) {
  for (auto s : {MetricStrategy::kMin, MetricStrategy::kMax, MetricStrategy::kLatest})
    if (text == to_string(s)) {
      out = s;
      return true;
    }
  return false;
}
}  // namespace

ObjectiveSpec read_objective(const nlohmann::json* value, const std::string& path,
                             ProblemList& problems) {
  ObjectiveSpec objective;
  FieldReader r(value, path, problems);
  if (!r.ok()) return objective;
  r.reject_unknown(
      {"type", "goal", "objectiveMetricName", "additionalMetricNames", "metricStrategies"});
  if (auto type = r.string("type", Need::kRequired)) {
    if (*type == "minimize")
      objective.type = ObjectiveType::kMinimize;
    else if (*type == "maximize")
      objective.type = ObjectiveType::kMaximize;
    else
      problems.add(r.field("type"),
                   "unknown objective type " + quote(*type) + "; expected minimize or maximize");
  }
  objective.goal = r.number("goal");
  if (auto name = r.name("objectiveMetricName")) objective.objective_metric_name = *name;

  std::set<std::string> metrics{objective.objective_metric_name};
  if (const auto* additional = r.list("additionalMetricNames")) {
    for (size_t i = 0; i < additional->size(); ++i) {
      auto item_path = path_index(r.field("additionalMetricNames"), i);
      auto name = read_string((*additional)[i], item_path, problems);
      if (!name) continue;
      if (name->empty())
        problems.add(item_path, "must not be empty");
      else if (*name == objective.objective_metric_name)
        problems.add(item_path, "must not repeat the objective metric " + quote(*name));
      else if (!metrics.insert(*name).second)
        problems.add(item_path, "duplicate metric name " + quote(*name));
      else
        objective.additional_metric_names.push_back(*name);
    }
  }

  std::set<std::string> with_strategy;
  if (const auto* strategies = r.list("metricStrategies")) {
    for (size_t i = 0; i < strategies->size(); ++i) {
      FieldReader s(&(*strategies)[i], path_index(r.field("metricStrategies"), i), problems);
      if (!s.ok()) continue;
      s.reject_unknown({"name", "value"});
      auto name = s.name("name");
      auto text = s.string("value", Need::kRequired);
      MetricStrategy strategy = MetricStrategy::kLatest;
      if (text && !parse_strategy(*text, strategy)) {
        problems.add(s.field("value"),
                     "unknown metric strategy " + quote(*text) + "; expected min, max or latest");
        text.reset();
      }
      if (!name) continue;
      if (!metrics.count(*name)) {
        problems.add(s.field("name"), "no metric named " + quote(*name) +
                                          " in objectiveMetricName or additionalMetricNames");
        continue;
      }
      if (!with_strategy.insert(*name).second) {
        problems.add(s.field("name"), "duplicate strategy for metric " + quote(*name));
        continue;
      }
      if (text) objective.metric_strategies.emplace_back(*name, strategy);
    }
  }
  // Katib's defaulting rule for documents that were not defaulted (a hand-written store entry).
  auto rule =
      objective.type == ObjectiveType::kMaximize ? MetricStrategy::kMax : MetricStrategy::kMin;
  for (const auto& name : objective.all_metric_names())
    if (!name.empty() && !with_strategy.count(name))
      objective.metric_strategies.emplace_back(name, rule);
  return objective;
}

}  // namespace sextant::engine
