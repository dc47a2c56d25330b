// Weighted categorical distributions with a probability floor.
#include "algorithms/cmaes/categorical_model.hpp"

#include <algorithm>

namespace sextant::algorithms {

namespace {
// Share of the old distribution replaced by the selected frequencies per generation. 1 would copy
// the selected half outright (greedy: one lucky generation decides); 0.3 needs a value to win a
// few generations in a row before it dominates, about as fast as the CMA step size shrinks.
constexpr double kLearningRate = 0.3;
}  // namespace

CategoricalModel::CategoricalModel(const std::vector<size_t>& sizes, double floor) {
  for (size_t size : sizes) {
    const size_t k = std::max<size_t>(size, 1);
    probabilities_.emplace_back(k, 1.0 / static_cast<double>(k));
    floors_.push_back(std::clamp(floor, 0.0, 0.5 / static_cast<double>(k)));
  }
}

std::vector<size_t> CategoricalModel::sample(Rng& rng, double uniform_mix) const {
  uniform_mix = std::clamp(uniform_mix, 0.0, 1.0);
  std::vector<size_t> out(probabilities_.size(), 0);
  for (size_t k = 0; k < probabilities_.size(); ++k) {
    const auto& p = probabilities_[k];
    const double uniform = 1.0 / static_cast<double>(p.size());
    double u = rng.uniform();
    size_t choice = p.size() - 1;  // rounding leftovers fall on the last value
    for (size_t v = 0; v < p.size(); ++v) {
      const double q = (1 - uniform_mix) * p[v] + uniform_mix * uniform;
      if (u < q) {
        choice = v;
        break;
      }
      u -= q;
    }
    out[k] = choice;
  }
  return out;
}

void CategoricalModel::update(const std::vector<std::vector<size_t>>& ranked,
                              const std::vector<double>& weights) {
  for (size_t k = 0; k < probabilities_.size(); ++k) {
    auto& p = probabilities_[k];
    std::vector<double> selected(p.size(), 0.0);
    double total = 0;
    for (size_t i = 0; i < ranked.size() && i < weights.size(); ++i) {
      if (!(weights[i] > 0) || k >= ranked[i].size() || ranked[i][k] >= p.size()) continue;
      selected[ranked[i][k]] += weights[i];
      total += weights[i];
    }
    if (!(total > 0)) continue;
    for (size_t v = 0; v < p.size(); ++v)
      p[v] = (1 - kLearningRate) * p[v] + kLearningRate * selected[v] / total;
    apply_floor(p, floors_[k]);
  }
}

void CategoricalModel::apply_floor(std::vector<double>& p, double floor) {
  // Lift the values below the floor and take the mass from the others in proportion to what
  // they have above it: the result sums to 1 and no value drops below the floor.
  double lifted = 0, spare = 0;
  for (double q : p) {
    if (q < floor)
      lifted += floor - q;
    else
      spare += q - floor;
  }
  double sum = 0;
  for (double& q : p) {
    if (q < floor)
      q = floor;
    else if (spare > 0)
      q -= lifted * (q - floor) / spare;
    sum += q;
  }
  for (double& q : p) q /= sum;  // rounding only
}

}  // namespace sextant::algorithms
