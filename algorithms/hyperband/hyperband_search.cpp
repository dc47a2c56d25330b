// Hyperband's replay: group the history by bracket and rung labels, then walk the brackets in
// Katib's order proposing every rung-0 draw and promotion that can be made now.
#include "algorithms/hyperband/hyperband_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "algorithms/common/rng.hpp"
#include "algorithms/common/seed_state.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

using engine::Trial;

namespace {

engine::SearchSpace checked(const engine::SearchSpace& space) {
  require_usable(space);  // located errors for the spec as written, before any index shifts
  return space;
}

engine::SearchSpace without(const engine::SearchSpace& space, size_t index) {
  engine::SearchSpace out;
  for (size_t i = 0; i < space.parameters.size(); ++i)
    if (i != index) out.parameters.push_back(space.parameters[i]);
  return out;
}

std::optional<int64_t> label_number(const Trial& trial, const char* key) {
  auto it = trial.labels.find(key);
  if (it == trial.labels.end()) return std::nullopt;
  return engine::parse_whole_number(it->second);
}

// Lower is better; trials without a result (Failed, Killed, MetricsUnavailable, no numeric
// objective) rank behind every result.
double loss_of(const Trial& trial, engine::ObjectiveType type) {
  const bool result = trial.state == engine::TrialState::kSucceeded ||
                      trial.state == engine::TrialState::kEarlyStopped;
  if (!result || !trial.objective || std::isnan(*trial.objective))
    return std::numeric_limits<double>::infinity();
  return type == engine::ObjectiveType::kMinimize ? *trial.objective : -*trial.objective;
}

bool all_completed(const std::vector<const Trial*>& trials) {
  return std::all_of(trials.begin(), trials.end(),
                     [](const Trial* t) { return engine::is_completed(t->state); });
}

}  // namespace

HyperbandSearch::HyperbandSearch(const engine::ExperimentSpec& spec,
                                 const HyperbandSettings& settings)
    : space_(checked(spec.parameters)),
      configs_(without(space_, settings.resource_index)),
      cube_(configs_),
      fresh_(configs_, cube_),
      resource_(space_.parameters.at(settings.resource_index)),
      resource_index_(settings.resource_index),
      objective_(spec.objective.type),
      eta_(settings.eta),
      brackets_(hyperband_brackets(settings.r_l, settings.eta)) {
  seed_ = AlgorithmSeed(settings.seed);
}

// One suggest() call: the history grouped by bracket and rung, and the suggestions made so far.
class HyperbandSearch::Pass {
 public:
  Pass(HyperbandSearch& search, const std::vector<Trial>& history, int count)
      : search_(search), history_(history), left_(std::max(count, 0)) {
    const auto& brackets = search_.brackets_;
    rungs_.resize(brackets.size());
    for (size_t b = 0; b < brackets.size(); ++b) rungs_[b].resize(brackets[b].s + 1);
    const int s_max = brackets.front().s;
    for (const auto& trial : history) {
      auto s = label_number(trial, kHyperbandBracketLabel);
      auto i = label_number(trial, kHyperbandRungLabel);
      // Trials without our labels (another algorithm's, or written by hand) are not part of any
      // bracket; FreshPoints still keeps rung 0 from repeating their configurations.
      if (!s || !i || *s < 0 || *s > s_max || *i < 0 || *i > *s) continue;
      rungs_[s_max - *s][*i].push_back(&trial);
    }
  }

  engine::SuggestResult run() {
    for (size_t b = 0; b < search_.brackets_.size() && !stopped_; ++b) bracket(b);
    result_.exhausted = !more_;
    return std::move(result_);
  }

 private:
  // Proposes what bracket b can take now. A bracket that waits for running trials lets the next
  // bracket open, so workers are not left idle.
  void bracket(size_t b) {
    const auto& bracket = search_.brackets_[b];
    const auto& rungs = rungs_[b];
    int64_t n0 = static_cast<int64_t>(rungs[0].size());
    while (n0 < bracket.configurations && !search_.fresh_.exhausted()) {
      if (!take_slot()) return;
      Rng rng(derive_seed(search_.seed_.value(), history_.size() + result_.suggestions.size()));
      propose(bracket, 0, search_.fresh_.take_random(rng), nullptr);
      ++n0;
    }
    // n0 is now rung 0's final size: below `configurations` only when a finite space ran out of
    // unused configurations, and then the later rungs shrink with it.
    for (int i = 1; i <= bracket.s; ++i) {
      const auto size = static_cast<size_t>(rung_size(n0, search_.eta_, i));
      if (size == 0) return;  // a short rung 0 promotes nobody: the bracket ends here
      const auto& below = rungs[i - 1];
      const int64_t below_size = rung_size(n0, search_.eta_, i - 1);
      // Synchronous successive halving: rung i is formed once every trial of rung i-1 is in the
      // history and completed (this pass' own proposals are not in the history yet).
      if (static_cast<int64_t>(below.size()) < below_size || !all_completed(below)) {
        more_ = true;
        return;
      }
      auto ranked = below;
      std::stable_sort(ranked.begin(), ranked.end(), [&](const Trial* x, const Trial* y) {
        return loss_of(*x, search_.objective_) < loss_of(*y, search_.objective_);
      });
      ranked.resize(std::min(size, ranked.size()));
      for (const Trial* parent : ranked) {
        if (promoted(rungs[i], *parent)) continue;
        if (!take_slot()) return;
        propose(bracket, i, parent->assignment, parent);
      }
    }
  }

  static bool promoted(const std::vector<const Trial*>& rung, const Trial& parent) {
    return std::any_of(rung.begin(), rung.end(), [&](const Trial* child) {
      auto it = child->labels.find(engine::kResumeFromLabel);
      return it != child->labels.end() && it->second == parent.name;
    });
  }

  // False (and the pass stops) when the batch is full while something is left to propose.
  bool take_slot() {
    if (left_ == 0) {
      more_ = true;
      stopped_ = true;
      return false;
    }
    --left_;
    return true;
  }

  // `source` holds every parameter but the resource (a rung-0 draw, or the promoted trial).
  void propose(const HyperbandBracket& bracket, int rung, const engine::Assignment& source,
               const Trial* parent) {
    engine::Suggestion s;
    const auto& parameters = search_.space_.parameters;
    for (size_t j = 0; j < parameters.size(); ++j) {
      const auto& name = parameters[j].name;
      if (j == search_.resource_index_) {
        s.assignment.push_back({name, resource_value(bracket.resources[rung])});
        continue;
      }
      const std::string* value = engine::find_value(source, name);
      // Only a trial from before an edit of spec.parameters can lack a value; the middle of the
      // parameter's range keeps the suggestion well-formed.
      const size_t k = j < search_.resource_index_ ? j : j - 1;
      s.assignment.push_back({name, value ? *value : search_.cube_.value_at(k, 0.5)});
    }
    s.labels[kHyperbandBracketLabel] = std::to_string(bracket.s);
    s.labels[kHyperbandRungLabel] = std::to_string(rung);
    if (parent) s.labels[engine::kResumeFromLabel] = parent->name;
    result_.suggestions.push_back(std::move(s));
  }

  std::string resource_value(double r) const {
    if (search_.resource_.type == engine::ParameterType::kInt)
      return std::to_string(std::max<long long>(1, std::llround(r)));
    return engine::format_double(r);
  }

  HyperbandSearch& search_;
  const std::vector<Trial>& history_;
  int left_;
  std::vector<std::vector<std::vector<const Trial*>>> rungs_;  // [bracket][rung] -> trials
  engine::SuggestResult result_;
  bool more_ = false;     // something is left to propose, now or after running trials finish
  bool stopped_ = false;  // the batch is full
};

engine::SuggestResult HyperbandSearch::suggest(const std::vector<Trial>& history, int count) {
  fresh_.sync(history);
  return Pass(*this, history, count).run();
}

std::string HyperbandSearch::save_state() const {
  return seed_.save();
}

void HyperbandSearch::restore_state(const std::string& state) {
  seed_.restore(state, "hyperband");
}

}  // namespace sextant::algorithms
