// The state of a CMA-ES search rebuilt from its trials: runs (restarts), generations and the
// distributions they produced. Fed the trials in creation order, it ends in the state from which
// the next points are drawn; the same trials always give the same state, so nothing but the seed
// needs saving (cmaes_search.hpp explains the generation rules).
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "algorithms/cmaes/categorical_model.hpp"
#include "algorithms/cmaes/cma_distribution.hpp"
#include "algorithms/cmaes/cmaes_layout.hpp"
#include "algorithms/cmaes/restart_schedule.hpp"

namespace sextant::algorithms {

// One trial as CMA-ES sees it.
struct CmaesMember {
  std::vector<double> gaussian;  // CmaesLayout::gaussian_part of its point
  std::vector<size_t> choices;   // CmaesLayout::list_part of its point
  std::optional<double> loss;    // completed with an objective (lower is better)
  bool done = false;             // completed, with or without an objective
};

struct CmaesOptions {
  RestartStrategy strategy = RestartStrategy::kNone;
  double sigma0 = 0;
  size_t population = 0;  // of the first run
  uint64_t restart_seed = 0;
};

class CmaesReplay {
 public:
  CmaesReplay(const CmaesLayout& layout, const CmaesOptions& options);

  // Tells every generation that is ready, then adds the member to the generation being filled.
  // asked_in_run: the run the trial was drawn in, when its labels say so; a trial drawn in an
  // earlier run than the current one is stale and ignored.
  void add(CmaesMember member, std::optional<size_t> asked_in_run);
  // Tells every generation that is ready.
  void settle();

  size_t run() const { return run_; }
  // Global number (over all runs) of the generation that the next member joins.
  size_t upcoming_generation() const;
  const CmaDistribution& distribution() const { return distribution_; }
  const CategoricalModel& categories() const { return categories_; }

 private:
  struct Generation {
    size_t id = 0;
    std::vector<CmaesMember> members;
  };

  bool oldest_ready() const;
  void tell_oldest();
  // Records the generation's best loss; true when the run should end (see stop_reason, tolfun).
  bool record_and_check_convergence(const std::vector<double>& losses);
  void start_run(const RunPlan& plan, std::vector<double> mean);
  void restart();

  const CmaesLayout& layout_;
  CmaesOptions options_;
  RestartSchedule schedule_;
  RunPlan plan_;
  size_t run_ = 0;
  size_t run_evaluations_ = 0;  // members placed in this run
  CmaDistribution distribution_;
  CategoricalModel categories_;
  std::vector<double> tolerances_;
  std::deque<Generation> open_;  // generations not yet told, oldest first
  size_t next_generation_id_ = 0;
  std::deque<double> recent_best_;  // best loss of the latest generations of this run
  size_t idle_generations_ = 0;     // consecutive generations with too few results to learn from
};

}  // namespace sextant::algorithms
