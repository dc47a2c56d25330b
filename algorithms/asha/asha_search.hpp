// `asha`: asynchronous successive halving as a search algorithm (spec.algorithm.algorithmName:
// asha). Each trial trains one configuration to one rung's resource; the best 1/eta of a rung
// are continued on the next rung as soon as they are known, with no waiting for a rung to fill.
//
// Settings (spec.algorithm.algorithmSettings; the full table is in asha_settings.hpp):
// | name             | default   | values                       | meaning                      |
// |------------------|-----------|------------------------------|------------------------------|
// | resource_name    | required  | an int or double parameter   | receives the rung's resource |
// | max_resource     | required  | number >= min_resource       | the top rung                 |
// | min_resource     | 1         | 0 < number <= 2^53           | the first rung               |
// | reduction_factor | 3         | integer >= 2                 | eta                          |
// | brackets         | 1         | integer >= 1                 | bracket b starts at          |
// |                  |           |                              | min_resource * eta^b         |
// | random_state     | none      | integer >= 0                 | seed of new configurations   |
// With an int resource parameter, min_resource and max_resource must be whole numbers.
//
// The resource parameter's feasibleSpace is not used (as in Katib's hyperband): its value is
// the rung's resource, min_resource * eta^(k+b) or max_resource, whatever its min and max say.
// Every other parameter is a dimension of the configurations, each type and distribution drawn
// through UnitCube as `random` does.
//
// Each suggestion (Li et al., Algorithm 2, get_job):
// 1. Promotion: for each rung k from the top down, the rung's n results (Succeeded and
//    EarlyStopped trials with an objective), best first; among the top floor(n/eta), the ones
//    no trial (pending or completed, in any state) continues yet are promotable. The best one
//    is continued: same assignment, resource r_{k+1}, labels sextant.asha/bracket,
//    sextant.asha/rung (index, 0 = the bracket's first rung) and sextant/resume-from (the
//    continued trial's name: the controller hands its checkpoint to the new trial). With
//    several brackets, the promotion to the highest resource goes first, then the lower
//    bracket.
// 2. Otherwise a new configuration, at rung 0 of the bracket with the fewest configurations
//    (round-robin), drawn at random and never repeating a configuration of the history (any
//    state) or of the batch.
// A suggestion of the batch counts as pending for the next one. A failed promoted trial is not
// retried (its configuration has been continued once). In a finite space, when every
// configuration has been drawn, suggest() returns fewer (even none) while running trials may
// still make promotions possible, and exhausted once none can.
//
// State: rungs, brackets and promotions are replayed from the assignments of the history (the
// resource says the rung, a configuration's lowest rung its bracket), so only the seed is saved.
// Trials whose assignment is not a point of the space are left out.
//
// Reference: L. Li, K. Jamieson, A. Rostamizadeh, E. Gonina, M. Hardt, B. Recht and A.
// Talwalkar, "A System for Massively Parallel Hyperparameter Tuning", MLSys 2020.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "algorithms/asha/asha_settings.hpp"
#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/seed_state.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

inline constexpr const char* kAshaBracketLabel = "sextant.asha/bracket";
inline constexpr const char* kAshaRungLabel = "sextant.asha/rung";

class AshaSearch final : public engine::Algorithm {
 public:
  // settings as read_asha_settings(kSearch) returns them; settings.resource_name must name an
  // int or double parameter of `space`, and the others must form a usable space.
  AshaSearch(const engine::SearchSpace& space, engine::ObjectiveType type, AshaSettings settings);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;  // {"seed":"<decimal>"}
  void restore_state(const std::string& state) override;

 private:
  engine::Assignment with_resource(const engine::Assignment& config, double resource) const;
  void sync_configs(const std::vector<engine::Trial>& history);

  engine::SearchSpace space_;
  engine::ObjectiveType type_;
  AshaSettings settings_;
  size_t resource_index_ = 0;
  engine::SearchSpace configs_;  // space_ without the resource parameter
  UnitCube cube_;                // of configs_
  AlgorithmSeed seed_;
  // The history with the resource left out of each assignment, kept between calls so that
  // FreshPoints reads only new trials.
  std::vector<engine::Trial> config_history_;
  FreshPoints fresh_;
};

class AshaSearchFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "asha"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
