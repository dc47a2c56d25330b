// The ENAS controller: sampling and evaluating architectures through its network (in float or
// double), Adam in double, and the bit-exact saved state.
#include "algorithms/enas/enas_controller.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <type_traits>

#include "algorithms/enas/double_codec.hpp"
#include "algorithms/enas/enas_network.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

using Eigen::Index;
using Eigen::VectorXd;

std::vector<int> architecture_decisions(const Architecture& architecture) {
  std::vector<int> out;
  for (size_t l = 0; l < architecture.ops.size(); ++l) {
    out.push_back(architecture.ops[l]);
    if (l < architecture.skips.size())
      out.insert(out.end(), architecture.skips[l].begin(), architecture.skips[l].end());
  }
  return out;
}

Architecture architecture_from_decisions(const std::vector<int>& decisions, int num_layers) {
  Architecture a;
  size_t at = 0;
  for (int l = 0; l < num_layers; ++l) {
    a.ops.push_back(decisions.at(at++));
    std::vector<int> skips;
    for (int j = 0; j < l; ++j) skips.push_back(decisions.at(at++));
    a.skips.push_back(std::move(skips));
  }
  return a;
}

std::vector<int> decision_arities(int num_layers, int num_operations) {
  std::vector<int> out;
  for (int l = 0; l < num_layers; ++l) {
    out.push_back(num_operations);
    out.insert(out.end(), static_cast<size_t>(l), 2);
  }
  return out;
}

namespace {

using enas::Coefficients;
using enas::Layout;
using enas::Mat;
using enas::Network;
using enas::Tape;
using enas::Vec;

constexpr double kAdamBeta1 = 0.9;
constexpr double kAdamBeta2 = 0.999;
constexpr double kAdamEpsilon = 1e-8;
constexpr double kMaxSkipTarget = 1.0 - 1e-6;

// The network in precision S over `theta`; `storage` holds the converted weights for float.
template <class S>
const Vec<S>& weights_in(const VectorXd& theta, Vec<S>& storage) {
  if constexpr (std::is_same_v<S, double>) {
    return theta;
  } else {
    storage = theta.cast<S>();
    return storage;
  }
}

template <class S>
std::vector<int> sample_decisions(const VectorXd& theta, int layers, int operations,
                                  const EnasControllerConfig& config, Rng& rng,
                                  const DecisionFilter* filter) {
  Vec<S> storage;
  const Network<S> network(weights_in<S>(theta, storage), layers, operations, config);
  std::vector<int> prefix;
  std::vector<double> w;
  Tape<S> tape;
  network.forward(
      1,
      [&](int, int, const double* probs, int n) {
        w.assign(static_cast<size_t>(n), 0.0);
        double total = 0;
        int allowed = 0;
        for (int v = 0; v < n; ++v) {
          const bool ok = filter == nullptr || filter->allowed(prefix, v);
          w[v] = ok ? probs[v] : 0.0;
          total += w[v];
          allowed += ok;
        }
        if (allowed == 0) throw Error(ErrorCode::kInternal, "enas sampling: no value allowed");
        // Allowed values whose probabilities all underflowed: uniform over them.
        if (total <= 0) {
          for (int v = 0; v < n; ++v) w[v] = filter == nullptr || filter->allowed(prefix, v);
          total = allowed;
        }
        const double u = rng.uniform() * total;
        double cumulative = 0;
        int chosen = -1;
        for (int v = 0; v < n; ++v) {
          if (w[v] <= 0) continue;
          chosen = v;
          cumulative += w[v];
          if (u < cumulative) break;
        }
        prefix.push_back(chosen);
        return chosen;
      },
      tape);
  return prefix;
}

struct Pass {
  VectorXd log_prob, entropy, penalty;     // per architecture
  std::vector<std::vector<double>> heads;  // operation probabilities of architecture 0
};

// Teacher-forced forward over `architectures`, and the gradient of the Coefficients' loss when
// both are given.
template <class S>
Pass teacher_pass(const VectorXd& theta, int layers, int operations,
                  const EnasControllerConfig& config,
                  const std::vector<Architecture>& architectures, const Coefficients* k,
                  VectorXd* gradient, Vec<S>& theta_storage, Vec<S>& gradient_storage) {
  std::vector<std::vector<int>> decisions;
  for (const auto& a : architectures) {
    if (static_cast<int>(a.ops.size()) != layers)
      throw Error(ErrorCode::kInternal, "enas controller: architecture with the wrong layer count");
    decisions.push_back(architecture_decisions(a));
  }
  const Network<S> network(weights_in<S>(theta, theta_storage), layers, operations, config);
  Tape<S> tape;
  network.forward(
      static_cast<int>(architectures.size()),
      [&](int column, int decision, const double*, int n) {
        const int v = decisions[column].at(static_cast<size_t>(decision));
        if (v < 0 || v >= n)
          throw Error(ErrorCode::kInternal, "enas controller: decision out of range");
        return v;
      },
      tape);
  if (k && gradient) {
    if constexpr (std::is_same_v<S, double>) {
      network.backward(tape, *k, *gradient);
    } else {
      network.backward(tape, *k, gradient_storage);
      *gradient = gradient_storage.template cast<double>();
    }
  }
  Pass pass{tape.log_prob, tape.entropy, tape.penalty, {}};
  for (const auto& logp : tape.head_logp) {
    std::vector<double> probs(static_cast<size_t>(logp.rows()));
    for (Index r = 0; r < logp.rows(); ++r) probs[static_cast<size_t>(r)] = std::exp(logp(r, 0));
    pass.heads.push_back(std::move(probs));
  }
  return pass;
}

Pass run_pass(const VectorXd& theta, int layers, int operations, const EnasControllerConfig& config,
              const std::vector<Architecture>& architectures, const Coefficients* k,
              VectorXd* gradient, Eigen::VectorXf* theta_single = nullptr,
              Eigen::VectorXf* gradient_single = nullptr) {
  if (config.single_precision) {
    Eigen::VectorXf theta_local, gradient_local;
    return teacher_pass<float>(theta, layers, operations, config, architectures, k, gradient,
                               theta_single ? *theta_single : theta_local,
                               gradient_single ? *gradient_single : gradient_local);
  }
  VectorXd unused_theta, unused_gradient;
  return teacher_pass<double>(theta, layers, operations, config, architectures, k, gradient,
                              unused_theta, unused_gradient);
}

}  // namespace

EnasController::EnasController(int num_layers, int num_operations,
                               const EnasControllerConfig& config, uint64_t init_seed)
    : layers_(num_layers), operations_(num_operations), config_(config) {
  if (num_layers < 1 || num_operations < 1 || config.hidden_size < 1)
    throw Error(ErrorCode::kInternal, "enas controller needs layers, operations and a hidden size");
  config_.skip_target = std::min(config_.skip_target, kMaxSkipTarget);
  const Layout layout(config_.hidden_size, operations_);
  theta_.resize(layout.size);
  Rng rng(init_seed);
  for (Index i = 0; i < theta_.size(); ++i) theta_[i] = -0.1 + 0.2 * rng.uniform();
  adam_m_ = VectorXd::Zero(layout.size);
  adam_v_ = VectorXd::Zero(layout.size);
}

Architecture EnasController::sample(Rng& rng, const DecisionFilter* filter) const {
  const auto decisions =
      config_.single_precision
          ? sample_decisions<float>(theta_, layers_, operations_, config_, rng, filter)
          : sample_decisions<double>(theta_, layers_, operations_, config_, rng, filter);
  return architecture_from_decisions(decisions, layers_);
}

EnasController::Evaluation EnasController::evaluate(const Architecture& architecture) const {
  const Pass pass =
      run_pass(theta_, layers_, operations_, config_, {architecture}, nullptr, nullptr);
  return {pass.log_prob[0], pass.entropy[0], pass.penalty[0], pass.heads};
}

double EnasController::log_prob(const Architecture& architecture, VectorXd* gradient) const {
  Coefficients k;
  k.log_prob = VectorXd::Ones(1);
  return run_pass(theta_, layers_, operations_, config_, {architecture}, &k, gradient).log_prob[0];
}

namespace {

// The mean loss over the architectures and its coefficients.
double mean_loss(const EnasControllerConfig& config, const Pass& pass,
                 const std::vector<double>& advantages) {
  double total = 0;
  for (size_t b = 0; b < advantages.size(); ++b)
    total += -advantages[b] * pass.log_prob[static_cast<Index>(b)] -
             config.entropy_weight * pass.entropy[static_cast<Index>(b)] +
             config.skip_weight * pass.penalty[static_cast<Index>(b)];
  return total / static_cast<double>(advantages.size());
}

Coefficients loss_coefficients(const EnasControllerConfig& config,
                               const std::vector<double>& advantages) {
  const double n = static_cast<double>(advantages.size());
  Coefficients k;
  k.log_prob.resize(static_cast<Index>(advantages.size()));
  for (size_t b = 0; b < advantages.size(); ++b)
    k.log_prob[static_cast<Index>(b)] = -advantages[b] / n;
  k.entropy = -config.entropy_weight / n;
  k.penalty = config.skip_weight / n;
  return k;
}

void check_batch(const std::vector<Architecture>& architectures,
                 const std::vector<double>& advantages) {
  if (architectures.empty() || architectures.size() != advantages.size())
    throw Error(ErrorCode::kInternal, "enas controller: one advantage per architecture needed");
}

}  // namespace

double EnasController::loss(const std::vector<Architecture>& architectures,
                            const std::vector<double>& advantages, VectorXd* gradient) const {
  check_batch(architectures, advantages);
  const Coefficients k = loss_coefficients(config_, advantages);
  const Pass pass = run_pass(theta_, layers_, operations_, config_, architectures, &k, gradient);
  return mean_loss(config_, pass, advantages);
}

double EnasController::train_step(const std::vector<Architecture>& architectures,
                                  const std::vector<double>& advantages) {
  check_batch(architectures, advantages);
  const Coefficients k = loss_coefficients(config_, advantages);
  const Pass pass = run_pass(theta_, layers_, operations_, config_, architectures, &k, &gradient_,
                             &theta_single_, &gradient_single_);
  ++adam_steps_;
  adam_m_ = kAdamBeta1 * adam_m_ + (1 - kAdamBeta1) * gradient_;
  adam_v_ = kAdamBeta2 * adam_v_ + (1 - kAdamBeta2) * gradient_.cwiseProduct(gradient_);
  const double steps = static_cast<double>(adam_steps_);
  const double m_scale = 1.0 / (1 - std::pow(kAdamBeta1, steps));
  const double v_scale = 1.0 / (1 - std::pow(kAdamBeta2, steps));
  theta_.array() -= config_.learning_rate * (adam_m_.array() * m_scale) /
                    ((adam_v_.array() * v_scale).sqrt() + kAdamEpsilon);
  return mean_loss(config_, pass, advantages);
}

nlohmann::json EnasController::save() const {
  return {{"layers", layers_},
          {"operations", operations_},
          {"hidden", config_.hidden_size},
          {"adam_steps", adam_steps_},
          {"theta", encode_doubles(theta_.data(), static_cast<size_t>(theta_.size()))},
          {"adam_m", encode_doubles(adam_m_.data(), static_cast<size_t>(adam_m_.size()))},
          {"adam_v", encode_doubles(adam_v_.data(), static_cast<size_t>(adam_v_.size()))}};
}

void EnasController::restore(const nlohmann::json& state) {
  auto fail = [](const std::string& why) {
    throw Error(ErrorCode::kInternal, "the saved enas controller does not fit: " + why);
  };
  if (!state.is_object()) fail("not an object");
  auto integer = [&](const char* key) -> int64_t {
    if (!state.contains(key) || !state[key].is_number_integer()) fail(std::string("no ") + key);
    return state[key].get<int64_t>();
  };
  if (integer("layers") != layers_ || integer("operations") != operations_ ||
      integer("hidden") != config_.hidden_size)
    fail("its layers, operations or hidden size differ from the spec's");
  const int64_t steps = integer("adam_steps");
  VectorXd* targets[] = {&theta_, &adam_m_, &adam_v_};
  const char* keys[] = {"theta", "adam_m", "adam_v"};
  std::vector<double> decoded[3];
  for (int i = 0; i < 3; ++i) {
    if (!state.contains(keys[i]) || !state[keys[i]].is_string()) fail(std::string("no ") + keys[i]);
    auto values = decode_doubles(state[keys[i]].get<std::string>());
    if (!values || static_cast<Index>(values->size()) != theta_.size())
      fail(std::string(keys[i]) + " has the wrong size");
    decoded[i] = std::move(*values);
  }
  for (int i = 0; i < 3; ++i)
    *targets[i] = Eigen::Map<const VectorXd>(decoded[i].data(), theta_.size());
  adam_steps_ = steps;
}

}  // namespace sextant::algorithms
