// The ENAS controller's network: a batch of architectures (one per column) through the LSTM
// policy, sampling or teacher-forced, and the gradient of a weighted sum of their
// log-probabilities, entropies and skip penalties by backpropagation through time. Templated on
// the arithmetic (float for speed, double for gradient checks); the model is described in
// enas_controller.hpp.
#pragma once

#include <functional>
#include <type_traits>
#include <vector>

#include <Eigen/Dense>

#include "algorithms/enas/enas_controller.hpp"

namespace sextant::algorithms::enas {

using Eigen::Index;

template <class S>
using Mat = Eigen::Matrix<S, Eigen::Dynamic, Eigen::Dynamic>;
template <class S>
using Vec = Eigen::Matrix<S, Eigen::Dynamic, 1>;

// Where each weight lives in the flat parameter vector (one vector keeps Adam and the saved
// state trivial).
struct Layout {
  Index h, k;
  Index lstm_w, lstm_b, start, embedding, soft_w, soft_b, attn_prev, attn_curr, attn_v, size;
  Layout(int hidden, int operations) : h(hidden), k(operations) {
    Index at = 0;
    auto take = [&](Index n) {
      const Index here = at;
      at += n;
      return here;
    };
    lstm_w = take(4 * h * 2 * h);  // gates (i, f, o, g) from [x; h_prev]
    lstm_b = take(4 * h);
    start = take(h);
    embedding = take(h * k);  // column op = the operation's embedding
    soft_w = take(k * h);
    soft_b = take(k);
    attn_prev = take(h * h);
    attn_curr = take(h * h);
    attn_v = take(h);
    size = at;
  }
};

// Matrix views of a parameter (or gradient) vector.
template <class S, bool kConst>
struct Views {
  using M = Eigen::Map<std::conditional_t<kConst, const Mat<S>, Mat<S>>>;
  using V = Eigen::Map<std::conditional_t<kConst, const Vec<S>, Vec<S>>>;
  using Data = std::conditional_t<kConst, const Vec<S>, Vec<S>>;
  M lstm_w;
  V lstm_b, start;
  M embedding, soft_w;
  V soft_b;
  M attn_prev, attn_curr;
  V attn_v;
  Views(Data& data, const Layout& l)
      : lstm_w(data.data() + l.lstm_w, 4 * l.h, 2 * l.h),
        lstm_b(data.data() + l.lstm_b, 4 * l.h),
        start(data.data() + l.start, l.h),
        embedding(data.data() + l.embedding, l.h, l.k),
        soft_w(data.data() + l.soft_w, l.k, l.h),
        soft_b(data.data() + l.soft_b, l.k),
        attn_prev(data.data() + l.attn_prev, l.h, l.h),
        attn_curr(data.data() + l.attn_curr, l.h, l.h),
        attn_v(data.data() + l.attn_v, l.h) {}
};

// Picks a decision's value: (column, decision index, probabilities, how many) -> value.
using Chooser = std::function<int(int column, int decision, const double* probs, int n)>;

// Everything the backward pass needs, per LSTM step (2 per layer) or per layer; matrices have one
// column per architecture.
template <class S>
struct Tape {
  int columns = 0;
  std::vector<std::vector<int>> decisions;  // per column, in decision order
  Mat<S> in;  // [x; h_prev] of every LSTM step: columns step * B .. step * B + B - 1
  std::vector<Mat<S>> c_prev, gates, tanh_c, h;  // per LSTM step
  std::vector<Mat<S>> head_tanh;                 // per layer, K x B
  std::vector<Eigen::MatrixXd> head_logp;        // per layer, K x B
  std::vector<Eigen::RowVectorXd> head_entropy;  // per layer
  std::vector<std::vector<Mat<S>>> attention;    // [l][j]: tanh(W_prev hB_j + W_curr hB_l)
  std::vector<Mat<S>> skip_tanh;                 // per layer, l x B
  std::vector<Eigen::MatrixXd> skip_logit;       // per layer, l x B
  std::vector<Mat<S>> keys;                      // per layer: W_prev hB_l
  Eigen::VectorXd log_prob, entropy, penalty;    // per column
};

// The loss as sum_b log_prob[b] * log pi_b + entropy * H_b + penalty * KL_b.
struct Coefficients {
  Eigen::VectorXd log_prob;
  double entropy = 0;
  double penalty = 0;
};

// Position of layer l's operation among the decisions: op_0, op_1, s_10, op_2, s_20, s_21, ...
inline Index op_decision(int layer) {
  return layer + static_cast<Index>(layer) * (layer - 1) / 2;
}

template <class S>
class Network {
 public:
  Network(const Vec<S>& theta, int layers, int operations, const EnasControllerConfig& config)
      : layout_(config.hidden_size, operations), p_(theta, layout_), layers_(layers), c_(config) {}

  void forward(int columns, const Chooser& choose, Tape<S>& t) const;
  void backward(const Tape<S>& t, const Coefficients& k, Vec<S>& gradient) const;

 private:
  // z / temperature, then tanh_const * tanh(.): the logits; keeps tanh for backward.
  Eigen::MatrixXd transform(const Mat<S>& z, Mat<S>& tanh_out) const {
    Mat<S> y = c_.temperature ? Mat<S>(z / static_cast<S>(*c_.temperature)) : z;
    if (!c_.tanh_const) return y.template cast<double>();
    tanh_out = y.array().tanh().matrix();
    return *c_.tanh_const * tanh_out.template cast<double>();
  }
  // d(logits)/dz, elementwise, from the kept tanh.
  double slope(const Mat<S>& tanh_kept, Index r, Index col) const {
    double s = c_.temperature ? 1.0 / *c_.temperature : 1.0;
    if (c_.tanh_const) {
      const double t = tanh_kept(r, col);
      s *= *c_.tanh_const * (1 - t * t);
    }
    return s;
  }
  template <class In>
  void lstm_forward(const Mat<S>& x, Mat<S>& h, Mat<S>& c, In in, Tape<S>& t, int step) const;
  template <class DA>
  Mat<S> lstm_backward(const Tape<S>& t, int step, const Mat<S>& dh, Mat<S>& dc, DA da) const;

  Layout layout_;
  Views<S, true> p_;
  int layers_;
  const EnasControllerConfig& c_;
};

extern template class Network<float>;
extern template class Network<double>;

}  // namespace sextant::algorithms::enas
