// The median stopping rule: a running trial against the finished trials at the same step.
#include "algorithms/medianstop/median_stop.hpp"

#include <algorithm>
#include <limits>
#include <sstream>

#include "algorithms/common/settings.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {
namespace {

constexpr const char* kMinTrials = "min_trials_required";
constexpr const char* kStartStep = "start_step";

std::string show(double value) {
  std::ostringstream out;
  out.precision(6);
  out << value;
  return out.str();
}

bool is_finished_peer(const engine::Trial& t) {
  return t.state == engine::TrialState::kSucceeded || t.state == engine::TrialState::kEarlyStopped;
}

}  // namespace

MedianStop::MedianStop(MedianStopSettings settings, engine::ObjectiveType type, std::string metric)
    : settings_(settings), type_(type), metric_(std::move(metric)) {}

engine::StopDecision MedianStop::evaluate(const engine::Trial& trial,
                                          const std::vector<engine::Trial>& trials,
                                          const engine::LearningCurves& curves) const {
  const engine::Curve* own = curves.find(trial.name);
  if (own == nullptr) return {};
  if (static_cast<int64_t>(own->size()) < settings_.start_step)
    return {false, start_step_advice(trials, curves)};

  const bool maximize = type_ == engine::ObjectiveType::kMaximize;
  const int64_t step = own->back().step;
  double best = own->front().value;
  for (const auto& p : *own) best = maximize ? std::max(best, p.value) : std::min(best, p.value);

  std::vector<double> peers;
  for (const auto& t : trials) {
    if (t.name == trial.name || !is_finished_peer(t)) continue;
    const engine::Curve* curve = curves.find(t.name);
    if (curve == nullptr || curve->back().step < step) continue;  // never reached this step
    if (const engine::CurvePoint* at = engine::value_at(*curve, step)) peers.push_back(at->value);
  }
  if (static_cast<int>(peers.size()) < settings_.min_trials_required) return {};

  auto middle = peers.begin() + static_cast<std::ptrdiff_t>(peers.size() / 2);
  std::nth_element(peers.begin(), middle, peers.end());
  double median = *middle;
  if (peers.size() % 2 == 0) median = (median + *std::max_element(peers.begin(), middle)) / 2;

  bool worse = maximize ? best < median : best > median;
  if (!worse) return {};
  return {true, metric_ + " " + show(best) + " (best so far at step " + std::to_string(step) +
                    ") is worse than the median " + show(median) + " of the " +
                    std::to_string(peers.size()) + " finished trials at that step (medianstop)"};
}

std::string MedianStop::start_step_advice(const std::vector<engine::Trial>& trials,
                                          const engine::LearningCurves& curves) const {
  // Only once enough trials finished whole (Succeeded) can we tell the rule will never act.
  int finished = 0;
  size_t longest = 0;
  for (const auto& t : trials) {
    if (t.state != engine::TrialState::kSucceeded) continue;
    const engine::Curve* curve = curves.find(t.name);
    size_t reports = curve == nullptr ? 0 : curve->size();
    if (reports >= static_cast<size_t>(settings_.start_step)) return {};
    longest = std::max(longest, reports);
    ++finished;
  }
  if (finished < settings_.min_trials_required) return {};
  // No count of finished trials in the text: the controller shows each distinct advice once.
  return "medianstop: start_step is " + std::to_string(settings_.start_step) +
         " but finished trials report at most " + std::to_string(longest) + " values of \"" +
         metric_ +
         "\", so no trial can be stopped; lower start_step "
         "(spec.earlyStopping.algorithmSettings)";
}

std::vector<std::string> MedianStopFactory::known_settings() const {
  return {kMinTrials, kStartStep};
}

std::vector<engine::SpecProblem> MedianStopFactory::validate(
    const engine::ExperimentSpec& spec) const {
  const auto& rule = *spec.early_stopping;
  auto problems =
      engine::unknown_setting_problems(rule, known_settings(), kEarlyStoppingSettingsPath);
  constexpr int64_t kMax = std::numeric_limits<int>::max();
  check_integer_setting(rule, kMinTrials, 1, kMax, problems, kEarlyStoppingSettingsPath);
  check_integer_setting(rule, kStartStep, 1, kMax, problems, kEarlyStoppingSettingsPath);
  return problems;
}

std::unique_ptr<engine::EarlyStopper> MedianStopFactory::create(
    const engine::ExperimentSpec& spec) const {
  const auto& rule = *spec.early_stopping;
  MedianStopSettings settings;
  if (auto v = integer_setting(rule, kMinTrials, kEarlyStoppingSettingsPath))
    settings.min_trials_required = static_cast<int>(*v);
  if (auto v = integer_setting(rule, kStartStep, kEarlyStoppingSettingsPath))
    settings.start_step = static_cast<int>(*v);
  return std::make_unique<MedianStop>(settings, spec.objective.type,
                                      spec.objective.objective_metric_name);
}

}  // namespace sextant::algorithms
