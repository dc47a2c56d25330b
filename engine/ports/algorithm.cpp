// Algorithm registry and shared settings checks.
#include "engine/ports/algorithm.hpp"

#include <algorithm>

namespace sextant::engine {

void AlgorithmRegistry::add(std::unique_ptr<AlgorithmFactory> factory) {
  auto name = factory->name();
  factories_[name] = std::move(factory);
}

const AlgorithmFactory* AlgorithmRegistry::find(const std::string& name) const {
  auto it = factories_.find(name);
  return it == factories_.end() ? nullptr : it->second.get();
}

std::vector<std::string> AlgorithmRegistry::names() const {
  std::vector<std::string> out;
  for (const auto& [name, _] : factories_) out.push_back(name);
  return out;  // std::map keeps them sorted
}

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
