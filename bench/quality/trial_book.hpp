// The experiment's trial history as the controller keeps it, for driving an algorithm without
// the controller: suggestions become Created then Running trials, results make them Succeeded
// (objective derived from a metric summary, like a collected report) or Failed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/model/trial.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::bench {

class TrialBook {
 public:
  explicit TrialBook(const engine::ExperimentSpec& spec) : spec_(spec) {}

  // Adds the suggestions as trials (Created, then Running as the controller's launch() does)
  // and returns their sequence numbers (1-based ids).
  std::vector<int64_t> start(std::vector<engine::Suggestion> suggestions);

  // Records a finished trial. Throws sextant::Error when `id` is not a Running trial.
  void succeed(int64_t id, double value);
  void fail(int64_t id, const std::string& why);

  const std::vector<engine::Trial>& history() const { return trials_; }

 private:
  engine::Trial& running(int64_t id);

  const engine::ExperimentSpec& spec_;
  std::vector<engine::Trial> trials_;
};

}  // namespace sextant::bench
