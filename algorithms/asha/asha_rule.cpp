// The `asha` early-stopping rule: rung crossings, rung values, the top-1/eta test, advice.
#include "algorithms/asha/asha_rule.hpp"

#include <algorithm>

#include "engine/error.hpp"
#include "engine/model/search_space.hpp"

namespace sextant::algorithms {

namespace {

// The first point at or after `rung`: what the trial scored when it got there (steps may skip
// the rung itself, and the curve of a finished trial goes on past it).
const engine::CurvePoint* first_at(const engine::Curve& curve, double rung) {
  auto it = std::lower_bound(
      curve.begin(), curve.end(), rung,
      [](const engine::CurvePoint& p, double r) { return static_cast<double>(p.step) < r; });
  return it == curve.end() ? nullptr : &*it;
}

std::string bracket_suffix(const AshaSettings& s, int64_t bracket) {
  return s.brackets > 1 ? " of bracket " + std::to_string(bracket) : "";
}

}  // namespace

AshaRule::AshaRule(AshaSettings settings, engine::ObjectiveType type, std::string metric)
    : settings_(std::move(settings)), type_(type), metric_(std::move(metric)) {}

int64_t AshaRule::bracket_of(const engine::Trial& trial) const {
  return trial.sequence > 0 ? (trial.sequence - 1) % settings_.brackets : 0;
}

std::optional<double> AshaRule::crossed_rung(int64_t bracket, std::optional<int64_t> previous,
                                             int64_t newest) const {
  std::optional<double> highest;
  for (int64_t k = 0;; ++k) {
    const double r = settings_.rung(bracket, k);
    if (!(r <= static_cast<double>(newest))) break;
    if (settings_.max_resource && r >= *settings_.max_resource) break;
    if (!previous || static_cast<double>(*previous) < r) highest = r;
  }
  return highest;
}

engine::StopDecision AshaRule::evaluate(const engine::Trial& trial,
                                        const std::vector<engine::Trial>& trials,
                                        const engine::LearningCurves& curves) const {
  const engine::Curve* curve = curves.find(trial.name);
  if (curve == nullptr) return {};
  const int64_t bracket = bracket_of(trial);
  std::optional<int64_t> previous;
  if (curve->size() > 1) previous = (*curve)[curve->size() - 2].step;
  if (auto rung = crossed_rung(bracket, previous, curve->back().step))
    return decide(trial, *rung, trials, curves);
  return advice(bracket, trials, curves);
}

engine::StopDecision AshaRule::decide(const engine::Trial& trial, double rung,
                                      const std::vector<engine::Trial>& trials,
                                      const engine::LearningCurves& curves) const {
  const int64_t bracket = bracket_of(trial);
  const engine::CurvePoint* own = first_at(*curves.find(trial.name), rung);
  if (own == nullptr) return {};
  std::vector<double> values;
  bool self_listed = false;
  for (const auto& t : trials) {
    if (bracket_of(t) != bracket) continue;
    const engine::Curve* curve = curves.find(t.name);
    if (curve == nullptr) continue;
    const engine::CurvePoint* point = first_at(*curve, rung);
    if (point == nullptr) continue;
    values.push_back(point->value);
    if (t.name == trial.name) self_listed = true;
  }
  if (!self_listed) values.push_back(own->value);

  const bool minimize = type_ == engine::ObjectiveType::kMinimize;
  auto better = [minimize](double a, double b) { return minimize ? a < b : a > b; };
  const size_t n = values.size();
  const size_t quota = std::max<size_t>(1, n / static_cast<size_t>(settings_.reduction_factor));
  const auto rank = static_cast<size_t>(
      std::count_if(values.begin(), values.end(), [&](double v) { return better(v, own->value); }));
  if (rank < quota) return {};

  std::sort(values.begin(), values.end(), better);
  engine::StopDecision stop;
  stop.stop = true;
  stop.message = metric_ + " " + engine::format_double(own->value) + " at step " +
                 std::to_string(own->step) + " is not in the top 1/" +
                 std::to_string(settings_.reduction_factor) + " of the " + std::to_string(n) +
                 " trials that reached rung " + engine::format_double(rung) +
                 bracket_suffix(settings_, bracket) + " (needed " +
                 engine::format_double(values[quota - 1]) + " or better)";
  return stop;
}

engine::StopDecision AshaRule::advice(int64_t bracket, const std::vector<engine::Trial>& trials,
                                      const engine::LearningCurves& curves) const {
  const double first = settings_.rung(bracket, 0);
  if (settings_.max_resource && first >= *settings_.max_resource) return {};
  // The first such trial in creation order: the advice stays the same text as trials finish,
  // so the controller shows it once.
  for (const auto& t : trials) {
    if (t.state != engine::TrialState::kSucceeded) continue;
    const engine::Curve* curve = curves.find(t.name);
    if (curve == nullptr || static_cast<double>(curve->back().step) >= first) continue;
    std::string origin = "min_resource " + engine::format_double(settings_.min_resource);
    if (bracket > 0)
      origin +=
          " * reduction_factor^" + std::to_string(bracket) + " = " + engine::format_double(first);
    engine::StopDecision advice;
    advice.message = "succeeded trial " + t.name + " reported its last " + metric_ + " at step " +
                     std::to_string(curve->back().step) + ", before step " +
                     engine::format_double(first) + ", the first rung" +
                     bracket_suffix(settings_, bracket) + " (" + origin +
                     "): asha cannot stop trials that end that early; lower min_resource" +
                     (settings_.brackets > 1 ? " or brackets" : "") +
                     " so that the rungs fall within the trials' length";
    return advice;
  }
  return {};
}

std::vector<std::string> AshaRuleFactory::known_settings() const {
  return asha_setting_names(AshaUse::kEarlyStopping);
}

std::vector<engine::SpecProblem> AshaRuleFactory::validate(
    const engine::ExperimentSpec& spec) const {
  if (!spec.early_stopping) return {};
  return check_asha_settings(*spec.early_stopping, AshaUse::kEarlyStopping);
}

std::unique_ptr<engine::EarlyStopper> AshaRuleFactory::create(
    const engine::ExperimentSpec& spec) const {
  if (!spec.early_stopping)
    throw Error(ErrorCode::kInvalidArgument, "asha needs spec.earlyStopping", "spec.earlyStopping");
  return std::make_unique<AshaRule>(
      read_asha_settings(*spec.early_stopping, AshaUse::kEarlyStopping), spec.objective.type,
      spec.objective.objective_metric_name);
}

}  // namespace sextant::algorithms
