// Settings of `regularized-evolution`: names, defaults, checks with field paths, reading.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

inline constexpr const char* kPopulationSize = "population_size";
inline constexpr const char* kSampleSize = "sample_size";
inline constexpr int64_t kDefaultPopulationSize = 20;
inline constexpr int64_t kDefaultSampleSize = 5;
inline constexpr int64_t kMaxPopulationSize = 1000000;

struct EvolutionSettings {
  size_t population_size = kDefaultPopulationSize;
  size_t sample_size = kDefaultSampleSize;
  std::optional<uint64_t> seed;  // random_state
};

std::vector<std::string> evolution_known_settings();

// Unknown names, random_state, population_size (integer >= 2) and sample_size (integer between
// 1 and the population size, default or given).
std::vector<engine::SpecProblem> evolution_setting_problems(const engine::AlgorithmSpec& algorithm);

// The settings of a spec that evolution_setting_problems() accepted.
EvolutionSettings read_evolution_settings(const engine::AlgorithmSpec& algorithm);

}  // namespace sextant::algorithms
