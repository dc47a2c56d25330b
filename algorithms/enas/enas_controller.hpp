// The ENAS controller: an LSTM policy over macro architectures (an operation per layer, skip
// connections by attention), its log-probability and entropy with hand-written gradients, and
// Adam. Independent of the NAS space: it knows only the number of layers and operations.
//
// Network (Pham et al. 2018, section 2.3 and their macro search code; Katib's Controller.py has
// the same structure). Per layer l there are two LSTM steps:
//   step A: input x_A(l), output hA_l; operation logits z = W_soft hA_l + b_soft, then
//           z / temperature and tanh_const * tanh(.) (each skipped when its setting is None);
//           op_l ~ softmax.
//   step B: input the embedding of op_l, output hB_l.
//   layers l > 0: for every j < l, logit r_j = v^T tanh(W_prev hB_j + W_curr hB_l), transformed by
//           the same temperature and tanh as the operation logits (as ENAS and Katib do, which
//           keeps skip probabilities away from 0 and 1), skip bit s_lj ~ Bernoulli(sigmoid).
//   x_A(0) = x_A(1) = the learned start embedding; x_A(l+1) for l >= 1 is the sum of the chosen
//   skip layers' hB_j divided by (1 + their count) - Katib's and ENAS's choice, which feeds the
//   controller what it connected (zero when it chose no skip).
// The LSTM and the softmax have biases (Katib's have none); every weight and bias starts uniform
// in (-0.1, 0.1), as in ENAS's code (Katib's: (-0.01, 0.01)).
//
// Loss of one architecture with advantage A (REINFORCE, Williams 1992):
//   -A log pi(arch) - entropy_weight * H + skip_weight * KL
// where H is the sum over the architecture's decisions of the exact entropy of each decision's
// distribution (teacher-forced along the architecture; ENAS and Katib instead add a sampled
// entropy estimate to the reward), and KL is ENAS's skip penalty: the mean over layers l > 0 of
// sum_j KL(Bernoulli(p_lj) || Bernoulli(skip_target)). Unlike ENAS's code, whose penalty uses
// sigmoid(r) while it samples with sigmoid(2r), p_lj here is the probability the skip is drawn
// with. A skip_target of 1 is moved to 1 - 1e-6 so the penalty stays finite.
//
// References: H. Pham, M. Guan, B. Zoph, Q. Le, J. Dean, "Efficient Neural Architecture Search
// via Parameter Sharing", ICML 2018; B. Zoph and Q. Le, "Neural Architecture Search with
// Reinforcement Learning", ICLR 2017; D. Kingma and J. Ba, "Adam", ICLR 2015.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "algorithms/common/rng.hpp"
#include "algorithms/nas/nas_space.hpp"

namespace sextant::algorithms {

struct EnasControllerConfig {
  int hidden_size = 64;
  std::optional<double> temperature = 5.0;  // nullopt: Katib's "None"
  std::optional<double> tanh_const = 2.25;
  double entropy_weight = 1e-5;  // 0 for "None"
  double skip_target = 0.4;
  double skip_weight = 0.8;  // 0 for "None"
  double learning_rate = 5e-5;
  // The network's arithmetic in float (as Katib's TensorFlow controller) or double. Float halves
  // a suggestion's training time; the weights, Adam moments and losses stay double either way.
  // Gradient checks against finite differences need double.
  bool single_precision = true;
};

// Which values a sampled decision may take. Decisions are numbered in Katib's listing order:
// op_0, op_1, s_10, op_2, s_20, s_21, ... (see architecture_decisions).
class DecisionFilter {
 public:
  virtual ~DecisionFilter() = default;
  // prefix: the decisions taken so far; value: a candidate for the next one.
  virtual bool allowed(const std::vector<int>& prefix, int value) const = 0;
};

// The decisions of an architecture in the order above, and back.
std::vector<int> architecture_decisions(const Architecture& architecture);
Architecture architecture_from_decisions(const std::vector<int>& decisions, int num_layers);
// How many values each decision can take (num_operations for an operation, 2 for a skip bit).
std::vector<int> decision_arities(int num_layers, int num_operations);

class EnasController {
 public:
  // Weights drawn from Rng(init_seed).
  EnasController(int num_layers, int num_operations, const EnasControllerConfig& config,
                 uint64_t init_seed);

  int num_layers() const { return layers_; }
  int num_operations() const { return operations_; }
  const EnasControllerConfig& config() const { return config_; }

  // One architecture from the policy; with a filter, each decision is drawn from the policy
  // renormalised over the allowed values (the filter must allow at least one).
  Architecture sample(Rng& rng, const DecisionFilter* filter = nullptr) const;

  struct Evaluation {
    double log_prob = 0;      // log pi(architecture)
    double entropy = 0;       // sum of the decisions' entropies along it
    double skip_penalty = 0;  // mean over layers l > 0 of the summed KL to skip_target
    // Each layer's operation distribution along the architecture (teacher-forced).
    std::vector<std::vector<double>> operation_probabilities;
  };
  Evaluation evaluate(const Architecture& architecture) const;

  // log pi(architecture) and, when gradient is given, its gradient w.r.t. parameters().
  double log_prob(const Architecture& architecture, Eigen::VectorXd* gradient) const;
  // The mean over architectures of the loss above, and its gradient.
  double loss(const std::vector<Architecture>& architectures, const std::vector<double>& advantages,
              Eigen::VectorXd* gradient) const;
  // One Adam step (beta1 0.9, beta2 0.999, epsilon 1e-8, TensorFlow's defaults) on loss().
  // Returns the loss before the step.
  double train_step(const std::vector<Architecture>& architectures,
                    const std::vector<double>& advantages);

  const Eigen::VectorXd& parameters() const { return theta_; }
  Eigen::VectorXd& parameters() { return theta_; }  // for gradient checks
  int64_t steps() const { return adam_steps_; }

  // Weights, Adam moments and step count, bit-exact (doubles as base64 of their IEEE bits).
  nlohmann::json save() const;
  // Throws Error(kInternal) when the state does not fit this controller's shape.
  void restore(const nlohmann::json& state);

 private:
  int layers_;
  int operations_;
  EnasControllerConfig config_;
  Eigen::VectorXd theta_;
  Eigen::VectorXd adam_m_;
  Eigen::VectorXd adam_v_;
  int64_t adam_steps_ = 0;
  // train_step's buffers, kept because a fresh allocation of this size costs page faults.
  Eigen::VectorXd gradient_;
  Eigen::VectorXf theta_single_, gradient_single_;
};

}  // namespace sextant::algorithms
