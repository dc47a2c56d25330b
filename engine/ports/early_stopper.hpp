// Port: early-stopping rules. As a trial's objective values stream in, decide whether to stop it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/model/trial.hpp"
#include "engine/ports/registry.hpp"
#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::engine {

struct CurvePoint {
  int64_t step = 0;
  double value = 0;
};
// One trial's objective metric: ascending steps, one value per step.
using Curve = std::vector<CurvePoint>;

// The objective curves of an experiment's trials, by trial name (raw values, not negated).
class LearningCurves {
 public:
  // Records a value. A repeated step replaces its value; a step below the newest is inserted
  // in order. Returns true when `step` became the trial's newest step (the only case in which
  // rules are evaluated).
  bool add(const std::string& trial, int64_t step, double value);
  const Curve* find(const std::string& trial) const;  // null when the trial has no value
  void erase(const std::string& trial);

 private:
  std::unordered_map<std::string, Curve> curves_;
};

// The value of `curve` at `step`: the last value at or before it (steps may be sparse);
// null when the curve has none that early.
const CurvePoint* value_at(const Curve& curve, int64_t step);

struct StopDecision {
  bool stop = false;
  // When stop: why, for the trial's message ("loss 0.93 at step 4 is worse than the median
  // 0.41 of 5 trials"). When not stopping, a non-empty message is advice for the user about
  // the rule itself (e.g. start_step beyond the trials' length); the controller shows each
  // distinct advice once.
  std::string message;
};

// Contract:
// - evaluate() is called each time a Running `trial` reports a new newest step of the
//   objective metric. `trials` is the experiment's whole history (states tell finished peers
//   from running ones); `curves` holds every trial's objective values, this one's included.
// - It is deterministic and keeps no state of its own: everything it decides from is in the
//   history and the curves, which the controller rebuilds from the store after a restart.
// - A stop is final: the controller terminates the trial (SIGTERM, grace period, SIGKILL) and
//   records it EarlyStopped (reason TrialEarlyStopped), with the decision's message.
class EarlyStopper {
 public:
  virtual ~EarlyStopper() = default;
  virtual StopDecision evaluate(const Trial& trial, const std::vector<Trial>& trials,
                                const LearningCurves& curves) const = 0;
};

// Builds one rule by its name (spec.earlyStopping.algorithmName) and checks an experiment.
class EarlyStopperFactory {
 public:
  virtual ~EarlyStopperFactory() = default;
  virtual std::string name() const = 0;
  virtual std::vector<std::string> known_settings() const = 0;
  // Every problem with spec.earlyStopping (paths "spec.earlyStopping.algorithmSettings[i]..."),
  // unknown setting names reported with the known ones (unknown_setting_problems).
  virtual std::vector<SpecProblem> validate(const ExperimentSpec& spec) const = 0;
  // Only called on a spec for which validate() returned no problem.
  virtual std::unique_ptr<EarlyStopper> create(const ExperimentSpec& spec) const = 0;
};

using EarlyStopperRegistry = Registry<EarlyStopperFactory>;

}  // namespace sextant::engine
