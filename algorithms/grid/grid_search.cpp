// Grid search: ordered enumeration of the lattice, skipping points the history already holds.
#include "algorithms/grid/grid_search.hpp"

#include <set>

#include "algorithms/common/settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

Lattice GridSearch::build(const engine::SearchSpace& space) {
  require_usable(space);
  auto lattice = Lattice::of(space);
  if (!lattice) {
    for (size_t i = 0; i < space.parameters.size(); ++i)
      if (!Axis::of(space.parameters[i]))
        throw Error(ErrorCode::kInvalidArgument,
                    "grid needs a finite set of points for every parameter",
                    parameter_path(i, "step"));
    throw Error(ErrorCode::kInvalidArgument, "grid needs a finite search space", "spec.parameters");
  }
  return std::move(*lattice);
}

GridSearch::GridSearch(const engine::SearchSpace& space) : lattice_(build(space)) {}

engine::SuggestResult GridSearch::suggest(const std::vector<engine::Trial>& history, int count) {
  std::set<Lattice::Digits> used;
  for (const auto& trial : history)
    if (auto digits = lattice_.locate(trial.assignment)) used.insert(std::move(*digits));

  // The history usually holds a prefix of the order, so the scan passes it once and stops at
  // the first unused point after the batch (the one that says "not exhausted").
  engine::SuggestResult result;
  auto digits = lattice_.first();
  bool more = true;
  while (more) {
    if (!used.count(digits)) {
      if (static_cast<int>(result.suggestions.size()) >= count) break;
      result.suggestions.push_back({lattice_.assignment(digits), {}});
    }
    more = lattice_.advance(digits);
  }
  result.exhausted = !more;
  return result;
}

std::vector<std::string> GridSearchFactory::known_settings() const {
  return {kRandomState};
}

std::vector<engine::SpecProblem> GridSearchFactory::validate(
    const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(), kSettingsPath);
  check_random_state(spec.algorithm, problems);
  const auto& parameters = spec.parameters.parameters;
  if (parameters.empty())
    problems.push_back({"spec.parameters", "grid needs at least one parameter"});

  // The number of points, in floating point so that a huge grid cannot overflow.
  double points = 1;
  bool countable = !parameters.empty();
  for (size_t i = 0; i < parameters.size(); ++i) {
    const auto& p = parameters[i];
    if (!p.is_numeric_range()) {
      auto axis = Axis::of(p);  // none for an empty list: the spec loader reports it
      if (axis)
        points *= static_cast<double>(axis->size());
      else
        countable = false;
      continue;
    }
    if (p.type == engine::ParameterType::kDouble && p.step == 0) {
      problems.push_back({parameter_path(i, "step"), "grid needs a step for double parameters"});
      countable = false;
      continue;
    }
    auto range = SteppedRange::of(p);
    if (!range) {  // min above max or no whole number: the spec loader reports it
      countable = false;
      continue;
    }
    if (range->point_count() > kMaxAxisPoints) {
      problems.push_back(
          {parameter_path(i, "step"), "step " + engine::format_double(range->step()) +
                                          " makes more than 2^53 grid points between min and max"});
      countable = false;
      continue;
    }
    points *= range->point_count();
  }
  // Beyond 2^53 the count is not exact, but maxTrialCount (an int) is far below it anyway.
  if (countable && spec.max_trial_count && static_cast<double>(*spec.max_trial_count) > points)
    problems.push_back({"spec.maxTrialCount", "maxTrialCount (" +
                                                  std::to_string(*spec.max_trial_count) +
                                                  ") is greater than the number of grid points (" +
                                                  engine::format_double(points) + ")"});
  return problems;
}

std::unique_ptr<engine::Algorithm> GridSearchFactory::create(
    const engine::ExperimentSpec& spec) const {
  return std::make_unique<GridSearch>(spec.parameters);
}

}  // namespace sextant::algorithms
