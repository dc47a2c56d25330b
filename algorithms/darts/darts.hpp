// `darts`: Katib's DARTS suggestion, which searches nothing itself: every suggestion is the one
// trial that runs the whole differentiable architecture search.
//
// Settings (spec.algorithm.algorithmSettings), passed to the trial in `algorithm-settings`:
// | name               | default | values              | meaning (for the trial program)    |
// |--------------------|---------|---------------------|------------------------------------|
// | num_epochs         | 50      | integer > 0         | search epochs                      |
// | w_lr               | 0.025   | number >= 0         | weights' learning rate             |
// | w_lr_min           | 0.001   | number >= 0         | its cosine-annealing floor         |
// | w_momentum         | 0.9     | number >= 0         | weights' SGD momentum              |
// | w_weight_decay     | 3e-4    | number >= 0         | weights' weight decay              |
// | w_grad_clip        | 5.0     | number >= 0         | weights' gradient-norm clip        |
// | alpha_lr           | 3e-4    | number >= 0         | architecture parameters' rate      |
// | alpha_weight_decay | 1e-3    | number >= 0         | their weight decay                 |
// | batch_size         | 128     | integer >= 1, None  | batch size                         |
// | num_workers        | 4       | integer >= 0        | data-loader workers                |
// | init_channels      | 16      | integer >= 1        | channels of the first cell         |
// | print_step         | 50      | integer >= 1        | log every this many steps          |
// | num_nodes          | 4       | integer >= 1        | intermediate nodes per cell        |
// | stem_multiplier    | 3       | integer >= 1        | stem channels / init_channels      |
// Other names are accepted and passed on (as Katib does); "None" is passed as null.
//
// Assignments (Katib's pkg/suggestion/v1beta1/nas/darts/service.py, byte for byte):
// - algorithm-settings: the settings dict above as JSON with '"' -> '\''; a spec setting
//   replaces the default in place, as a string: "{'num_epochs': '1', 'w_lr': 0.025, ...}".
// - search-space: "['separable_convolution_3x3', 'skip_connection', ...]": each operationType
//   with each value of its first parameter (the filter size), skip_connection alone.
// - num-layers: graphConfig.numLayers.
// Needs spec.nasConfig (operations checked as Katib's validate_operations, nas_space.hpp);
// graphConfig sizes are not required. Never exhausted: maxTrialCount ends the experiment (Katib's
// example runs one trial). No state, no seed.
//
// Reference: H. Liu, K. Simonyan and Y. Yang, "DARTS: Differentiable Architecture Search",
// ICLR 2019. Katib: reference/katib.md section 3.9.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class DartsSearch final : public engine::Algorithm {
 public:
  explicit DartsSearch(engine::Assignment assignment) : assignment_(std::move(assignment)) {}
  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;

 private:
  engine::Assignment assignment_;
};

class DartsFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "darts"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

// The assignment every DARTS suggestion carries, for a spec that validate() accepted.
engine::Assignment darts_assignment(const engine::ExperimentSpec& spec);

}  // namespace sextant::algorithms
