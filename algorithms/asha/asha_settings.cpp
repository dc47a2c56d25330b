// ASHA settings: parsed strictly, reported at their field paths; rungs computed from them.
#include "algorithms/asha/asha_settings.hpp"

#include <charconv>
#include <cmath>
#include <limits>

#include "algorithms/common/settings.hpp"
#include "engine/error.hpp"
#include "engine/model/search_space.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

// Resources are compared with int64 steps and given to int parameters: beyond 2^53 a double
// no longer holds every whole number, so no rung may start there.
constexpr double kLargestRung = 9007199254740992.0;

std::string value_path(AshaUse use, size_t index) {
  return asha_settings_path(use) + "[" + std::to_string(index) + "].value";
}

std::string found(const std::string& value) {
  return "; found \"" + value + "\"";
}

// The values of the settings, first occurrence of each name; every occurrence is checked. The
// cross-checks run only on values that passed their own check, so one mistake is one problem.
AshaSettings parse(const engine::AlgorithmSpec& spec, AshaUse use,
                   std::vector<engine::SpecProblem>& problems) {
  AshaSettings s;
  std::optional<size_t> min_at, max_at, brackets_at, eta_at;
  bool min_bad = false, max_bad = false, eta_bad = false, brackets_bad = false;
  bool resource_seen = false;
  for (size_t i = 0; i < spec.settings.size(); ++i) {
    const auto& [name, value] = spec.settings[i];
    if (name == kAshaMinResource || name == kAshaMaxResource) {
      const bool is_min = name == kAshaMinResource;
      auto x = engine::parse_finite_number(value);
      if (!x || *x <= 0 || *x > kLargestRung) {
        problems.push_back({value_path(use, i),
                            name + " must be a number > 0 and at most 2^53 (a resource, in the " +
                                "steps the trials report, such as epochs)" + found(value)});
        (is_min ? min_bad : max_bad) = true;
      } else if (is_min && !min_at) {
        s.min_resource = *x;
        min_at = i;
      } else if (!is_min && !max_at) {
        s.max_resource = *x;
        max_at = i;
      }
    } else if (name == kAshaReductionFactor || name == kAshaBrackets) {
      const bool is_eta = name == kAshaReductionFactor;
      const int64_t least = is_eta ? 2 : 1;
      auto n = engine::parse_whole_number(value);
      if (!n || *n < least) {
        problems.push_back(
            {value_path(use, i), name + " must be an integer >= " + std::to_string(least) +
                                     (is_eta ? " (1/reduction_factor of a rung go on)" : "") +
                                     found(value)});
        (is_eta ? eta_bad : brackets_bad) = true;
      } else if (is_eta && !eta_at) {
        s.reduction_factor = *n;
        eta_at = i;
      } else if (!is_eta && !brackets_at) {
        s.brackets = *n;
        brackets_at = i;
      }
    } else if (use == AshaUse::kSearch && name == kAshaResourceName) {
      resource_seen = true;
      if (value.empty())
        problems.push_back({value_path(use, i),
                            "resource_name must name an int or double parameter" + found(value)});
      else if (s.resource_name.empty())
        s.resource_name = value;
    }
  }
  if (use == AshaUse::kSearch) {
    check_random_state(spec, problems);
    if (!max_at && !max_bad)
      problems.push_back({asha_settings_path(use),
                          "asha needs max_resource: the resource of the top rung, to which the "
                          "best configurations are trained (e.g. the epochs of a full training)"});
    if (!resource_seen)
      problems.push_back({asha_settings_path(use),
                          "asha needs resource_name: the int or double parameter that receives "
                          "each trial's resource (e.g. epochs)"});
  }
  if (min_bad || max_bad) return s;
  if (s.max_resource && *s.max_resource < s.min_resource) {
    problems.push_back({value_path(use, *max_at), "max_resource (" +
                                                      engine::format_double(*s.max_resource) +
                                                      ") must be >= min_resource (" +
                                                      engine::format_double(s.min_resource) + ")"});
    return s;
  }
  if (eta_bad || brackets_bad) return s;
  const double last_start = s.rung(s.brackets - 1, 0);
  const double limit = s.max_resource ? *s.max_resource : kLargestRung;
  if (last_start > limit) {
    int64_t fit = 0;
    while (fit < s.brackets && s.rung(fit, 0) <= limit) ++fit;
    const std::string where = s.max_resource
                                  ? "beyond max_resource " + engine::format_double(limit)
                                  : "beyond 2^53, the largest resource a step can hold exactly";
    const std::string first = std::isinf(last_start) ? std::string("overflows")
                                                     : "is " + engine::format_double(last_start);
    problems.push_back(
        {brackets_at ? value_path(use, *brackets_at) : asha_settings_path(use),
         "brackets " + std::to_string(s.brackets) + " is too many: the first rung of bracket " +
             std::to_string(s.brackets - 1) + " (min_resource * reduction_factor^" +
             std::to_string(s.brackets - 1) + ") " + first + ", " + where + "; at most " +
             std::to_string(fit) + (fit == 1 ? " bracket fits" : " brackets fit")});
  }
  return s;
}

}  // namespace

double AshaSettings::rung(int64_t bracket, int64_t k) const {
  double power = 1;
  for (int64_t e = 0; e < bracket + k; ++e) {
    power *= static_cast<double>(reduction_factor);
    if (power > 1e300) return std::numeric_limits<double>::infinity();
  }
  const double exact = min_resource * power;
  // Whole resources are exact already (and may have more than 15 digits).
  if (!std::isfinite(exact) || std::floor(exact) == exact) return exact;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, exact, std::chars_format::general, 15);
  double rounded = exact;
  if (ec == std::errc()) std::from_chars(buf, end, rounded);
  return rounded;
}

std::vector<double> AshaSettings::rungs(int64_t bracket) const {
  if (!max_resource)
    throw Error(ErrorCode::kInternal, "asha: the rungs of a bracket need max_resource");
  std::vector<double> out;
  for (int64_t k = 0;; ++k) {
    const double r = rung(bracket, k);
    if (!(r < *max_resource)) break;
    out.push_back(r);
  }
  out.push_back(*max_resource);
  return out;
}

std::string asha_settings_path(AshaUse use) {
  return use == AshaUse::kEarlyStopping ? kEarlyStoppingSettingsPath : kSettingsPath;
}

std::vector<std::string> asha_setting_names(AshaUse use) {
  std::vector<std::string> names = {kAshaMinResource, kAshaMaxResource, kAshaReductionFactor,
                                    kAshaBrackets};
  if (use == AshaUse::kSearch) {
    names.push_back(kAshaResourceName);
    names.push_back(kRandomState);
  }
  return names;
}

std::vector<engine::SpecProblem> check_asha_settings(const engine::AlgorithmSpec& settings,
                                                     AshaUse use) {
  auto problems =
      engine::unknown_setting_problems(settings, asha_setting_names(use), asha_settings_path(use));
  parse(settings, use, problems);
  return problems;
}

AshaSettings read_asha_settings(const engine::AlgorithmSpec& settings, AshaUse use) {
  std::vector<engine::SpecProblem> problems;
  AshaSettings s = parse(settings, use, problems);
  throw_first_problem(problems);
  if (use == AshaUse::kSearch) s.random_state = random_state(settings);
  return s;
}

}  // namespace sextant::algorithms
