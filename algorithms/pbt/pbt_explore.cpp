// Perturbation and resampling of one member's parameters.
#include "algorithms/pbt/pbt_explore.hpp"

#include <algorithm>

#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

using engine::ParameterType;

PbtExplorer::PbtExplorer(const engine::SearchSpace& space, const UnitCube& cube,
                         std::optional<double> resample_probability)
    : space_(space), cube_(cube), resample_(resample_probability) {
  for (const auto& p : space_.parameters) {
    Dim dim;
    if (p.is_numeric_range())
      dim.grid = SteppedRange::of(p);  // nullopt for a double without step: continuous
    else
      dim.list = Axis::of(p);
    dims_.push_back(std::move(dim));
  }
}

std::string PbtExplorer::resample(size_t i, Rng& rng) const {
  return cube_.value_at(i, rng.uniform());
}

std::string PbtExplorer::perturb(size_t i, const std::string& value, Rng& rng) const {
  const auto& p = space_.parameters[i];
  const auto& dim = dims_[i];
  const bool up = rng.below(2) == 1;
  if (dim.list) {
    auto k = dim.list->index_of(value);
    if (!k) return resample(i, rng);
    const uint64_t n = dim.list->size();
    uint64_t next = *k;
    if (p.type == ParameterType::kCategorical)
      next = up ? (*k + 1) % n : (*k + n - 1) % n;
    else if (up)
      next = std::min(*k + 1, n - 1);
    else if (*k > 0)
      next = *k - 1;
    return dim.list->value(next);
  }
  auto x = engine::parse_finite_number(value);
  if (!x || *x < p.min || *x > p.max) return resample(i, rng);
  const double target = std::clamp(*x * (up ? 1.2 : 0.8), p.min, p.max);
  if (!dim.grid) return engine::format_parameter_value(p, target);
  const auto& grid = *dim.grid;
  const double from = grid.nearest_index(*x);
  double to = grid.nearest_index(target);
  if (to == from && target != *x)
    to = target > *x ? std::min(from + 1, grid.point_count() - 1) : std::max(from - 1, 0.0);
  return engine::format_parameter_value(p, grid.at(to));
}

engine::Assignment PbtExplorer::explore(const engine::Assignment& from, Rng& rng) const {
  engine::Assignment out;
  for (size_t i = 0; i < space_.parameters.size(); ++i) {
    const auto& name = space_.parameters[i].name;
    const std::string* value = engine::find_value(from, name);
    const bool resampled = resample_ && rng.uniform() < *resample_;
    out.push_back({name, !value || resampled ? resample(i, rng) : perturb(i, *value, rng)});
  }
  return out;
}

engine::Assignment PbtExplorer::copy(const engine::Assignment& from, Rng& rng) const {
  engine::Assignment out;
  for (size_t i = 0; i < space_.parameters.size(); ++i) {
    const auto& name = space_.parameters[i].name;
    const std::string* value = engine::find_value(from, name);
    out.push_back({name, value ? *value : resample(i, rng)});
  }
  return out;
}

}  // namespace sextant::algorithms
