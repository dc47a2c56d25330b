// Placing trials in generations and members by their labels.
#include "algorithms/pbt/pbt_population.hpp"

#include <algorithm>
#include <optional>

#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

std::optional<int64_t> label_number(const engine::Trial& trial, const char* key) {
  auto it = trial.labels.find(key);
  if (it == trial.labels.end()) return std::nullopt;
  return engine::parse_whole_number(it->second);
}

}  // namespace

bool is_pbt_failure(engine::TrialState state) {
  return state == engine::TrialState::kFailed || state == engine::TrialState::kKilled ||
         state == engine::TrialState::kMetricsUnavailable;
}

bool PbtMember::needs_requeue() const {
  return attempts.size() == 1 && is_pbt_failure(last().state);
}

bool PbtMember::settled() const {
  return proposed() && engine::is_completed(last().state) && !needs_requeue();
}

bool PbtGeneration::complete() const {
  return std::all_of(members.begin(), members.end(),
                     [](const PbtMember& m) { return m.settled(); });
}

std::vector<PbtGeneration> read_generations(const std::vector<engine::Trial>& history,
                                            size_t population) {
  std::vector<PbtGeneration> generations;
  for (const auto& trial : history) {
    auto g = label_number(trial, kPbtGenerationLabel);
    auto m = label_number(trial, kPbtMemberLabel);
    // Every generation holds at least one trial, so a label above the history's size is bogus.
    if (!g || !m || *g < 0 || *g >= static_cast<int64_t>(history.size()) || *m < 0 ||
        *m >= static_cast<int64_t>(population))
      continue;
    while (generations.size() <= static_cast<size_t>(*g))
      generations.push_back({std::vector<PbtMember>(population)});
    generations[*g].members[*m].attempts.push_back(&trial);
  }
  return generations;
}

}  // namespace sextant::algorithms
