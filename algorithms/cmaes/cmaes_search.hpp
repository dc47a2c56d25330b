// The `cmaes` algorithm's ask/tell loop over the engine's trial history (settings, references and
// behaviour summary: cmaes_factory.hpp).
//
// Generations without stored state. Every suggest() replays the history in creation order
// (CmaesReplay) and so rebuilds the runs, generations and distributions; the only saved state is
// the seed. The rules the replay and the asks share:
// - Trials fill generations in creation order, lambda at a time (lambda of the current run).
//   A trial whose assignment is not a point of the space (edited spec) is skipped.
// - The oldest open generation is told once all its lambda trials have completed, or once it is
//   full and half of them have (parallel trials: the rest are not waited for). Asking ahead:
//   until then, new trials fill the next generation, drawn from the current distribution; when
//   a third generation would start, the oldest is told with whatever results it has.
// - A trial that completed with an objective is ranked by it (lower loss first; maximised
//   objectives negated); Failed, Killed, MetricsUnavailable trials and those without a numeric
//   objective are ranked worst, behind every result: they never pull the mean, but take the
//   negative weights of active CMA (the distribution moves away from where trials fail). A
//   generation with fewer than 2 results does not update; 3 such in a row end the run.
// - The update uses the point that was evaluated (after rounding to its int, step or list
//   value), read back from the trial's assignment, so any trial history gives a consistent
//   update. Each trial records the run it was drawn in (label sextant.cmaes/restart) and its
//   generation (sextant.cmaes/generation, for people); a trial drawn by a run that has since
//   restarted is not fed to the new run. Without labels (a history written by other means) trials
//   simply join the run and generation being filled.
// - After each update the termination criteria of the tutorial are checked (tolx, tolfun,
//   conditioncov, noeffectaxis, noeffectcoord); a stop starts the next run per restart_strategy.
// Determinism: the draw for trial position p uses a generator derived from (seed, p), so the same
// seed and history give the same suggestions, and a restarted engine continues the sequence.
//
// Drawing a point: x ~ N(m, sigma^2 A C A) in [0,1]^n (redrawn up to 10 times when outside the
// cube, then clipped to it: the repaired point is what the trial evaluates and what the update
// sees); list parameters from the categorical model. A point that repeats a trial of the history
// or of the batch is redrawn: 8 plain draws, then 24 with a widening step and a categorical
// distribution blended towards uniform, then a uniform random fresh point (FreshPoints). In a
// finite space that has no unused point left, suggest() returns fewer points and exhausted.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/cmaes/cmaes_layout.hpp"
#include "algorithms/cmaes/restart_schedule.hpp"
#include "algorithms/common/seed_state.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

inline constexpr const char* kCmaesRunLabel = "sextant.cmaes/restart";
inline constexpr const char* kCmaesGenerationLabel = "sextant.cmaes/generation";

struct CmaesSettings {
  std::optional<uint64_t> seed;  // random_state; nullopt: drawn once, kept in save_state()
  double sigma = 0;              // initial step size in the unit cube
  RestartStrategy restart = RestartStrategy::kNone;
};

class CmaesSearch final : public engine::Algorithm {
 public:
  CmaesSearch(const engine::SearchSpace& space, engine::ObjectiveType objective,
              const CmaesSettings& settings);

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;  // {"seed":"<decimal>"}
  void restore_state(const std::string& state) override;

 private:
  engine::SearchSpace space_;
  engine::ObjectiveType objective_;
  CmaesSettings settings_;
  UnitCube cube_;
  CmaesLayout layout_;
  AlgorithmSeed seed_;
};

}  // namespace sextant::algorithms
