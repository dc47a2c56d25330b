// Hyperband settings: Katib's rules (r_l and resource_name required, eta <= 0 means 3) plus the
// checks Katib leaves to a crash (eta 1, a categorical resource, an oversized bracket).
#include "algorithms/hyperband/hyperband_settings.hpp"

#include <cmath>

#include "algorithms/common/settings.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "algorithms/hyperband/hyperband_brackets.hpp"
#include "engine/error.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

constexpr double kMaxEta = 1e9;

struct Read {
  HyperbandSettings settings;
  std::vector<engine::SpecProblem> problems;
};

std::string parameter_names(const engine::SearchSpace& space) {
  std::string names;
  for (const auto& p : space.parameters) names += (names.empty() ? "" : ", ") + p.name;
  return names.empty() ? "(none)" : names;
}

void read_r_l(const std::string& value, const std::string& path, Read& read) {
  auto r_l = engine::parse_finite_number(value);
  if (!r_l || !(*r_l > 0)) {
    read.problems.push_back(
        {path,
         "r_l must be a number > 0 (the maximum resource a configuration is trained "
         "with, such as 27 epochs); found \"" +
             value + "\""});
    return;
  }
  read.settings.r_l = *r_l;
}

void read_eta(const std::string& value, const std::string& path, Read& read) {
  auto eta = engine::parse_finite_number(value);
  const bool whole = eta && *eta == std::floor(*eta) && *eta <= kMaxEta;
  if (whole && *eta <= 0) {
    read.settings.eta = kHyperbandDefaultEta;  // Katib's service replaces eta <= 0 by 3
    return;
  }
  if (!whole || *eta < 2) {
    read.problems.push_back(
        {path,
         "eta must be an integer >= 2 (the factor by which each rung cuts the "
         "configurations; 0 or a negative value means the default 3, as in Katib); "
         "found \"" +
             value + "\""});
    return;
  }
  read.settings.eta = static_cast<int64_t>(*eta);
}

void read_resource(const engine::ExperimentSpec& spec, const std::string& value,
                   const std::string& path, Read& read) {
  const auto& parameters = spec.parameters.parameters;
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (parameters[i].name != value) continue;
    if (!parameters[i].is_numeric_range()) {
      read.problems.push_back(
          {path, "resource_name \"" + value + "\" is a " + engine::to_string(parameters[i].type) +
                     " parameter; the resource must be an int or double parameter"});
      return;
    }
    read.settings.resource_name = value;
    read.settings.resource_index = i;
    if (parameters.size() < 2)
      read.problems.push_back(
          {"spec.parameters", "hyperband needs a parameter to search besides the resource \"" +
                                  value + "\"; found only the resource"});
    return;
  }
  read.problems.push_back({path, "resource_name must be one of spec.parameters (" +
                                     parameter_names(spec.parameters) + "); found \"" + value +
                                     "\""});
}

Read read_settings(const engine::ExperimentSpec& spec) {
  Read read;
  const auto& algorithm = spec.algorithm;
  read.problems =
      engine::unknown_setting_problems(algorithm, hyperband_known_settings(), kSettingsPath);
  check_random_state(algorithm, read.problems);
  bool has_r_l = false;
  bool has_resource = false;
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    const std::string path = setting_value_path(i);
    if (setting.name == kHyperbandMaxResource) {
      has_r_l = true;
      read_r_l(setting.value, path, read);
    } else if (setting.name == kHyperbandEta) {
      read_eta(setting.value, path, read);
    } else if (setting.name == kHyperbandResourceName) {
      has_resource = true;
      read_resource(spec, setting.value, path, read);
    }
  }
  if (!has_r_l)
    read.problems.push_back({kSettingsPath,
                             "hyperband needs the setting r_l (the maximum resource, such as 27 "
                             "epochs); found no such setting"});
  if (!has_resource)
    read.problems.push_back({kSettingsPath,
                             "hyperband needs the setting resource_name (the int or double "
                             "parameter that receives each rung's resource); found no such "
                             "setting"});
  if (read.settings.r_l > 0) {
    const int s_max = hyperband_s_max(read.settings.r_l, read.settings.eta);
    const double first = integer_power(read.settings.eta, s_max);
    if (first > static_cast<double>(kMaxBracketConfigurations))
      read.problems.push_back(
          {kSettingsPath,
           "r_l and eta give a first bracket of eta^s_max = " + engine::format_double(first) +
               " configurations; at most " + std::to_string(kMaxBracketConfigurations) +
               " are supported (raise eta or lower r_l)"});
  }
  for (auto& p : log_scale_problems(spec.parameters)) read.problems.push_back(std::move(p));
  if (read.problems.empty()) read.settings.seed = random_state(algorithm);
  return read;
}

}  // namespace

std::vector<std::string> hyperband_known_settings() {
  return {kHyperbandMaxResource, kHyperbandEta, kHyperbandResourceName, kRandomState};
}

std::vector<engine::SpecProblem> hyperband_problems(const engine::ExperimentSpec& spec) {
  return read_settings(spec).problems;
}

HyperbandSettings read_hyperband_settings(const engine::ExperimentSpec& spec) {
  auto read = read_settings(spec);
  throw_first_problem(read.problems);
  return read.settings;
}

}  // namespace sextant::algorithms
