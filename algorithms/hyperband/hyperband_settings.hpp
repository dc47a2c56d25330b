// Hyperband's settings (r_l, eta, resource_name, random_state): checked with field paths, then
// read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

inline constexpr const char* kHyperbandMaxResource = "r_l";
inline constexpr const char* kHyperbandEta = "eta";
inline constexpr const char* kHyperbandResourceName = "resource_name";
inline constexpr int64_t kHyperbandDefaultEta = 3;

struct HyperbandSettings {
  double r_l = 0;                      // the maximum resource, > 0
  int64_t eta = kHyperbandDefaultEta;  // >= 2
  std::string resource_name;
  size_t resource_index = 0;     // in spec.parameters
  std::optional<uint64_t> seed;  // random_state
};

std::vector<std::string> hyperband_known_settings();

// Every problem with the settings and with the parameters as Hyperband needs them.
std::vector<engine::SpecProblem> hyperband_problems(const engine::ExperimentSpec& spec);

// The settings of a spec; throws Error(kInvalidArgument) at the first problem's field path.
HyperbandSettings read_hyperband_settings(const engine::ExperimentSpec& spec);

}  // namespace sextant::algorithms
