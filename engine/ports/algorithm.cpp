// Shared settings checks for algorithm and early-stopping factories.
#include "engine/ports/algorithm.hpp"

#include <algorithm>

namespace sextant::engine {

std::vector<SpecProblem> unknown_setting_problems(const AlgorithmSpec& algorithm,
                                                  const std::vector<std::string>& known,
                                                  const std::string& base_path) {
  std::vector<SpecProblem> problems;
  std::string known_list;
  for (const auto& k : known) known_list += (known_list.empty() ? "" : ", ") + k;
  if (known_list.empty()) known_list = "(none)";
  for (size_t i = 0; i < algorithm.settings.size(); ++i) {
    const auto& s = algorithm.settings[i];
    if (std::find(known.begin(), known.end(), s.name) == known.end())
      problems.push_back({base_path + "[" + std::to_string(i) + "].name",
                          "unknown setting \"" + s.name + "\" for algorithm \"" +
                              algorithm.algorithm_name + "\"; known settings: " + known_list});
  }
  return problems;
}

}  // namespace sextant::engine
