// One architecture search replayed over the table: the controller's loop at parallelTrialCount 1.
#pragma once

#include <string>
#include <vector>

#include "bench/nas/nas_table.hpp"
#include "engine/model/trial.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::bench::nas {

struct RunResult {
  double best_accuracy = -1;       // max over the run's trials; -1 when none ran
  int evaluations = 0;             // trials that completed
  int distinct = 0;                // distinct architectures among them
  double late_mean = -1;           // mean accuracy of the last quarter of the trials (at least 1)
  std::string completion;          // MaxTrialsReached or SuggestionEndReached
  std::vector<double> suggest_us;  // engine time of each Algorithm::suggest()
  std::vector<engine::Trial> history;  // the trials as the controller would have stored them
};

// Runs `spec` sequentially, as Controller::reconcile does with parallelTrialCount 1: ask
// suggest(history, 1); create the trial; look its `architecture` up in the table; record it
// Succeeded with the table's value as its Validation-Accuracy (the 4 decimals train_arch.py
// prints, folded into the observation and the objective derived by the engine's own
// functions); repeat until maxTrialCount trials completed, or the algorithm is exhausted or
// returns nothing with nothing running (SuggestionEndReached).
// Throws sextant::Error when a suggestion has no `architecture` or one the table lacks.
RunResult replay_run(const engine::ExperimentSpec& spec, engine::Algorithm& algorithm,
                     const NasTable& table);

}  // namespace sextant::bench::nas
