// Settings of `tpe` and `multivariate-tpe`: checked with their field paths, turned into TpeOptions.
#include "algorithms/tpe/tpe_factory.hpp"

#include <functional>

#include "algorithms/common/settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "algorithms/tpe/tpe_search.hpp"
#include "engine/error.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

constexpr const char* kGamma = "gamma";
constexpr const char* kPriorWeight = "prior_weight";
constexpr const char* kCandidatesHyperopt = "n_EI_candidates";
constexpr const char* kCandidatesOptuna = "n_ei_candidates";
constexpr const char* kStartupTrials = "n_startup_trials";
constexpr int64_t kMaxCandidates = 10000;
constexpr int64_t kMaxStartup = 1000000000;

// A problem for every setting `name` whose value is not a number accepted by `accept`.
void check_number_setting(const engine::AlgorithmSpec& algorithm, const std::string& name,
                          const std::function<bool(double)>& accept, const std::string& expected,
                          std::vector<engine::SpecProblem>& problems) {
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    if (setting.name != name) continue;
    auto value = engine::parse_finite_number(setting.value);
    if (!value || !accept(*value))
      problems.push_back({setting_value_path(i),
                          name + " must be " + expected + "; found \"" + setting.value + "\""});
  }
}

std::optional<double> number_setting(const engine::AlgorithmSpec& algorithm,
                                     const std::string& name) {
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    if (setting.name != name) continue;
    auto value = engine::parse_finite_number(setting.value);
    if (!value)
      throw Error(ErrorCode::kInvalidArgument,
                  name + " must be a number; found \"" + setting.value + "\"",
                  setting_value_path(i));
    return value;
  }
  return std::nullopt;
}

void check_space(const engine::ExperimentSpec& spec, const std::string& name,
                 std::vector<engine::SpecProblem>& problems) {
  if (spec.parameters.empty())
    problems.push_back({"spec.parameters", name + " needs at least one parameter"});
  for (auto& p : log_scale_problems(spec.parameters)) problems.push_back(std::move(p));
}

}  // namespace

std::vector<std::string> TpeFactory::known_settings() const {
  return {kGamma, kPriorWeight, kCandidatesHyperopt, kRandomState};
}

std::vector<engine::SpecProblem> TpeFactory::validate(const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(), kSettingsPath);
  check_number_setting(
      spec.algorithm, kGamma, [](double x) { return x > 0 && x < 1; },
      "a number strictly between 0 and 1", problems);
  check_number_setting(
      spec.algorithm, kPriorWeight, [](double x) { return x > 0; }, "a number > 0", problems);
  check_integer_setting(spec.algorithm, kCandidatesHyperopt, 1, kMaxCandidates, problems);
  check_random_state(spec.algorithm, problems);
  check_space(spec, name(), problems);
  return problems;
}

std::unique_ptr<engine::Algorithm> TpeFactory::create(const engine::ExperimentSpec& spec) const {
  TpeOptions options;
  options.multivariate = false;
  options.good_rule = GoodCountRule::kLinear;
  options.gamma = number_setting(spec.algorithm, kGamma).value_or(0.1);
  options.prior_weight = number_setting(spec.algorithm, kPriorWeight).value_or(1.0);
  options.candidates =
      static_cast<int>(integer_setting(spec.algorithm, kCandidatesHyperopt).value_or(24));
  options.startup = 10;
  return std::make_unique<TpeSearch>(spec.parameters, spec.objective.type, options,
                                     random_state(spec.algorithm), name());
}

std::vector<std::string> MultivariateTpeFactory::known_settings() const {
  return {kStartupTrials, kCandidatesOptuna, kRandomState};
}

std::vector<engine::SpecProblem> MultivariateTpeFactory::validate(
    const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(), kSettingsPath);
  check_integer_setting(spec.algorithm, kStartupTrials, 0, kMaxStartup, problems);
  check_integer_setting(spec.algorithm, kCandidatesOptuna, 1, kMaxCandidates, problems);
  check_random_state(spec.algorithm, problems);
  check_space(spec, name(), problems);
  return problems;
}

std::unique_ptr<engine::Algorithm> MultivariateTpeFactory::create(
    const engine::ExperimentSpec& spec) const {
  TpeOptions options;
  options.multivariate = true;
  options.good_rule = GoodCountRule::kLinear;
  options.gamma = 0.1;
  options.prior_weight = 1.0;
  options.candidates =
      static_cast<int>(integer_setting(spec.algorithm, kCandidatesOptuna).value_or(24));
  options.startup = static_cast<int>(integer_setting(spec.algorithm, kStartupTrials).value_or(10));
  return std::make_unique<TpeSearch>(spec.parameters, spec.objective.type, options,
                                     random_state(spec.algorithm), name());
}

}  // namespace sextant::algorithms
