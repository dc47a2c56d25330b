// Random points and one-parameter mutants of spec.parameters for regularized evolution.
#include "algorithms/evolution/parameter_genomes.hpp"

#include "algorithms/common/values.hpp"

namespace sextant::algorithms {

ParameterGenomes::ParameterGenomes(const engine::SearchSpace& space)
    : space_(space), cube_(space_), fresh_(space_, cube_) {}

void ParameterGenomes::sync(const std::vector<engine::Trial>& history) {
  fresh_.sync(history);
  taken_keys_.clear();
  if (history.size() < parsed_.size() ||
      (!parsed_.empty() && history[parsed_.size() - 1].name != last_read_)) {
    parsed_.clear();
    used_keys_.clear();
  }
  for (size_t i = parsed_.size(); i < history.size(); ++i) {
    const auto& assignment = history[i].assignment;
    std::optional<engine::Assignment> ordered;
    if (cube_.point_of(assignment)) {
      ordered.emplace();
      for (const auto& p : space_.parameters)
        ordered->push_back({p.name, *engine::find_value(assignment, p.name)});
      used_keys_.insert(assignment_key(space_, *ordered));
    }
    parsed_.push_back(std::move(ordered));
  }
  if (!history.empty()) last_read_ = history.back().name;
}

bool ParameterGenomes::is_individual(size_t trial) const {
  return parsed_.at(trial).has_value();
}

bool ParameterGenomes::exhausted() const {
  return fresh_.exhausted();
}

engine::Assignment ParameterGenomes::take_random(Rng& rng) {
  engine::Assignment assignment = fresh_.take_random(rng);
  taken_keys_.insert(assignment_key(space_, assignment));
  return assignment;
}

std::optional<engine::Assignment> ParameterGenomes::take_mutant(size_t trial, Rng& rng) {
  const auto& parent = parsed_.at(trial);
  if (!parent) return std::nullopt;
  engine::Assignment child = *parent;
  const auto k = static_cast<size_t>(rng.below(cube_.dimensions()));
  child[k].value = cube_.value_at(k, rng.uniform());
  std::string key = assignment_key(space_, child);
  if (used_keys_.count(key) || taken_keys_.count(key)) return std::nullopt;
  // Tell FreshPoints too, so that its random draws and its count of a finite space see it.
  auto point = cube_.point_of(child);
  if (!point || !fresh_.take(*point)) return std::nullopt;
  taken_keys_.insert(std::move(key));
  return child;
}

}  // namespace sextant::algorithms
