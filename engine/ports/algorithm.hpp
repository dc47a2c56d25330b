// Port: search algorithms. One interface for every way of choosing the next assignments.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/model/trial.hpp"
#include "engine/ports/registry.hpp"
#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::engine {

struct Suggestion {
  Assignment assignment;  // one value for every spec.parameters entry, in spec order
  std::map<std::string, std::string> labels;  // extra trial labels (PBT generation, ...)
};

// A suggestion labelled with this key names the trial it continues from (PBT's parent, a
// Hyperband or ASHA promotion): the controller copies that trial's checkpoint directory into
// the new trial's before it starts ($SEXTANT_CHECKPOINT_DIR), so the worker can resume.
inline constexpr const char* kResumeFromLabel = "sextant/resume-from";

struct SuggestResult {
  std::vector<Suggestion> suggestions;
  // True when the algorithm has nothing left to propose, ever (grid exhausted, brackets done).
  // The controller then finishes the experiment with ExperimentSuggestionEndReached once the
  // running trials complete.
  bool exhausted = false;
};

// Contract:
// - suggest() receives the full history of the experiment, in creation order, including
//   trials still Created/Running (pending) so that a batch never repeats a point it already
//   proposed; completed trials carry their objective (Trial::objective) when one was derived.
// - It returns at most `count` suggestions: fewer only when exhausted, or when it must wait for
//   running trials before it can decide (Hyperband's synchronous rungs, a PBT generation); the
//   controller asks again after the next trial event. Values are in Katib's string form and lie
//   inside the feasible space, except a multi-fidelity algorithm's resource parameter
//   (Hyperband's resource_name), which takes the rung's resource as Katib does.
// - Same spec (including random_state), same history, same count: same output. Algorithms
//   that keep state beyond the history expose it through save_state/restore_state; the
//   controller stores it after every suggest() and restores it after an engine restart.
// - Failed, Killed and MetricsUnavailable trials are in the history; each algorithm decides
//   what to learn from them (and documents it).
class Algorithm {
 public:
  virtual ~Algorithm() = default;
  virtual SuggestResult suggest(const std::vector<Trial>& history, int count) = 0;
  virtual std::string save_state() const { return {}; }
  virtual void restore_state(const std::string& state) { (void)state; }
};

// Builds one algorithm by its Katib name, and checks an experiment before it runs.
class AlgorithmFactory {
 public:
  virtual ~AlgorithmFactory() = default;
  virtual std::string name() const = 0;
  virtual std::vector<std::string> known_settings() const = 0;
  // Every problem this algorithm has with the experiment (unknown or bad settings, parameter
  // types it cannot handle, a grid smaller than maxTrialCount, ...), with field paths such as
  // "spec.algorithm.algorithmSettings[0].value". Unknown setting names must be reported with
  // the list of known ones.
  virtual std::vector<SpecProblem> validate(const ExperimentSpec& spec) const = 0;
  // Only called on a spec for which validate() returned no problem.
  virtual std::unique_ptr<Algorithm> create(const ExperimentSpec& spec) const = 0;
};

using AlgorithmRegistry = Registry<AlgorithmFactory>;

// Helper for factories: the problems with spec.algorithm.algorithmSettings names that are not
// in `known` (message lists the known ones).
std::vector<SpecProblem> unknown_setting_problems(const AlgorithmSpec& algorithm,
                                                  const std::vector<std::string>& known,
                                                  const std::string& base_path);

}  // namespace sextant::engine
