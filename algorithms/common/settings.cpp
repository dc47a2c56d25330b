// Integer settings such as random_state: parsed strictly, reported with their field path.
#include "algorithms/common/settings.hpp"

#include <limits>

#include "engine/error.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

std::string setting_value_path(size_t index, const std::string& base) {
  return base + "[" + std::to_string(index) + "].value";
}

namespace {
std::string range_text(int64_t min, int64_t max) {
  if (max == std::numeric_limits<int64_t>::max()) return "an integer >= " + std::to_string(min);
  return "an integer between " + std::to_string(min) + " and " + std::to_string(max);
}
}  // namespace

void check_integer_setting(const engine::AlgorithmSpec& algorithm, const std::string& name,
                           int64_t min, int64_t max, std::vector<engine::SpecProblem>& problems,
                           const std::string& base) {
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    if (setting.name != name) continue;
    auto value = engine::parse_whole_number(setting.value);
    if (!value || *value < min || *value > max)
      problems.push_back({setting_value_path(i, base), name + " must be " + range_text(min, max) +
                                                           "; found \"" + setting.value + "\""});
  }
}

std::optional<int64_t> integer_setting(const engine::AlgorithmSpec& algorithm,
                                       const std::string& name, const std::string& base) {
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& setting = algorithm.settings[i];
    if (setting.name != name) continue;
    auto value = engine::parse_whole_number(setting.value);
    if (!value)
      throw Error(ErrorCode::kInvalidArgument,
                  name + " must be an integer; found \"" + setting.value + "\"",
                  setting_value_path(i, base));
    return value;
  }
  return std::nullopt;
}

void throw_first_problem(const std::vector<engine::SpecProblem>& problems) {
  if (!problems.empty())
    throw Error(ErrorCode::kInvalidArgument, problems.front().message, problems.front().path);
}

void check_random_state(const engine::AlgorithmSpec& algorithm,
                        std::vector<engine::SpecProblem>& problems) {
  check_integer_setting(algorithm, kRandomState, 0, std::numeric_limits<int64_t>::max(), problems);
}

std::optional<uint64_t> random_state(const engine::AlgorithmSpec& algorithm) {
  auto value = integer_setting(algorithm, kRandomState);
  if (!value) return std::nullopt;
  if (*value < 0)
    throw Error(ErrorCode::kInvalidArgument, "random_state must be an integer >= 0", kSettingsPath);
  return static_cast<uint64_t>(*value);
}

}  // namespace sextant::algorithms
