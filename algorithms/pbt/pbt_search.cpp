// PBT's replay: find the generation being run, plan the next one from a complete one, and
// propose its members not yet proposed and the re-queues that are due.
#include "algorithms/pbt/pbt_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "algorithms/common/rng.hpp"
#include "algorithms/common/seed_state.hpp"

namespace sextant::algorithms {

using engine::Trial;

namespace {

// Generators for planning generation g, member j: derive_seed(derive_seed(seed, kPlanStreams +
// g), j). Generation-0 draws use derive_seed(seed, p) with p the trial's position in the
// experiment, far below 2^63, so the two never share a stream.
constexpr uint64_t kPlanStreams = uint64_t{1} << 63;

double loss_of(const Trial& trial, engine::ObjectiveType type) {
  const bool result = trial.state == engine::TrialState::kSucceeded ||
                      trial.state == engine::TrialState::kEarlyStopped;
  if (!result || !trial.objective || std::isnan(*trial.objective))
    return std::numeric_limits<double>::infinity();
  return type == engine::ObjectiveType::kMinimize ? *trial.objective : -*trial.objective;
}

}  // namespace

PbtSearch::PbtSearch(const engine::ExperimentSpec& spec, const PbtSettings& settings)
    : space_(spec.parameters),
      cube_(space_),
      fresh_(space_, cube_),
      explorer_(space_, cube_, settings.resample),
      objective_(spec.objective.type),
      settings_(settings) {
  seed_ = AlgorithmSeed(settings.seed);
}

engine::Assignment PbtSearch::first_generation_draw(Rng& rng) {
  // Distinct members while the space has unused points; a finite space smaller than the
  // population then repeats points (members are trials with their own checkpoints, not points).
  if (!fresh_.exhausted()) return fresh_.take_random(rng);
  std::vector<double> point(cube_.dimensions());
  for (auto& u : point) u = rng.uniform();
  return cube_.assignment_at(point);
}

std::vector<PbtSearch::Planned> PbtSearch::plan(const PbtGeneration& previous,
                                                int64_t generation) const {
  const size_t n = previous.members.size();
  std::vector<size_t> ranked(n);
  for (size_t j = 0; j < n; ++j) ranked[j] = j;
  // Best first; members without a result last; ties by member index.
  std::stable_sort(ranked.begin(), ranked.end(), [&](size_t a, size_t b) {
    return loss_of(previous.members[a].last(), objective_) <
           loss_of(previous.members[b].last(), objective_);
  });
  // floor(n * threshold) members at each end. The best member never exploits, so an exploiting
  // member always has someone else to copy (thresholds above 0.5 make the two ends overlap).
  const auto k =
      static_cast<size_t>(std::floor(static_cast<double>(n) * settings_.truncation + 1e-9));
  const size_t bottom = std::min(k, n - 1);
  const size_t top = std::max<size_t>(k, 1);
  std::vector<bool> exploits(n, false);
  for (size_t r = n - bottom; r < n; ++r) exploits[ranked[r]] = true;

  const uint64_t stream =
      derive_seed(seed_.value(), kPlanStreams + static_cast<uint64_t>(generation));
  std::vector<Planned> out(n);
  for (size_t j = 0; j < n; ++j) {
    Rng rng(derive_seed(stream, j));
    const Trial& self = previous.members[j].last();
    if (!exploits[j]) {
      out[j] = {explorer_.explore(self.assignment, rng), &self};
      continue;
    }
    std::vector<size_t> donors;
    for (size_t r = 0; r < top; ++r)
      if (ranked[r] != j) donors.push_back(ranked[r]);
    const Trial& donor = previous.members[donors[rng.below(donors.size())]].last();
    out[j] = {explorer_.copy(donor.assignment, rng), &donor};
  }
  return out;
}

engine::SuggestResult PbtSearch::suggest(const std::vector<Trial>& history, int count) {
  fresh_.sync(history);
  const auto population = static_cast<size_t>(settings_.population);
  auto generations = read_generations(history, population);
  if (generations.empty() || generations.back().complete())
    generations.push_back({std::vector<PbtMember>(population)});
  const auto g = static_cast<int64_t>(generations.size() - 1);
  const auto& current = generations.back();
  // Planned only from a complete generation; a history whose labels skip one (edited by hand)
  // gets only its re-queues.
  std::vector<Planned> planned;
  if (g > 0 && generations[g - 1].complete()) planned = plan(generations[g - 1], g);

  engine::SuggestResult result;
  int left = std::max(count, 0);
  for (size_t j = 0; j < population && left > 0; ++j) {
    const auto& member = current.members[j];
    engine::Suggestion s;
    std::string parent;
    if (!member.proposed()) {
      if (g == 0) {
        Rng rng(derive_seed(seed_.value(), history.size() + result.suggestions.size()));
        s.assignment = first_generation_draw(rng);
      } else {
        if (planned.empty()) continue;
        s.assignment = planned[j].assignment;
        parent = planned[j].parent->name;
      }
    } else if (member.needs_requeue()) {
      // Same parameters, same parent: the member gets one more chance from the same checkpoint.
      s.assignment = member.last().assignment;
      auto it = member.last().labels.find(kPbtParentLabel);
      if (it != member.last().labels.end()) parent = it->second;
    } else {
      continue;
    }
    s.labels[kPbtGenerationLabel] = std::to_string(g);
    s.labels[kPbtMemberLabel] = std::to_string(j);
    if (!parent.empty()) {
      s.labels[kPbtParentLabel] = parent;
      s.labels[engine::kResumeFromLabel] = parent;
    }
    result.suggestions.push_back(std::move(s));
    --left;
  }
  result.exhausted = false;  // PBT runs until maxTrialCount or the goal ends the experiment
  return result;
}

std::string PbtSearch::save_state() const {
  return seed_.save();
}

void PbtSearch::restore_state(const std::string& state) {
  seed_.restore(state, "pbt");
}

}  // namespace sextant::algorithms
