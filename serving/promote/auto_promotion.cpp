// The decision of spec.promotion: is the new best better than production by the margin?
#include "serving/promote/auto_promotion.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/util/numbers.hpp"

namespace sextant::serving {

namespace {

std::optional<double> number_in(const nlohmann::json& metrics, const std::string& key) {
  auto it = metrics.find(key);
  if (it == metrics.end()) return std::nullopt;
  if (it->is_number()) return it->get<double>();
  if (it->is_string()) return engine::parse_finite_number(it->get<std::string>());
  return std::nullopt;
}

}  // namespace

std::string short_number_text(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

std::optional<double> recorded_value(const ModelVersion& version, const std::string& metric,
                                     const std::string& source_objective_metric) {
  if (source_objective_metric == metric)
    if (auto objective = number_in(version.metrics, "objective")) return objective;
  return number_in(version.metrics, metric);
}

AutoPromotionDecision decide_auto_promotion(const engine::PromotionSpec& spec,
                                            const PromotionCandidate& best,
                                            const std::optional<ModelVersion>& production,
                                            std::optional<double> production_value) {
  if (!production) return {AutoPromotionAction::kPromote, "no version in production yet"};
  std::string current = "version " + std::to_string(production->version);
  if (production->experiment == best.experiment && production->trial == best.trial)
    return {AutoPromotionAction::kAlreadyServing,
            current + " in production already is trial " + best.trial + " of " + best.experiment};
  if (!production_value)
    return {
        AutoPromotionAction::kNotComparable,
        current + " in production has no recorded value of " + best.metric + " to compare with"};
  if (!best.value)
    return {AutoPromotionAction::kNotComparable,
            "the best trial's " + best.metric + " (" + best.value_text + ") is not a number"};
  double sign = best.type == engine::ObjectiveType::kMaximize ? 1.0 : -1.0;
  double gain = sign * (*best.value - *production_value);
  std::string ours = best.metric + " " + best.value_text;
  std::string theirs = current + "'s " + short_number_text(*production_value);
  std::string margin = short_number_text(spec.margin);
  // Differences of decimal numbers are not exact (0.3 - 0.2 < 0.1): a relative tolerance keeps a
  // gain of exactly the margin from failing by rounding.
  double tolerance = 1e-9 * std::max({1.0, std::fabs(*best.value), std::fabs(*production_value)});
  if (gain <= tolerance)
    return {AutoPromotionAction::kNotBetter,
            ours + (gain < -tolerance ? " is worse than " : " is no better than ") + theirs + " (" +
                engine::to_string(best.type) + ")"};
  if (gain < spec.margin - tolerance)
    return {AutoPromotionAction::kNotBetter, ours + " beats " + theirs + " by only " +
                                                 short_number_text(gain) + " (margin " + margin +
                                                 ")"};
  return {AutoPromotionAction::kPromote,
          ours + " beats " + theirs + " by " + short_number_text(gain) + ", margin " + margin};
}

}  // namespace sextant::serving
