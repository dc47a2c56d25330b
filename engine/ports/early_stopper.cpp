// Learning curves kept for early-stopping rules.
#include "engine/ports/early_stopper.hpp"

#include <algorithm>

namespace sextant::engine {

bool LearningCurves::add(const std::string& trial, int64_t step, double value) {
  auto& curve = curves_[trial];
  if (curve.empty() || curve.back().step < step) {
    curve.push_back({step, value});
    return true;
  }
  auto it = std::lower_bound(curve.begin(), curve.end(), step,
                             [](const CurvePoint& p, int64_t s) { return p.step < s; });
  if (it != curve.end() && it->step == step)
    it->value = value;
  else
    curve.insert(it, {step, value});
  return false;
}

const Curve* LearningCurves::find(const std::string& trial) const {
  auto it = curves_.find(trial);
  return it == curves_.end() || it->second.empty() ? nullptr : &it->second;
}

void LearningCurves::erase(const std::string& trial) {
  curves_.erase(trial);
}

const CurvePoint* value_at(const Curve& curve, int64_t step) {
  auto it = std::upper_bound(curve.begin(), curve.end(), step,
                             [](int64_t s, const CurvePoint& p) { return s < p.step; });
  return it == curve.begin() ? nullptr : &*(it - 1);
}

}  // namespace sextant::engine
