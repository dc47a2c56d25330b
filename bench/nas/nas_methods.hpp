// The search methods the NAS replay compares, and the Katib Experiment each one runs as.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/nas/nas_table.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::bench::nas {

struct Setting {
  std::string name;
  std::string value;
};

// One row of the comparison: an algorithm by its registry name with its settings.
struct Method {
  std::string label;  // row name in the report
  std::string algorithm;
  std::vector<Setting> settings;  // random_state = seed is added when the algorithm takes it
  std::string why;                // what the row shows (the report prints it)
};

// The baseline every other method is tested against.
inline constexpr const char* kBaseline = "random";

// random; regularized-evolution (population 20 / sample 5, and 10 / 3); enas with Katib's
// defaults and with a tuned controller (nas_methods.cpp says why).
std::vector<Method> default_methods();

const engine::AlgorithmRegistry& algorithm_registry();

// Empty when the method's algorithm is registered; otherwise why it cannot run, naming what is
// registered.
std::string unavailable_reason(const Method& method);

// The Experiment document (JSON text, which the YAML reader accepts) of one run: the table's
// nasConfig, parallelTrialCount 1, maxTrialCount `budget`, objective Validation-Accuracy
// (maximize, strategy latest), examples/nas-digits' trial template.
std::string experiment_text(const Method& method, const NasTable& table, uint64_t seed, int budget);

// Through engine::parse_experiment with the built-in registries (Katib's defaulting and
// validation, the algorithm's validate()). Throws SpecError with every problem found.
engine::ExperimentSpec parse_run_spec(const Method& method, const NasTable& table, uint64_t seed,
                                      int budget);

// Whether the algorithm took random_state (otherwise its runs are not reproducible).
bool takes_seed(const Method& method);

}  // namespace sextant::bench::nas
