// Whether an experiment's best trial should replace a model's production version (spec.promotion).
#pragma once

#include <optional>
#include <string>

#include "engine/spec/experiment_spec.hpp"
#include "serving/registry/model_registry.hpp"

namespace sextant::serving {

enum class AutoPromotionAction {
  kPromote,         // no production version yet, or the best beats it by the margin
  kAlreadyServing,  // production already is this experiment's best trial (a rerun)
  kNotBetter,       // not strictly better, or better by less than the margin
  kNotComparable,   // production (or the best) has no numeric value of the objective metric
};

// The experiment's best trial as the decision sees it.
struct PromotionCandidate {
  std::string experiment;
  std::string trial;
  std::string metric;  // the objective metric's name
  engine::ObjectiveType type = engine::ObjectiveType::kMaximize;
  std::optional<double> value;  // its objective value (nullopt: not a number)
  std::string value_text;       // as reported
};

struct AutoPromotionDecision {
  AutoPromotionAction action = AutoPromotionAction::kPromote;
  // Why, for one line of output: "accuracy 0.981 beats version 2's 0.975 by 0.006, margin
  // 0.005", "accuracy 0.976 beats version 2's 0.975 by only 0.001 (margin 0.005)", ...
  std::string reason;
};

// The production version's value of `metric`, recorded at its promotion: its strategy-derived
// objective ("objective") when its source experiment optimized the same metric
// (`source_objective_metric`, "" when unknown), else the metric's last reported value.
// nullopt when it has none or it is not a number.
std::optional<double> recorded_value(const ModelVersion& version, const std::string& metric,
                                     const std::string& source_objective_metric);

// The rule of spec.promotion: promote when there is no production version; do nothing when
// production already is this experiment's trial; otherwise promote only when the best is
// strictly better in the objective's direction and by at least `margin` (compared with a
// relative tolerance of 1e-9, so a difference of exactly the margin written in the spec counts).
AutoPromotionDecision decide_auto_promotion(const engine::PromotionSpec& spec,
                                            const PromotionCandidate& best,
                                            const std::optional<ModelVersion>& production,
                                            std::optional<double> production_value);

// "0.006", "0.975", "1e-05": a number as people write it (at most 6 significant digits).
std::string short_number_text(double value);

}  // namespace sextant::serving
