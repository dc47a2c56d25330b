// Softmax draw over the gains and their update.
#include "algorithms/bayesopt/gp_hedge.hpp"

#include <algorithm>
#include <cmath>

namespace sextant::algorithms::bayesopt {

std::array<double, 3> GpHedge::probabilities() const {
  const double top = *std::max_element(gains_.begin(), gains_.end());
  std::array<double, 3> p{};
  double total = 0;
  for (size_t i = 0; i < p.size(); ++i) total += p[i] = std::exp(kEta * (gains_[i] - top));
  for (auto& value : p) value /= total;
  return p;
}

size_t GpHedge::choose(Rng& rng) const {
  const auto p = probabilities();
  double u = rng.uniform();
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    if (u < p[i]) return i;
    u -= p[i];
  }
  return p.size() - 1;
}

void GpHedge::nominate(std::vector<std::vector<double>> nominees, size_t observations) {
  nominees_ = std::move(nominees);
  nominated_at_ = observations;
}

bool GpHedge::reward_due(size_t observations) const {
  return nominees_.size() == kMembers.size() && observations > nominated_at_;
}

void GpHedge::reward(const std::vector<double>& means) {
  for (size_t i = 0; i < gains_.size() && i < means.size(); ++i)
    if (std::isfinite(means[i])) gains_[i] -= means[i];
  nominees_.clear();
}

void GpHedge::restore(const std::array<double, 3>& gains, std::vector<std::vector<double>> nominees,
                      size_t nominated_at) {
  gains_ = gains;
  nominees_ = std::move(nominees);
  nominated_at_ = nominated_at;
}

}  // namespace sextant::algorithms::bayesopt
