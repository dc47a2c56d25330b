// `asha` as an early-stopping rule: asynchronous successive halving over the trials' learning
// curves, for any search algorithm (spec.earlyStopping.algorithmName: asha).
//
// Settings: min_resource, max_resource (optional here), reduction_factor, brackets; the table is
// in algorithms/asha/asha_settings.hpp. The resource is the objective metric's step (the
// worker's epoch, or the running count of its reports when it gives no step).
//
// Rule, evaluated when a Running trial reports a new newest step s (previous newest p):
// - Its bracket is b = (sequence - 1) % brackets, so brackets take trials in turn; its rungs are
//   r_k = min_resource * eta^(k+b) below max_resource (no decision at or beyond max_resource).
// - When s reached a rung r_k that p had not (p < r_k <= s), it is decided at r_k; a report that
//   crosses several rungs is decided at the highest one.
// - A trial's rung value is its value at the first reported step >= r_k. The competitors are
//   all trials of the same bracket, in any state (running, succeeded, stopped, failed), whose
//   curve reached r_k, the trial itself included: n of them.
// - It continues iff fewer than max(1, floor(n / eta)) competitors are strictly better (ties in
//   its favour; better = lower for minimize, higher for maximize). The first trial to reach a
//   rung therefore always continues: promotions are asynchronous, nobody waits for a rung to
//   fill, and a trial is never judged against trials that have not arrived yet (ASHA's
//   trade-off: early arrivals are promoted more easily; later ones face fuller rungs).
// - Advice (not a stop): when a Succeeded trial ended before the first rung of the bracket, the
//   rule can stop none of that bracket's trials, and says so with the numbers.
// Stateless: everything comes from the trials and their curves (the contract of EarlyStopper).
//
// Reference: L. Li et al., "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020,
// Algorithm 2 (promotion rule), read as a stopping rule as Ray Tune's ASHAScheduler does.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/asha/asha_settings.hpp"
#include "engine/ports/early_stopper.hpp"

namespace sextant::algorithms {

class AshaRule final : public engine::EarlyStopper {
 public:
  AshaRule(AshaSettings settings, engine::ObjectiveType type, std::string metric);

  engine::StopDecision evaluate(const engine::Trial& trial,
                                const std::vector<engine::Trial>& trials,
                                const engine::LearningCurves& curves) const override;

  int64_t bracket_of(const engine::Trial& trial) const;

 private:
  // The highest rung in (previous, newest], below max_resource; nullopt when none.
  std::optional<double> crossed_rung(int64_t bracket, std::optional<int64_t> previous,
                                     int64_t newest) const;
  engine::StopDecision decide(const engine::Trial& trial, double rung,
                              const std::vector<engine::Trial>& trials,
                              const engine::LearningCurves& curves) const;
  engine::StopDecision advice(int64_t bracket, const std::vector<engine::Trial>& trials,
                              const engine::LearningCurves& curves) const;

  AshaSettings settings_;
  engine::ObjectiveType type_;
  std::string metric_;
};

class AshaRuleFactory final : public engine::EarlyStopperFactory {
 public:
  std::string name() const override { return "asha"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::EarlyStopper> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
