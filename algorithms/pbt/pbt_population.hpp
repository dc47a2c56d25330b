// PBT's generations as the history records them: each trial's generation and member labels
// place it; re-queued attempts share their member's place.
#pragma once

#include <vector>

#include "engine/model/trial.hpp"

namespace sextant::algorithms {

// Katib's labels (generation 0, 1, ...; the parent trial's name, absent in generation 0) and
// sextant's member index (0 .. n_population-1), which lets a replay tell members apart.
inline constexpr const char* kPbtGenerationLabel = "pbt.suggestion.katib.kubeflow.org/generation";
inline constexpr const char* kPbtParentLabel = "pbt.suggestion.katib.kubeflow.org/parent";
inline constexpr const char* kPbtMemberLabel = "sextant.pbt/member";

// Failed, Killed and MetricsUnavailable: the member is re-queued once.
bool is_pbt_failure(engine::TrialState state);

struct PbtMember {
  std::vector<const engine::Trial*> attempts;  // creation order

  bool proposed() const { return !attempts.empty(); }
  const engine::Trial& last() const { return *attempts.back(); }
  // Its only attempt ended in a failure: propose it again, once.
  bool needs_requeue() const;
  // Proposed, its last attempt completed, and no re-queue due.
  bool settled() const;
};

struct PbtGeneration {
  std::vector<PbtMember> members;  // n_population of them
  bool complete() const;           // every member settled
};

// Generations 0 .. the highest one labelled. Trials without valid labels (generation a whole
// number, member in [0, population)) belong to none.
std::vector<PbtGeneration> read_generations(const std::vector<engine::Trial>& history,
                                            size_t population);

}  // namespace sextant::algorithms
