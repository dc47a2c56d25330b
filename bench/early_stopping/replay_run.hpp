// One experiment replayed over the curve table: the controller's trial loop in virtual time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/early_stopping/curve_table.hpp"
#include "engine/model/trial.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/ports/early_stopper.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::bench {

struct RunResult {
  int64_t epochs = 0;               // epochs actually trained, over all trials
  double best_final_accuracy = -1;  // max accuracy at the last epoch; -1 when none got there
  int configurations = 0;           // distinct table rows trained
  int trials = 0;
  int early_stopped = 0;
  int64_t makespan = 0;                // virtual time (epochs) until the last trial ended
  std::string completion;              // why the run ended: MaxTrialsReached, SuggestionEndReached
  std::vector<double> evaluate_us;     // engine time of each EarlyStopper::evaluate()
  std::vector<double> suggest_us;      // engine time of each Algorithm::suggest()
  std::vector<engine::Trial> history;  // the trials as the controller would have stored them
  std::vector<std::string>
      advice;  // distinct non-stop messages of the rule (controller: shown once)
  // Per trial of `history`: the table row and the epochs it trained, (first, last]; first is
  // the parent's last epoch for a resumed trial.
  struct Span {
    int row = 0;
    int first = 0;
    int last = 0;
  };
  std::vector<Span> spans;
};

// One line per trial of a run (name, labels, row, epochs, state, objective): --trace.
std::string describe_trials(const RunResult& result);

// Replays `spec` (parallelTrialCount workers, maxTrialCount, Katib's completion rules):
// - keeps parallelTrialCount trials active, asking `algorithm` for as many suggestions as slots
//   are free (as Controller::reconcile does); zero suggestions while trials run means wait,
//   zero with nothing running or exhausted=true ends the run once the active trials finish;
// - every running trial trains one epoch per unit of virtual time and reports the table's
//   accuracy for it (step = epoch, 1-based) into LearningCurves and its observation; after
//   each report the rule's evaluate() decides, and a stop is final (EarlyStopped, objective
//   from what it reported, metric strategy max);
// - a trial trains to its `epochs` parameter (the table's length without one), then Succeeded;
// - a trial labelled engine::kResumeFromLabel starts from its parent's last trained epoch:
//   it trains and reports only the epochs beyond it (exact, because train.py's resume is exact);
//   with nothing left to train it reports the parent's last epoch again, as train.py does.
// Throws sextant::Error when the algorithm suggests something the table cannot replay (a row
// outside it, more epochs than it has, a resumed trial with other hyperparameters).
RunResult replay_run(const engine::ExperimentSpec& spec, engine::Algorithm& algorithm,
                     const engine::EarlyStopper* rule, const CurveTable& table);

}  // namespace sextant::bench
