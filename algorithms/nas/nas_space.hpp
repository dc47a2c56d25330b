// Katib's neural architecture search space (spec.nasConfig) and its trial assignments: the
// operations expanded as Katib's ENAS service expands them, macro architectures (an operation
// per layer plus skip connections), and Katib's `architecture` / `nn_config` strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/common/rng.hpp"
#include "engine/model/trial.hpp"
#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

// Names of the trial assignments of architecture-search algorithms (Katib's).
inline constexpr const char* kArchitectureAssignment = "architecture";
inline constexpr const char* kNnConfigAssignment = "nn_config";

// One concrete operation. Katib numbers the Cartesian product of each operationType's parameter
// values 0, 1, ... in spec order (itertools.product: the last parameter varies fastest).
struct NasOperation {
  int id = 0;
  std::string type;
  // Parameter name -> value in spec order, typed as Katib's nn_config prints them: a string for
  // categorical and discrete, an integer for int (range(min, max + 1, step)), a number for
  // double (numpy.arange(min, max + step, step), values as min + i * step).
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
};

struct NasSpace {
  int num_layers = 0;
  std::vector<int64_t> input_sizes;
  std::vector<int64_t> output_sizes;
  std::vector<NasOperation> operations;

  // Reads spec.nasConfig (already structurally checked by the spec loader). Throws
  // Error(kInvalidArgument) with a field path when it cannot be expanded.
  static NasSpace from_spec(const engine::ExperimentSpec& spec);
};

// Katib's checks of spec.nasConfig for ENAS-style algorithms, with field paths such as
// "spec.nasConfig.operations[1].parameters[0].feasibleSpace.step": numLayers, inputSizes and
// outputSizes present (when need_sizes), every operation with parameters, lists for
// categorical/discrete, min and max for int/double, a step > 0 for double; plus ours: an
// expansion of at most 100,000 operations.
std::vector<engine::SpecProblem> nas_problems(const engine::ExperimentSpec& spec, bool need_sizes);

// Problems for an algorithm that searches spec.parameters only, when the spec has a nasConfig
// ("<algorithm> does not search spec.nasConfig; use enas, darts, regularized-evolution or random").
std::vector<engine::SpecProblem> nas_not_supported(const engine::ExperimentSpec& spec);

// An ENAS macro architecture: layer l runs operation ops[l] and takes skip connections from the
// earlier layers j < l with skips[l][j] == 1 (skips[l].size() == l; the connection from layer
// l-1 always exists, as in Katib's ENAS).
struct Architecture {
  std::vector<int> ops;
  std::vector<std::vector<int>> skips;
  bool operator==(const Architecture&) const = default;
};

// Katib's `architecture` value: json.dumps of [[op0], [op1, s10], [op2, s20, s21], ...] with '"'
// replaced by '\'' (there are none): "[[2], [0, 1], [1, 1, 0]]".
std::string architecture_text(const Architecture& architecture);
// Katib's `nn_config` value: json.dumps({"num_layers", "input_sizes", "output_sizes",
// "embedding": {"<op id>": {"opt_id", "opt_type", "opt_params"}}}) with '"' -> '\'', Python's
// separators and float formatting; the embedding lists each layer's operation once, in layer order.
std::string nn_config_text(const NasSpace& space, const Architecture& architecture);
// {architecture, nn_config} as a trial assignment.
engine::Assignment nas_assignment(const NasSpace& space, const Architecture& architecture);

// The architecture a trial ran (from its `architecture` assignment); nullopt when absent or not
// an architecture of `space`.
std::optional<Architecture> architecture_of(const engine::Trial& trial, const NasSpace& space);

// Uniform over operations, each skip connection present with probability 1/2.
Architecture random_architecture(const NasSpace& space, Rng& rng);

// How many architectures the space holds (saturates at UINT64_MAX).
uint64_t architecture_count(const NasSpace& space);

}  // namespace sextant::algorithms
