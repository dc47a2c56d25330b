// `enas`: Efficient Neural Architecture Search's macro search (Katib's enas service): an LSTM
// controller samples an operation per layer and skip connections, and learns from the trials'
// objectives by REINFORCE.
//
// Settings (spec.algorithm.algorithmSettings; Katib's names, defaults and ranges):
// | name                       | default | values                  | meaning                      |
// |----------------------------|---------|-------------------------|------------------------------|
// | controller_hidden_size     | 64      | integer in [1, 512]     | LSTM size (Katib: >= 1)      |
// | controller_temperature     | 5.0     | number > 0, or "None"   | logits divided by it         |
// | controller_tanh_const      | 2.25    | number > 0, or "None"   | logits = c * tanh(logits)    |
// | controller_entropy_weight  | 1e-5    | number > 0, or "None"   | entropy bonus in the loss    |
// | controller_baseline_decay  | 0.999   | number in (0, 1]        | moving-average baseline      |
// | controller_learning_rate   | 5e-5    | number in (0, 1]        | Adam's step size             |
// | controller_skip_target     | 0.4     | number in (0, 1]        | wanted skip probability      |
// | controller_skip_weight     | 0.8     | number > 0, or "None"   | weight of the skip KL penalty|
// | controller_train_steps     | 50      | integer in [1, 10000]   | Adam steps per new results   |
// | controller_log_every_steps | 10      | integer >= 1            | accepted; counts log points  |
// | random_state               | drawn   | integer >= 0            | seed of weights and draws    |
// Any other name is rejected with this list. Numbers must be finite (Katib's float() also takes
// "inf" and "nan"); the upper bounds of hidden size and train steps are ours. The spec must have
// a nasConfig with numLayers, inputSizes, outputSizes and operations (nas_problems).
//
// Search (algorithms/enas/enas_search.hpp; the controller in enas_controller.hpp):
// - every trial that completed (Succeeded or EarlyStopped) with an objective since the last call
//   is learned from once, in creation order: reward = objective (negated when minimising),
//   baseline b <- decay * b + (1 - decay) * reward (the first reward sets b), advantage =
//   reward - b; then controller_train_steps Adam steps on the mean loss over those trials'
//   OWN architectures (teacher-forced log-probabilities). Failed, Killed and MetricsUnavailable
//   trials teach nothing. Katib instead feeds the mean objective of all trials as one reward and
//   trains on architectures it samples afresh, which credits the reward to architectures that
//   never ran; this is REINFORCE as Williams and ENAS define it.
// - suggestions are drawn from the controller; one that repeats a trial (any state) or the
//   batch is drawn again (8 times), then drawn with every decision restricted to values that
//   still lead to an unused architecture, so no architecture is ever proposed twice;
//   exhausted when every architecture of the space has been used.
// - the controller computes in float, like Katib's TensorFlow one (twice as fast as double:
//   about 35 ms per suggestion at hidden size 64 and 8 layers after 4 new results); weights,
//   Adam moments and the baseline are kept in double.
// - state: weights, Adam moments and step, baseline, trials learned from, and the draw counter
//   are saved after every call, so a restarted engine continues bit-identically.
//
// References: H. Pham, M. Guan, B. Zoph, Q. Le, J. Dean, "Efficient Neural Architecture Search
// via Parameter Sharing", ICML 2018; B. Zoph and Q. Le, "Neural Architecture Search with
// Reinforcement Learning", ICLR 2017; R. Williams, "Simple Statistical Gradient-Following
// Algorithms for Connectionist Reinforcement Learning", Machine Learning 8 (1992). Katib:
// reference/katib.md section 3.8.
#pragma once

#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class EnasFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "enas"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
