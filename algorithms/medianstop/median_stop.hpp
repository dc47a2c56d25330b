// medianstop: the median stopping rule (Golovin et al., "Google Vizier: A Service for Black-Box
// Optimization", KDD 2017), under Katib's name and settings.
//
// Settings (spec.earlyStopping.algorithmSettings; Katib's names, defaults and ranges):
//   min_trials_required  3  integer >= 1: finished trials that must have reached a step before
//                           any trial is compared at that step
//   start_step           4  integer >= 1: a trial is first judged at its start_step-th report of
//                           the objective metric (Katib's meaning), then at every report after
//
// The rule, evaluated at every new step s of a running trial (Katib checks once, at start_step,
// against a mean it calls the median): stop the trial when its best value so far (max for
// maximize, min for minimize) is strictly worse than the median, over the finished trials
// (Succeeded or EarlyStopped) that reached step s, of their values at step s (the last value
// at or before s when a worker reports sparsely). Comparing the trial's best so far with the
// peers' values is the conservative side of the rule, as in Optuna's MedianPruner: noise in
// the trial's own curve does not get it stopped.
#pragma once

#include <memory>

#include "engine/ports/early_stopper.hpp"

namespace sextant::algorithms {

struct MedianStopSettings {
  int min_trials_required = 3;
  int start_step = 4;
};

class MedianStop : public engine::EarlyStopper {
 public:
  MedianStop(MedianStopSettings settings, engine::ObjectiveType type, std::string metric);
  engine::StopDecision evaluate(const engine::Trial& trial,
                                const std::vector<engine::Trial>& trials,
                                const engine::LearningCurves& curves) const override;

 private:
  // Advice when start_step lies beyond what the finished trials report (empty otherwise).
  std::string start_step_advice(const std::vector<engine::Trial>& trials,
                                const engine::LearningCurves& curves) const;

  MedianStopSettings settings_;
  engine::ObjectiveType type_;
  std::string metric_;
};

class MedianStopFactory : public engine::EarlyStopperFactory {
 public:
  std::string name() const override { return "medianstop"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::EarlyStopper> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
