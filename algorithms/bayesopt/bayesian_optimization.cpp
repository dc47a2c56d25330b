// The bayesianoptimization algorithm: initial design, model, liars, acquisition, fresh points.
#include "algorithms/bayesopt/bayesian_optimization.hpp"

#include <algorithm>
#include <charconv>
#include <numeric>

#include <nlohmann/json.hpp>

#include "algorithms/bayesopt/acquisition_optimizer.hpp"
#include "algorithms/common/rng.hpp"
#include "algorithms/common/settings.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "algorithms/sobol/direction_numbers.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

using bayesopt::Acquisition;
using bayesopt::GaussianProcess;
using bayesopt::GpHedge;

namespace {

constexpr size_t kMinObservations = 2;  // a GP of fewer losses says nothing about the shape
constexpr size_t kIncumbents = 5;       // best observed points the local sweep perturbs
constexpr double kLie = 0.0;            // the mean observed loss, standardised

std::vector<std::vector<double>> best_points(const Observations& observations, size_t count) {
  std::vector<size_t> order(observations.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return observations.losses[a] < observations.losses[b];
  });
  std::vector<std::vector<double>> out;
  for (size_t i = 0; i < order.size() && i < count; ++i)
    out.push_back(observations.points[order[i]]);
  return out;
}

std::optional<uint64_t> parse_seed(const nlohmann::json& json) {
  if (!json.is_object() || !json.contains("seed") || !json["seed"].is_string()) return std::nullopt;
  const std::string text = json["seed"].get<std::string>();
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::optional<std::vector<double>> number_list(const nlohmann::json& json) {
  if (!json.is_array()) return std::nullopt;
  std::vector<double> out;
  for (const auto& item : json) {
    if (!item.is_number()) return std::nullopt;
    out.push_back(item.get<double>());
  }
  return out;
}

}  // namespace

BayesianOptimization::BayesianOptimization(const engine::ExperimentSpec& spec,
                                           bayesopt::BayesOptSettings settings)
    : space_(spec.parameters),
      objective_(spec.objective.type),
      cube_(space_),
      features_(cube_),
      settings_(settings),
      surrogate_(features_.layout()) {
  seed_fixed_ = settings_.random_state.has_value();
  seed_ = settings_.random_state ? *settings_.random_state : random_seed();
  if (cube_.dimensions() <= kSobolMaxDimensions) sobol_.emplace(cube_.dimensions(), seed_);
}

std::vector<double> BayesianOptimization::initial_point(uint64_t position, Rng& rng) const {
  if (sobol_) return sobol_->point(position);
  std::vector<double> point(cube_.dimensions());
  for (auto& u : point) u = rng.uniform();
  return point;
}

void BayesianOptimization::update_model(const Observations& observations) {
  Eigen::MatrixXd x(static_cast<Eigen::Index>(observations.size()),
                    static_cast<Eigen::Index>(features_.features()));
  for (size_t i = 0; i < observations.size(); ++i)
    x.row(static_cast<Eigen::Index>(i)) = features_.encode(observations.points[i]);
  surrogate_.update(x, observations.losses, seed_);

  if (!settings_.acquisition && hedge_.reward_due(observations.size())) {
    Eigen::MatrixXd nominees(3, static_cast<Eigen::Index>(features_.features()));
    bool usable = true;
    for (size_t i = 0; i < hedge_.nominees().size(); ++i) {
      if (hedge_.nominees()[i].size() != features_.inputs()) usable = false;
      if (usable)
        nominees.row(static_cast<Eigen::Index>(i)) = features_.encode(hedge_.nominees()[i]);
    }
    if (usable) {
      const Eigen::VectorXd means = surrogate_.gp().predict_mean(nominees);
      hedge_.reward(std::vector<double>(means.data(), means.data() + means.size()));
    } else {
      hedge_.reward({});
    }
  }
}

std::optional<engine::Assignment> BayesianOptimization::model_suggestion(
    const GaussianProcess& gp, const Observations& observations, FreshPoints& fresh, Rng& rng,
    bool nominate) {
  const double best = surrogate_.scaler().transform(observations.losses[observations.best()]);
  bayesopt::SearchRequest request;
  request.gp = &gp;
  request.map = &features_;
  if (settings_.acquisition) {
    request.members = {Acquisition::make(*settings_.acquisition, best)};
  } else {
    for (auto kind : GpHedge::kMembers) request.members.push_back(Acquisition::make(kind, best));
    request.chosen = hedge_.choose(rng);
  }
  request.incumbents = best_points(observations, kIncumbents);
  request.kind = settings_.optimizer;
  request.budget =
      bayesopt::search_budget(settings_.optimizer, gp.size(), features_.continuous_inputs().size());
  auto found = bayesopt::search_acquisition(request, rng);
  if (nominate && !settings_.acquisition) hedge_.nominate(found.nominees, observations.size());
  for (const auto& point : found.ranked)
    if (auto assignment = fresh.take(point)) return assignment;
  return std::nullopt;
}

engine::SuggestResult BayesianOptimization::suggest(const std::vector<engine::Trial>& history,
                                                    int count) {
  engine::SuggestResult result;
  FreshPoints fresh(space_, cube_, history);
  const Observations observations = observe(cube_, objective_, history);
  const size_t busy = observations.size() + observations.pending.size();
  const GaussianProcess* model = nullptr;  // the surrogate's GP, or `liars`
  // A copy of the GP with the pending trials and this batch's earlier suggestions as lies; not
  // made (an O(n^2) copy) for the common single suggestion without pending trials.
  std::optional<GaussianProcess> liars;
  std::vector<std::vector<double>> batch;  // this call's suggestions so far
  bool nominated = false;
  for (int j = 0; j < count && !fresh.exhausted(); ++j) {
    const uint64_t position = static_cast<uint64_t>(history.size()) + static_cast<uint64_t>(j);
    Rng rng(derive_seed(seed_, position));
    std::optional<engine::Assignment> assignment;
    if (busy + static_cast<size_t>(j) < settings_.initial_points ||
        observations.size() < kMinObservations) {
      assignment = fresh.take(initial_point(position, rng));
    } else {
      if (!model) {
        update_model(observations);
        model = &surrogate_.gp();
        if (!observations.pending.empty() || count > 1) {
          liars.emplace(surrogate_.gp());
          for (const auto& pending : observations.pending)
            liars->append(features_.encode(pending), kLie);
          for (const auto& point : batch) liars->append(features_.encode(point), kLie);
          model = &*liars;
        }
      }
      assignment = model_suggestion(*model, observations, fresh, rng, !nominated);
      nominated = true;
    }
    if (!assignment) assignment = fresh.take_random(rng);
    if (j + 1 < count) {
      if (auto point = cube_.point_of(*assignment)) {
        if (liars) liars->append(features_.encode(*point), kLie);
        batch.push_back(std::move(*point));
      }
    }
    result.suggestions.push_back({std::move(*assignment), {}});
  }
  result.exhausted = fresh.exhausted();
  return result;
}

std::string BayesianOptimization::save_state() const {
  // The seed as a string: JSON readers in other languages lose precision above 2^53.
  nlohmann::json state{{"seed", std::to_string(seed_)}};
  if (const auto& theta = surrogate_.hyperparameters(); theta && surrogate_.fitted_at()) {
    state["hyperparameters"] = std::vector<double>(theta->data(), theta->data() + theta->size());
    state["fitted_at"] = *surrogate_.fitted_at();
  }
  if (!settings_.acquisition) {
    state["gains"] = hedge_.gains();
    if (!hedge_.nominees().empty()) {
      state["nominees"] = hedge_.nominees();
      state["nominated_at"] = hedge_.nominated_at();
    }
  }
  return state.dump();
}

void BayesianOptimization::restore_state(const std::string& state) {
  if (state.empty()) return;
  const auto json = nlohmann::json::parse(state, nullptr, /*allow_exceptions=*/false);
  const auto seed = parse_seed(json);
  if (!seed)
    throw Error(ErrorCode::kInternal,
                "the saved state of algorithm \"bayesianoptimization\" has no \"seed\" string: " +
                    state.substr(0, 200));
  if (!seed_fixed_) {
    seed_ = *seed;
    if (sobol_) sobol_.emplace(cube_.dimensions(), seed_);
  }
  // The rest is an optimisation of the model and gp_hedge's memory: anything unreadable (an
  // edited spec changed the dimensions) is dropped, and the model is refitted from the history.
  if (json.contains("hyperparameters") && json.contains("fitted_at") &&
      json["fitted_at"].is_number_unsigned()) {
    if (auto theta = number_list(json["hyperparameters"])) {
      surrogate_.restore(Eigen::Map<const Eigen::VectorXd>(
                             theta->data(), static_cast<Eigen::Index>(theta->size())),
                         json["fitted_at"].get<size_t>());
    }
  }
  if (json.contains("gains")) {
    auto gains = number_list(json["gains"]);
    if (gains && gains->size() == 3) {
      std::vector<std::vector<double>> nominees;
      size_t nominated_at = 0;
      if (json.contains("nominees") && json["nominees"].is_array() &&
          json.contains("nominated_at") && json["nominated_at"].is_number_unsigned()) {
        for (const auto& item : json["nominees"]) {
          auto point = number_list(item);
          if (!point || point->size() != cube_.dimensions()) {
            nominees.clear();
            break;
          }
          nominees.push_back(std::move(*point));
        }
        nominated_at = json["nominated_at"].get<size_t>();
      }
      if (nominees.size() != 3) nominees.clear();
      hedge_.restore({(*gains)[0], (*gains)[1], (*gains)[2]}, std::move(nominees), nominated_at);
    }
  }
}

std::vector<std::string> BayesianOptimizationFactory::known_settings() const {
  return bayesopt::setting_names();
}

std::vector<engine::SpecProblem> BayesianOptimizationFactory::validate(
    const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(), kSettingsPath);
  bayesopt::check_settings(spec.algorithm, problems);
  if (spec.parameters.empty())
    problems.push_back({"spec.parameters", "bayesianoptimization needs at least one parameter"});
  for (auto& p : log_scale_problems(spec.parameters)) problems.push_back(std::move(p));
  return problems;
}

std::unique_ptr<engine::Algorithm> BayesianOptimizationFactory::create(
    const engine::ExperimentSpec& spec) const {
  return std::make_unique<BayesianOptimization>(spec, bayesopt::read_settings(spec.algorithm));
}

}  // namespace sextant::algorithms
