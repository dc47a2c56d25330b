// The ENAS network's forward and backward passes, instantiated for float and double.
#include "algorithms/enas/enas_network.hpp"

#include <cmath>

namespace sextant::algorithms::enas {

using Eigen::VectorXd;

namespace {

// a * x one column at a time: with a few columns, Eigen's matrix product spends most of its time
// packing `a` (the LSTM weights) on every step, while a matrix-vector product reads it in place.
template <class S, class A, class X>
Mat<S> columnwise_product(const A& a, const X& x) {
  Mat<S> out(a.rows(), x.cols());
  for (Index b = 0; b < x.cols(); ++b) out.col(b).noalias() = a * x.col(b);
  return out;
}

double softplus(double x) {
  return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
}
double log_sigmoid(double x) {
  return -softplus(-x);
}

}  // namespace

template <class S>
template <class In>
void Network<S>::lstm_forward(const Mat<S>& x, Mat<S>& h, Mat<S>& c, In in, Tape<S>& t,
                              int step) const {
  const Index H = layout_.h;
  in.topRows(H) = x;
  in.bottomRows(H) = h;
  t.c_prev[step] = c;
  Mat<S>& gates = t.gates[step];
  gates = columnwise_product<S>(p_.lstm_w, in);
  gates.colwise() += p_.lstm_b;
  gates.topRows(3 * H) = (S(1) + (-gates.topRows(3 * H).array()).exp()).inverse();
  gates.bottomRows(H) = gates.bottomRows(H).array().tanh();
  const auto i = gates.topRows(H).array();
  const auto f = gates.middleRows(H, H).array();
  const auto g = gates.bottomRows(H).array();
  c = (i * g + f * t.c_prev[step].array()).matrix();
  t.tanh_c[step] = c.array().tanh().matrix();
  h = (gates.middleRows(2 * H, H).array() * t.tanh_c[step].array()).matrix();
  t.h[step] = h;
}

// Backward through one LSTM step: dh, dc are the gradients w.r.t. its h and c on entry, and
// w.r.t. c_prev (dc) on exit; the gates' gradient goes to `da` (the weight gradient is one
// product over all steps, later); returns the gradient w.r.t. [x; h_prev].
template <class S>
template <class DA>
Mat<S> Network<S>::lstm_backward(const Tape<S>& t, int step, const Mat<S>& dh, Mat<S>& dc,
                                 DA da) const {
  const Index H = layout_.h;
  const Mat<S>& gates = t.gates[step];
  const auto i = gates.topRows(H).array();
  const auto f = gates.middleRows(H, H).array();
  const auto o = gates.middleRows(2 * H, H).array();
  const auto g = gates.bottomRows(H).array();
  const auto tc = t.tanh_c[step].array();
  const Eigen::Array<S, Eigen::Dynamic, Eigen::Dynamic> dct =
      dc.array() + dh.array() * o * (S(1) - tc * tc);
  da.topRows(H) = (dct * g * i * (S(1) - i)).matrix();
  da.middleRows(H, H) = (dct * t.c_prev[step].array() * f * (S(1) - f)).matrix();
  da.middleRows(2 * H, H) = (dh.array() * tc * o * (S(1) - o)).matrix();
  da.bottomRows(H) = (dct * i * (S(1) - g * g)).matrix();
  dc = (dct * f).matrix();
  return columnwise_product<S>(p_.lstm_w.transpose(), da);
}

template <class S>
void Network<S>::forward(int columns, const Chooser& choose, Tape<S>& t) const {
  const Index H = layout_.h, K = layout_.k, B = columns;
  const int L = layers_;
  const double log_target = std::log(c_.skip_target);
  const double log_not_target = std::log1p(-c_.skip_target);

  t.columns = columns;
  t.decisions.assign(B, {});
  t.in.resize(2 * H, 2 * L * B);
  for (auto* v : {&t.c_prev, &t.gates, &t.tanh_c, &t.h}) v->assign(2 * L, Mat<S>());
  t.head_tanh.assign(L, Mat<S>());
  t.head_logp.assign(L, Eigen::MatrixXd());
  t.head_entropy.assign(L, Eigen::RowVectorXd());
  t.attention.assign(L, {});
  t.skip_tanh.assign(L, Mat<S>());
  t.skip_logit.assign(L, Eigen::MatrixXd());
  t.keys.assign(L, Mat<S>());
  t.log_prob = VectorXd::Zero(B);
  t.entropy = VectorXd::Zero(B);
  t.penalty = VectorXd::Zero(B);

  Mat<S> h = Mat<S>::Zero(H, B), c = Mat<S>::Zero(H, B);
  Mat<S> x = p_.start.replicate(1, B);
  double probs[2];
  for (int l = 0; l < L; ++l) {
    const int sa = 2 * l, sb = 2 * l + 1;
    lstm_forward(x, h, c, t.in.middleCols(sa * B, B), t, sa);

    // The operation: log-softmax of the transformed logits, per column (in double: cheap).
    Mat<S> z = p_.soft_w * h;
    z.colwise() += p_.soft_b;
    const Eigen::MatrixXd y = transform(z, t.head_tanh[l]);
    Eigen::MatrixXd& logp = t.head_logp[l];
    logp.resize(K, B);
    t.head_entropy[l].resize(B);
    for (Index b = 0; b < B; ++b) {
      const double top = y.col(b).maxCoeff();
      const double lse = top + std::log((y.col(b).array() - top).exp().sum());
      logp.col(b) = y.col(b).array() - lse;
      const VectorXd pr = logp.col(b).array().exp();
      const double entropy = -(pr.array() * logp.col(b).array()).sum();
      t.head_entropy[l][b] = entropy;
      const int op = choose(static_cast<int>(b), static_cast<int>(op_decision(l)), pr.data(),
                            static_cast<int>(K));
      t.decisions[b].push_back(op);
      t.log_prob[b] += logp(op, b);
      t.entropy[b] += entropy;
    }

    for (Index b = 0; b < B; ++b) x.col(b) = p_.embedding.col(t.decisions[b].back());
    lstm_forward(x, h, c, t.in.middleCols(sb * B, B), t, sb);
    t.keys[l].noalias() = p_.attn_prev * h;

    if (l == 0) {
      x = p_.start.replicate(1, B);
      continue;
    }
    // Skip connections to every earlier layer, by attention.
    const Mat<S> query = p_.attn_curr * h;
    Mat<S> r(l, B);
    t.attention[l].resize(l);
    for (int j = 0; j < l; ++j) {
      t.attention[l][j] = (t.keys[j] + query).array().tanh().matrix();
      r.row(j).noalias() = p_.attn_v.transpose() * t.attention[l][j];
    }
    t.skip_logit[l] = transform(r, t.skip_tanh[l]);
    x.setZero();
    for (Index b = 0; b < B; ++b) {
      int count = 0;
      for (int j = 0; j < l; ++j) {
        const double s = t.skip_logit[l](j, b);
        const double log_p = log_sigmoid(s), log_q = log_sigmoid(-s);
        const double pr = std::exp(log_p), qr = std::exp(log_q);
        probs[0] = qr;
        probs[1] = pr;
        const int bit =
            choose(static_cast<int>(b), static_cast<int>(op_decision(l) + 1 + j), probs, 2);
        t.decisions[b].push_back(bit);
        t.log_prob[b] += bit ? log_p : log_q;
        t.entropy[b] -= pr * log_p + qr * log_q;
        t.penalty[b] += (pr * (log_p - log_target) + qr * (log_q - log_not_target)) / (L - 1);
        if (bit) {
          x.col(b) += t.h[2 * j + 1].col(b);
          ++count;
        }
      }
      x.col(b) /= static_cast<S>(1 + count);
    }
  }
}

template <class S>
void Network<S>::backward(const Tape<S>& t, const Coefficients& k, Vec<S>& gradient) const {
  gradient.resize(layout_.size);  // no reallocation when it has the size already
  gradient.setZero();
  Views<S, false> g(gradient, layout_);
  const Index H = layout_.h, K = layout_.k, B = t.columns;
  const int L = layers_;
  const double logit_target = std::log(c_.skip_target) - std::log1p(-c_.skip_target);
  const double penalty = L > 1 ? k.penalty / (L - 1) : 0.0;

  Mat<S> dh = Mat<S>::Zero(H, B), dc = Mat<S>::Zero(H, B);
  Mat<S> da(4 * H, 2 * L * B);                      // the gates' gradients, laid out as t.in
  std::vector<Mat<S>> dh_b(L, Mat<S>::Zero(H, B));  // into hB_j from later layers
  for (int l = L - 1; l >= 0; --l) {
    const int sa = 2 * l, sb = 2 * l + 1;
    const Index first = op_decision(l);
    Mat<S> dhb = dh + dh_b[l];
    if (l > 0) {
      Mat<S> dq = Mat<S>::Zero(H, B);
      for (int j = 0; j < l; ++j) {
        const Mat<S>& a = t.attention[l][j];
        Mat<S> dpre(H, B);
        for (Index b = 0; b < B; ++b) {
          const double s = t.skip_logit[l](j, b);
          const double pr = std::exp(log_sigmoid(s));
          const double var = pr * (1 - pr);
          const int bit = t.decisions[b][first + 1 + j];
          // d/ds of log p(bit), of the Bernoulli entropy, and of KL(p || target).
          const double ds = k.log_prob[b] * (bit - pr) + k.entropy * (-s * var) +
                            penalty * (s - logit_target) * var;
          const auto dr = static_cast<S>(ds * slope(t.skip_tanh[l], j, b));
          g.attn_v += dr * a.col(b);
          dpre.col(b) = dr * (p_.attn_v.array() * (S(1) - a.col(b).array().square())).matrix();
        }
        dq += dpre;
        g.attn_prev.noalias() += dpre * t.h[2 * j + 1].transpose();
        dh_b[j].noalias() += p_.attn_prev.transpose() * dpre;
      }
      g.attn_curr.noalias() += dq * t.h[sb].transpose();
      dhb.noalias() += p_.attn_curr.transpose() * dq;
    }
    Mat<S> din = lstm_backward(t, sb, dhb, dc, da.middleCols(sb * B, B));
    for (Index b = 0; b < B; ++b) g.embedding.col(t.decisions[b][first]) += din.col(b).head(H);
    dh = din.bottomRows(H);

    // The operation's softmax head on hA_l: d/dy of log p(op) and of the entropy.
    Mat<S> du(K, B);
    for (Index b = 0; b < B; ++b) {
      const int op = t.decisions[b][first];
      for (Index r = 0; r < K; ++r) {
        const double lp = t.head_logp[l](r, b), pr = std::exp(lp);
        const double dy = k.log_prob[b] * ((r == op ? 1.0 : 0.0) - pr) +
                          k.entropy * (-pr * (lp + t.head_entropy[l][b]));
        du(r, b) = static_cast<S>(dy * slope(t.head_tanh[l], r, b));
      }
    }
    g.soft_w.noalias() += du * t.h[sa].transpose();
    g.soft_b += du.rowwise().sum();
    dh.noalias() += p_.soft_w.transpose() * du;
    din = lstm_backward(t, sa, dh, dc, da.middleCols(sa * B, B));
    dh = din.bottomRows(H);

    // Step A's input: the start embedding (layers 0 and 1) or the previous layer's skip average.
    if (l <= 1) {
      g.start += din.topRows(H).rowwise().sum();
      continue;
    }
    const Index prev_first = op_decision(l - 1);
    for (Index b = 0; b < B; ++b) {
      int count = 0;
      for (int j = 0; j < l - 1; ++j) count += t.decisions[b][prev_first + 1 + j];
      for (int j = 0; j < l - 1; ++j)
        if (t.decisions[b][prev_first + 1 + j])
          dh_b[j].col(b) += din.col(b).head(H) / static_cast<S>(1 + count);
    }
  }
  // One product over every step: far faster than a rank-B update per step.
  g.lstm_w.noalias() = da * t.in.transpose();
  g.lstm_b = da.rowwise().sum();
}

template class Network<float>;
template class Network<double>;

}  // namespace sextant::algorithms::enas
