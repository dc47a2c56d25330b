// The `asha` search algorithm and its factory: promotions first, then new configurations.
#include "algorithms/asha/asha_search.hpp"

#include <cmath>

#include "algorithms/asha/asha_ladder.hpp"
#include "algorithms/common/rng.hpp"
#include "algorithms/common/seed_state.hpp"
#include "algorithms/common/settings.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "engine/error.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

std::optional<size_t> parameter_index(const engine::SearchSpace& space, const std::string& name) {
  for (size_t i = 0; i < space.size(); ++i)
    if (space.parameters[i].name == name) return i;
  return std::nullopt;
}

std::optional<size_t> setting_index(const engine::AlgorithmSpec& algorithm,
                                    const std::string& name) {
  for (size_t i = 0; i < algorithm.settings.size(); ++i)
    if (algorithm.settings[i].name == name) return i;
  return std::nullopt;
}

std::string parameter_names(const engine::SearchSpace& space) {
  std::string names;
  for (const auto& p : space.parameters) names += (names.empty() ? "" : ", ") + p.name;
  return names.empty() ? "(none)" : names;
}

// Why `name` cannot be the resource parameter of `space`, or nullopt when it can.
std::optional<std::string> resource_problem(const engine::SearchSpace& space,
                                            const std::string& name) {
  auto index = parameter_index(space, name);
  if (!index)
    return "resource_name must name one of spec.parameters (" + parameter_names(space) +
           "); found \"" + name + "\"";
  const auto& p = space.parameters[*index];
  if (!p.is_numeric_range())
    return "resource_name \"" + name + "\" is a " + engine::to_string(p.type) + " parameter (" +
           parameter_path(*index) + "); asha needs an int or double parameter to pass each " +
           "trial its resource";
  return std::nullopt;
}

bool whole(double x) {
  return std::floor(x) == x;
}

size_t resource_index(const engine::SearchSpace& space, const AshaSettings& settings) {
  if (auto problem = resource_problem(space, settings.resource_name))
    throw Error(ErrorCode::kInvalidArgument, *problem, kSettingsPath);
  return *parameter_index(space, settings.resource_name);
}

engine::SearchSpace without(const engine::SearchSpace& space, size_t index) {
  engine::SearchSpace out = space;
  out.parameters.erase(out.parameters.begin() + static_cast<std::ptrdiff_t>(index));
  return out;
}

const engine::SearchSpace& usable(const engine::SearchSpace& space) {
  require_usable(space);
  return space;
}

}  // namespace

AshaSearch::AshaSearch(const engine::SearchSpace& space, engine::ObjectiveType type,
                       AshaSettings settings)
    : space_(space),
      type_(type),
      settings_(std::move(settings)),
      resource_index_(resource_index(space_, settings_)),
      configs_(without(space_, resource_index_)),
      cube_(usable(configs_)),
      fresh_(configs_, cube_) {
  if (!settings_.max_resource)
    throw Error(ErrorCode::kInvalidArgument, "asha needs max_resource", kSettingsPath);
  if (space_.parameters[resource_index_].type == engine::ParameterType::kInt &&
      !(whole(settings_.min_resource) && whole(*settings_.max_resource)))
    throw Error(ErrorCode::kInvalidArgument,
                "min_resource and max_resource must be whole numbers for the int resource \"" +
                    settings_.resource_name + "\"",
                kSettingsPath);
  seed_ = AlgorithmSeed(settings_.random_state);
}

engine::Assignment AshaSearch::with_resource(const engine::Assignment& config,
                                             double resource) const {
  engine::Assignment out;
  out.reserve(space_.size());
  for (size_t i = 0; i < space_.size(); ++i) {
    const auto& p = space_.parameters[i];
    if (i == resource_index_) {
      out.push_back({p.name, engine::format_parameter_value(p, resource)});
      continue;
    }
    const std::string* value = engine::find_value(config, p.name);
    if (value == nullptr)
      throw Error(ErrorCode::kInternal, "asha: a configuration has no value for " + p.name);
    out.push_back({p.name, *value});
  }
  return out;
}

void AshaSearch::sync_configs(const std::vector<engine::Trial>& history) {
  const size_t known = config_history_.size();
  if (known > history.size() ||
      (known > 0 && history[known - 1].name != config_history_.back().name))
    config_history_.clear();
  for (size_t i = config_history_.size(); i < history.size(); ++i) {
    engine::Trial t;
    t.name = history[i].name;
    t.state = history[i].state;
    for (const auto& a : history[i].assignment)
      if (a.name != settings_.resource_name) t.assignment.push_back(a);
    config_history_.push_back(std::move(t));
  }
}

engine::SuggestResult AshaSearch::suggest(const std::vector<engine::Trial>& history, int count) {
  engine::SuggestResult result;
  sync_configs(history);
  fresh_.sync(config_history_);
  AshaLadder ladder(settings_, type_, configs_, cube_, history);
  for (int j = 0; j < count; ++j) {
    engine::Suggestion s;
    if (auto promotion = ladder.next_promotion()) {
      const auto& parent = history[promotion->trial];
      s.assignment = with_resource(parent.assignment, promotion->resource);
      s.labels = {{kAshaBracketLabel, std::to_string(promotion->bracket)},
                  {kAshaRungLabel, std::to_string(promotion->rung)},
                  {engine::kResumeFromLabel, parent.name}};
      ladder.promote(*promotion);
    } else if (!fresh_.exhausted()) {
      const int64_t bracket = ladder.next_bracket();
      // The generator of a new configuration depends on its place in the experiment alone,
      // so a restart replays it from the seed.
      Rng rng(derive_seed(seed_.value(),
                          static_cast<uint64_t>(history.size()) + static_cast<uint64_t>(j)));
      s.assignment = with_resource(fresh_.take_random(rng), ladder.rungs(bracket).front());
      s.labels = {{kAshaBracketLabel, std::to_string(bracket)}, {kAshaRungLabel, "0"}};
      ladder.start(bracket);
    } else {
      break;  // every configuration is out; promotions may come when running trials finish
    }
    result.suggestions.push_back(std::move(s));
  }
  result.exhausted = fresh_.exhausted() && !ladder.next_promotion() && !ladder.may_promote_later();
  return result;
}

std::string AshaSearch::save_state() const {
  return seed_.save();
}

void AshaSearch::restore_state(const std::string& state) {
  seed_.restore(state, "asha");
}

std::vector<std::string> AshaSearchFactory::known_settings() const {
  return asha_setting_names(AshaUse::kSearch);
}

std::vector<engine::SpecProblem> AshaSearchFactory::validate(
    const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  auto problems = check_asha_settings(spec.algorithm, AshaUse::kSearch);
  const auto& space = spec.parameters;
  std::optional<size_t> resource;
  if (auto at = setting_index(spec.algorithm, kAshaResourceName)) {
    const std::string& name = spec.algorithm.settings[*at].value;
    if (!name.empty()) {
      if (auto problem = resource_problem(space, name))
        problems.push_back({setting_value_path(*at), *problem});
      resource = parameter_index(space, name);
    }
  }
  if (resource && space.parameters[*resource].type == engine::ParameterType::kInt) {
    // Every rung is min_resource * eta^k or max_resource: whole when those two are.
    for (const char* bound : {kAshaMinResource, kAshaMaxResource}) {
      auto at = setting_index(spec.algorithm, bound);
      if (!at) continue;
      const std::string& text = spec.algorithm.settings[*at].value;
      auto x = engine::parse_finite_number(text);
      if (x && *x > 0 && !whole(*x))
        problems.push_back({setting_value_path(*at),
                            std::string(bound) + " must be a whole number because the resource " +
                                "parameter \"" + space.parameters[*resource].name +
                                "\" is an int; found \"" + text + "\""});
    }
  }
  if (space.size() <= (resource ? 1u : 0u))
    problems.push_back({"spec.parameters",
                        "asha needs at least one parameter besides its resource to search over"});
  const std::string resource_prefix = resource ? parameter_path(*resource) : "";
  for (auto& p : log_scale_problems(space)) {
    // The resource's feasible space is not used, so its log scale cannot be wrong.
    const bool of_resource =
        resource && p.path.compare(0, resource_prefix.size(), resource_prefix) == 0 &&
        (p.path.size() == resource_prefix.size() || p.path[resource_prefix.size()] == '.');
    if (!of_resource) problems.push_back(std::move(p));
  }
  return problems;
}

std::unique_ptr<engine::Algorithm> AshaSearchFactory::create(
    const engine::ExperimentSpec& spec) const {
  // The space first, at its own field paths; the resource's feasible space is not used, so a
  // one-value stand-in takes its place in the check.
  engine::SearchSpace checked = spec.parameters;
  if (const std::string* name = spec.algorithm.setting(kAshaResourceName))
    if (auto index = parameter_index(checked, *name)) {
      auto& p = checked.parameters[*index];
      p.type = engine::ParameterType::kInt;
      p.distribution = engine::Distribution::kUniform;
      p.min = p.max = 0;
      p.step = 0;
      p.list.clear();
    }
  require_usable(checked);
  return std::make_unique<AshaSearch>(spec.parameters, spec.objective.type,
                                      read_asha_settings(spec.algorithm, AshaUse::kSearch));
}

}  // namespace sextant::algorithms
