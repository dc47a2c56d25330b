// Trial state names and classification, in Katib's vocabulary.
#include "engine/model/trial.hpp"

namespace sextant::engine {

const std::string* find_value(const Assignment& assignment, const std::string& name) {
  for (const auto& a : assignment)
    if (a.name == name) return &a.value;
  return nullptr;
}

const char* to_string(TrialState state) {
  switch (state) {
    case TrialState::kCreated: return "Created";
    case TrialState::kRunning: return "Running";
    case TrialState::kSucceeded: return "Succeeded";
    case TrialState::kFailed: return "Failed";
    case TrialState::kKilled: return "Killed";
    case TrialState::kEarlyStopped: return "EarlyStopped";
    case TrialState::kMetricsUnavailable: return "MetricsUnavailable";
  }
  return "Created";
}

bool parse_trial_state(const std::string& text, TrialState& out) {
  for (auto s : {TrialState::kCreated, TrialState::kRunning, TrialState::kSucceeded,
                 TrialState::kFailed, TrialState::kKilled, TrialState::kEarlyStopped,
                 TrialState::kMetricsUnavailable})
    if (text == to_string(s)) {
      out = s;
      return true;
    }
  return false;
}

bool is_completed(TrialState state) { return !is_active(state); }

bool is_active(TrialState state) {
  return state == TrialState::kCreated || state == TrialState::kRunning;
}

}  // namespace sextant::engine
