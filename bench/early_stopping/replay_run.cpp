// The replay's discrete-event loop: slots, suggestions, epochs, rule evaluations, completions.
#include "bench/early_stopping/replay_run.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "bench/early_stopping/methods.hpp"
#include "engine/controller/experiment_status.hpp"
#include "engine/controller/metrics_summary.hpp"
#include "engine/error.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::bench {

namespace {

using engine::Trial;
using engine::TrialState;
using Clock = std::chrono::steady_clock;

double microseconds_since(Clock::time_point start) {
  return std::chrono::duration<double, std::micro>(Clock::now() - start).count();
}

// Where a trial stands in its training: epochs start+1..target are its to train.
struct Progress {
  int row = 0;
  int start = 0;   // parent's last epoch when resumed, else 0
  int target = 0;  // epochs to reach
  int epoch = 0;   // last epoch trained (start when none yet)
};

class Replay {
 public:
  Replay(const engine::ExperimentSpec& spec, engine::Algorithm& algorithm,
         const engine::EarlyStopper* rule, const CurveTable& table)
      : spec_(spec), algorithm_(algorithm), rule_(rule), table_(table) {}

  RunResult run() {
    // A step of the loop: start what the controller would start, then one epoch of time.
    for (int guard = 0;; ++guard) {
      if (guard > 10'000'000) fail("the replay does not end (10 million steps)");
      if (settle()) break;
      if (running_count() == 0) fail("nothing runs and the experiment is not complete");
      tick();
    }
    for (size_t i = 0; i < trials_.size(); ++i)  // what still runs is stopped: Killed
      if (engine::is_active(trials_[i].state)) trials_[i].state = TrialState::kKilled;
    std::set<int> rows;
    for (const auto& p : progress_) rows.insert(p.row);
    result_.configurations = static_cast<int>(rows.size());
    result_.trials = static_cast<int>(trials_.size());
    for (const auto& t : trials_) result_.early_stopped += t.state == TrialState::kEarlyStopped;
    result_.makespan = now_;
    for (const auto& p : progress_) result_.spans.push_back({p.row, p.start, p.epoch});
    result_.history = std::move(trials_);
    return std::move(result_);
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCode::kInternal, "replay of " + spec_.source_file + " at time " +
                                          std::to_string(now_) + ": " + what);
  }

  int running_count() const {
    int n = 0;
    for (const auto& t : trials_) n += t.state == TrialState::kRunning;
    return n;
  }

  // Reconciles until nothing changes (a resumed trial with nothing to train ends at once and
  // frees its slot). True when the experiment is complete.
  bool settle() {
    while (true) {
      if (reconcile()) return true;
      bool ended_at_once = false;
      for (size_t i = 0; i < trials_.size(); ++i)
        if (trials_[i].state == TrialState::kCreated) ended_at_once |= launch(i);
      if (!ended_at_once) return false;
    }
  }

  // Controller::reconcile: Katib's completion order, then fill the free slots.
  bool reconcile() {
    for (int round = 0; round < 2; ++round) {
      auto counts = engine::count_trials(trials_);
      auto completion = engine::check_completion(
          spec_, counts, engine::optimal_trial(spec_.objective, trials_), exhausted_);
      if (completion != engine::Completion::kNone) {
        result_.completion = completion == engine::Completion::kMaxTrials ? "MaxTrialsReached"
                             : completion == engine::Completion::kSuggestionEnd
                                 ? "SuggestionEndReached"
                             : completion == engine::Completion::kGoalReached ? "GoalReached"
                                                                              : "MaxFailed";
        return true;
      }
      int required = spec_.parallel_trial_count;
      if (spec_.max_trial_count)
        required = std::min(required, *spec_.max_trial_count - counts.completed());
      int add = std::max(0, required - counts.active());
      if (add == 0 || exhausted_) return false;
      create_trials(add);
      if (!exhausted_) return false;
    }
    return false;
  }

  void create_trials(int count) {
    auto started = Clock::now();
    engine::SuggestResult result = algorithm_.suggest(trials_, count);
    result_.suggest_us.push_back(microseconds_since(started));
    if (static_cast<int>(result.suggestions.size()) > count)
      fail("suggest() returned " + std::to_string(result.suggestions.size()) + " suggestions for " +
           std::to_string(count) + " free slots");
    if (result.exhausted) exhausted_ = true;
    if (result.suggestions.empty()) {
      if (engine::count_trials(trials_).active() == 0) exhausted_ = true;
      return;
    }
    for (auto& s : result.suggestions) {
      Trial t;
      t.sequence = static_cast<int64_t>(trials_.size()) + 1;
      t.name = spec_.name + "-" + std::to_string(t.sequence);
      t.experiment = spec_.name;
      t.assignment = std::move(s.assignment);
      t.labels = std::move(s.labels);
      t.state = TrialState::kCreated;
      t.created_at = static_cast<double>(now_);
      trials_.push_back(std::move(t));
      progress_.emplace_back();
    }
  }

  int int_value(const Trial& t, const char* name) const {
    const std::string* text = engine::find_value(t.assignment, name);
    if (text == nullptr) fail("trial " + t.name + " has no value for parameter " + name);
    auto number = engine::parse_finite_number(*text);
    if (!number || *number != static_cast<double>(static_cast<int64_t>(*number)))
      fail("trial " + t.name + ": " + name + " = \"" + *text + "\" is not an integer");
    return static_cast<int>(*number);
  }

  // Starts trial i; true when it had nothing to train and so ended at once.
  bool launch(size_t i) {
    Trial& t = trials_[i];
    Progress& p = progress_[i];
    p.row = int_value(t, kConfigParameter);
    if (p.row < 0 || p.row >= table_.rows())
      fail("trial " + t.name + " asks for row " + std::to_string(p.row) + "; the table has " +
           std::to_string(table_.rows()));
    p.target = engine::find_value(t.assignment, kEpochsParameter) != nullptr
                   ? int_value(t, kEpochsParameter)
                   : table_.epochs;
    if (p.target < 1 || p.target > table_.epochs)
      fail("trial " + t.name + " asks for " + std::to_string(p.target) +
           " epochs; the table has 1 to " + std::to_string(table_.epochs));
    if (auto label = t.labels.find(engine::kResumeFromLabel); label != t.labels.end()) {
      auto parent = std::find_if(trials_.begin(), trials_.end(),
                                 [&](const Trial& c) { return c.name == label->second; });
      if (parent == trials_.end())
        fail("trial " + t.name + " resumes from \"" + label->second + "\", which is no trial");
      const Progress& from = progress_[parent - trials_.begin()];
      if (from.row != p.row)
        fail("trial " + t.name + " resumes from " + parent->name +
             " with other hyperparameters"
             " (row " +
             std::to_string(p.row) + " after row " + std::to_string(from.row) +
             "): the table holds only uninterrupted curves");
      // The controller copies the parent's checkpoint directory at launch: its last epoch.
      p.start = p.epoch = from.epoch;
    }
    t.state = TrialState::kRunning;
    t.reason = "TrialRunning";
    t.started_at = static_cast<double>(now_);
    if (p.epoch < p.target) return false;
    // train.py finds a checkpoint at or beyond its target: prints that epoch's line, exits 0.
    if (p.epoch > 0) report(i, p.epoch);
    finish(i);
    return true;
  }

  void report(size_t i, int step) {
    Trial& t = trials_[i];
    const double value = table_.accuracy[progress_[i].row][step - 1];
    char text[32];
    std::snprintf(text, sizeof text, "%.4f", value);  // train.py's line
    if (t.observation.empty()) t.observation.push_back({spec_.objective.objective_metric_name});
    engine::fold_value(t.observation.front(), text);
    curves_.add(t.name, step, value);
    if (step == table_.epochs)
      result_.best_final_accuracy = std::max(result_.best_final_accuracy, value);
  }

  void finish(size_t i, const std::string& stop_message = {}) {
    Trial& t = trials_[i];
    t.completed_at = static_cast<double>(now_);
    engine::derive_objective(spec_.objective, t);
    if (!stop_message.empty()) {
      t.state = TrialState::kEarlyStopped;
      t.reason = "TrialEarlyStopped";
      t.message = stop_message;
    } else if (!t.objective_text.empty()) {
      t.state = TrialState::kSucceeded;
      t.reason = "TrialSucceeded";
    } else {
      t.state = TrialState::kMetricsUnavailable;
      t.reason = "MetricsUnavailable";
    }
  }

  // One unit of virtual time: every running trial trains one epoch, in creation order (the
  // order in which the controller would handle reports arriving together).
  void tick() {
    ++now_;
    for (size_t i = 0; i < trials_.size(); ++i) {
      if (trials_[i].state != TrialState::kRunning) continue;
      Progress& p = progress_[i];
      ++p.epoch;
      ++result_.epochs;
      report(i, p.epoch);
      if (rule_ != nullptr) {
        auto started = Clock::now();
        engine::StopDecision decision = rule_->evaluate(trials_[i], trials_, curves_);
        result_.evaluate_us.push_back(microseconds_since(started));
        if (decision.stop) {
          finish(i, decision.message.empty() ? "stopped by the rule" : decision.message);
          continue;
        }
        auto& advice = result_.advice;
        if (!decision.message.empty() &&
            std::find(advice.begin(), advice.end(), decision.message) == advice.end())
          advice.push_back(decision.message);
      }
      if (p.epoch >= p.target) finish(i);
    }
  }

  const engine::ExperimentSpec& spec_;
  engine::Algorithm& algorithm_;
  const engine::EarlyStopper* rule_;
  const CurveTable& table_;
  std::vector<Trial> trials_;
  std::vector<Progress> progress_;  // parallel to trials_
  engine::LearningCurves curves_;
  int64_t now_ = 0;
  bool exhausted_ = false;
  RunResult result_;
};

}  // namespace

std::string describe_trials(const RunResult& result) {
  std::string out;
  for (size_t i = 0; i < result.history.size(); ++i) {
    const auto& t = result.history[i];
    const auto& span = result.spans[i];
    std::string labels;
    for (const auto& [key, value] : t.labels) labels += " " + key + "=" + value;
    char line[160];
    std::snprintf(line, sizeof line, "%-14s row %3d epochs %2d..%2d %-14s objective %s",
                  t.name.c_str(), span.row, span.first + 1, span.last, engine::to_string(t.state),
                  t.objective_text.empty() ? "-" : t.objective_text.c_str());
    out += line + labels + (t.message.empty() ? "" : "  (" + t.message + ")") + "\n";
  }
  return out;
}

RunResult replay_run(const engine::ExperimentSpec& spec, engine::Algorithm& algorithm,
                     const engine::EarlyStopper* rule, const CurveTable& table) {
  return Replay(spec, algorithm, rule, table).run();
}

}  // namespace sextant::bench
