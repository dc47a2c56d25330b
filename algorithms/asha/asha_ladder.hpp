// ASHA's rungs rebuilt from the history: which configuration stands on which rung of which
// bracket, with what result, and which one to promote next (Li et al. 2020, Algorithm 2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/asha/asha_settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

// A configuration is an assignment of every parameter but the resource; a trial is one
// configuration trained to one rung's resource. Everything is read from the assignments (the
// resource value says the rung, the lowest rung of a configuration says its bracket), so a
// history without ASHA's labels replays the same way.
class AshaLadder {
 public:
  struct Promotion {
    size_t trial = 0;  // index in the history of the trial to continue
    int64_t bracket = 0;
    size_t rung = 0;  // the rung it goes to
    double resource = 0;
  };

  // `configs` is the space without the resource parameter (and `cube` its unit cube), both
  // outliving the ladder. Reads the history at once.
  AshaLadder(const AshaSettings& settings, engine::ObjectiveType type,
             const engine::SearchSpace& configs, const UnitCube& cube,
             const std::vector<engine::Trial>& history);

  const std::vector<double>& rungs(int64_t bracket) const { return rungs_[bracket]; }

  // The best unpromoted configuration among the top floor(n/eta) of a rung's n results, from
  // the rung with the highest target resource down (ties: lower bracket first).
  std::optional<Promotion> next_promotion() const;
  void promote(const Promotion& promotion);  // counts it as pending at its new rung

  // The bracket with the fewest configurations (lowest on ties): new ones go round-robin.
  int64_t next_bracket() const;
  void start(int64_t bracket);  // counts a new pending configuration at the bracket's rung 0

  // Whether a promotion can still come, when next_promotion() has none now: true while a rung
  // can still receive results (a pending trial, or promotions into it that may still come) and
  // enough of them to promote one. An upper bound: it may say true although nothing will come
  // of it, never false when something can.
  bool may_promote_later() const;

 private:
  struct Cell {
    bool present = false;  // some trial (any state) trained this configuration to this rung
    bool pending = false;  // a Created or Running one, and no result yet
    bool scored = false;   // a Succeeded or EarlyStopped one with an objective
  };
  struct Config {
    int64_t bracket = 0;
    std::vector<Cell> cells;  // one per rung of the bracket
  };
  struct Result {
    double loss = 0;
    size_t trial = 0;  // history index: earlier first on equal losses
    size_t config = 0;
  };

  int64_t eta_ = 3;
  std::vector<std::vector<double>> rungs_;  // by bracket
  std::vector<Config> configs_;
  // results_[b][k]: the results at rung k of bracket b, best first. Fixed within one suggest():
  // pending suggestions add presence, never results.
  std::vector<std::vector<std::vector<Result>>> results_;
  std::vector<size_t> config_count_;  // by bracket
};

}  // namespace sextant::algorithms
