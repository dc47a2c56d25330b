// PBT's settings (Katib's names plus random_state): checked with field paths, then read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

inline constexpr const char* kPbtPopulation = "n_population";
inline constexpr const char* kPbtTruncation = "truncation_threshold";
inline constexpr const char* kPbtResample = "resample_probability";
inline constexpr const char* kPbtTrialDir = "suggestion_trial_dir";
inline constexpr int64_t kPbtMinPopulation = 5;  // Katib's lower bound
// A population is proposed as one generation of trials; far above any real experiment.
inline constexpr int64_t kPbtMaxPopulation = 100000;

struct PbtSettings {
  int64_t population = 0;
  double truncation = 0;           // in [0, 1]
  std::optional<double> resample;  // in [0, 1]; nullopt: always perturb
  std::string trial_dir;           // suggestion_trial_dir (used by the runner)
  std::optional<uint64_t> seed;    // random_state
};

std::vector<std::string> pbt_known_settings();
std::vector<engine::SpecProblem> pbt_problems(const engine::ExperimentSpec& spec);
// Throws Error(kInvalidArgument) at the first problem's field path.
PbtSettings read_pbt_settings(const engine::ExperimentSpec& spec);

}  // namespace sextant::algorithms
