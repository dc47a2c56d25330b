// DARTS: one assignment, repeated: the trial runs the whole search.
#include "algorithms/darts/darts.hpp"

#include "algorithms/darts/darts_settings.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

engine::SuggestResult DartsSearch::suggest(const std::vector<engine::Trial>& history, int count) {
  (void)history;  // Katib's service ignores the trials too
  engine::SuggestResult result;
  for (int j = 0; j < count; ++j) result.suggestions.push_back({assignment_, {}});
  return result;
}

std::vector<std::string> DartsFactory::known_settings() const {
  return darts_setting_names();
}

std::vector<engine::SpecProblem> DartsFactory::validate(const engine::ExperimentSpec& spec) const {
  auto problems = nas_problems(spec, /*need_sizes=*/false);
  for (auto& p : darts_setting_problems(spec.algorithm)) problems.push_back(std::move(p));
  return problems;
}

engine::Assignment darts_assignment(const engine::ExperimentSpec& spec) {
  if (!spec.nas_config)
    throw Error(ErrorCode::kInvalidArgument,
                "is required: darts searches neural architectures, not spec.parameters",
                "spec.nasConfig");
  return {{kDartsSettingsAssignment, darts_settings_text(spec.algorithm)},
          {kDartsSearchSpaceAssignment, darts_search_space_text(*spec.nas_config)},
          {kDartsNumLayersAssignment, darts_num_layers_text(*spec.nas_config)}};
}

std::unique_ptr<engine::Algorithm> DartsFactory::create(const engine::ExperimentSpec& spec) const {
  return std::make_unique<DartsSearch>(darts_assignment(spec));
}

}  // namespace sextant::algorithms
