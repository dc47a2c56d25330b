// Quantile mapping between [0,1] and each parameter's values, plus the space sanity checks.
#include "algorithms/common/unit_cube.hpp"

#include <algorithm>
#include <cmath>

#include "algorithms/common/normal.hpp"
#include "engine/error.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

using engine::Distribution;
using engine::ParameterType;

namespace {

bool is_log(Distribution d) {
  return d == Distribution::kLogUniform || d == Distribution::kLogNormal;
}
bool is_normal(Distribution d) {
  return d == Distribution::kNormal || d == Distribution::kLogNormal;
}

}  // namespace

std::string parameter_path(size_t index, const std::string& field) {
  std::string path = "spec.parameters[" + std::to_string(index) + "]";
  if (!field.empty()) path += ".feasibleSpace." + field;
  return path;
}

std::vector<engine::SpecProblem> log_scale_problems(const engine::SearchSpace& space) {
  std::vector<engine::SpecProblem> problems;
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const auto& p = space.parameters[i];
    if (p.is_numeric_range() && is_log(p.distribution) && !(p.min > 0))
      problems.push_back(
          {parameter_path(i, "min"), std::string(engine::to_string(p.distribution)) +
                                         " needs min > 0 (it samples ln(value)); found " +
                                         engine::format_double(p.min)});
  }
  return problems;
}

void require_usable(const engine::SearchSpace& space) {
  auto fail = [](const std::string& path, const std::string& message) {
    throw Error(ErrorCode::kInvalidArgument, message, path);
  };
  if (space.parameters.empty()) fail("spec.parameters", "the search space has no parameter");
  for (size_t i = 0; i < space.parameters.size(); ++i) {
    const auto& p = space.parameters[i];
    if (!p.is_numeric_range()) {
      if (p.list.empty()) fail(parameter_path(i, "list"), "the list of values is empty");
      continue;
    }
    if (!std::isfinite(p.min) || !std::isfinite(p.max))
      fail(parameter_path(i), "min and max must be finite numbers");
    if (p.min > p.max)
      fail(parameter_path(i, "min"), "min (" + engine::format_double(p.min) +
                                         ") must not be above max (" +
                                         engine::format_double(p.max) + ")");
    if (!(p.step >= 0) || !std::isfinite(p.step))
      fail(parameter_path(i, "step"), "step must be a positive number");
    if (p.type == ParameterType::kInt && !SteppedRange::of(p))
      fail(parameter_path(i), "an int range must contain a whole number");
  }
  auto log_problems = log_scale_problems(space);
  if (!log_problems.empty()) fail(log_problems[0].path, log_problems[0].message);
}

UnitCube::UnitCube(const engine::SearchSpace& space) {
  require_usable(space);
  for (const auto& p : space.parameters) {
    Dim dim;
    dim.spec = p;
    if (p.is_numeric_range()) {
      dim.log_scale = is_log(p.distribution);
      dim.low = dim.log_scale ? std::log(p.min) : p.min;
      dim.high = dim.log_scale ? std::log(p.max) : p.max;
      dim.range = SteppedRange::of(p);
    } else {
      dim.list = Axis::of(p);
    }
    dims_.push_back(std::move(dim));
  }
}

double UnitCube::numeric_at(const Dim& dim, double u) const {
  const auto& range = dim.range;
  if (range && dim.spec.distribution == Distribution::kUniform) {
    // Equal-width cells in u: every grid point, the two ends included, is equally likely
    // (hyperopt's quniform rounds instead, which halves the weight of the ends).
    const double n = range->point_count();
    return range->at(std::min(std::floor(u * n), n - 1));
  }
  double t = 0;
  if (is_normal(dim.spec.distribution)) {
    const double mu = 0.5 * (dim.low + dim.high);
    const double sigma = (dim.high - dim.low) / 6.0;
    t = sigma > 0 ? mu + sigma * normal_quantile(u) : mu;
  } else {
    t = dim.low + u * (dim.high - dim.low);
  }
  t = std::clamp(t, dim.low, dim.high);
  double x = dim.log_scale ? std::exp(t) : t;
  x = std::clamp(x, dim.spec.min, dim.spec.max);  // exp(ln x) may round past a bound
  if (range) x = range->at(range->nearest_index(x));
  return x;
}

std::string UnitCube::value_at(size_t i, double u) const {
  const Dim& dim = dims_.at(i);
  u = std::isnan(u) ? 0.5 : std::clamp(u, 0.0, 1.0);
  if (dim.list) {
    const auto n = static_cast<double>(dim.list->size());
    return dim.list->value(static_cast<uint64_t>(std::min(std::floor(u * n), n - 1)));
  }
  return engine::format_parameter_value(dim.spec, numeric_at(dim, u));
}

engine::Assignment UnitCube::assignment_at(const std::vector<double>& point) const {
  if (point.size() != dims_.size())
    throw Error(ErrorCode::kInternal,
                "a point of the unit cube has " + std::to_string(point.size()) +
                    " coordinates; the space has " + std::to_string(dims_.size()) + " parameters");
  engine::Assignment out;
  out.reserve(dims_.size());
  for (size_t i = 0; i < dims_.size(); ++i)
    out.push_back({dims_[i].spec.name, value_at(i, point[i])});
  return out;
}

std::optional<double> UnitCube::unit_of(size_t i, const std::string& value) const {
  const Dim& dim = dims_.at(i);
  if (dim.list) {
    auto k = dim.list->index_of(value);
    if (!k) return std::nullopt;
    return (static_cast<double>(*k) + 0.5) / static_cast<double>(dim.list->size());
  }
  auto number = engine::parse_finite_number(value);
  if (!number) return std::nullopt;
  double x = *number;
  if (dim.range) {
    auto k = dim.range->index_of(x);
    if (!k) return std::nullopt;
    if (dim.spec.distribution == Distribution::kUniform)
      return (static_cast<double>(*k) + 0.5) / dim.range->point_count();
    x = dim.range->at(static_cast<double>(*k));
  } else {
    const double slack = 1e-9 * std::max(1.0, dim.spec.max - dim.spec.min);
    if (x < dim.spec.min - slack || x > dim.spec.max + slack) return std::nullopt;
    x = std::clamp(x, dim.spec.min, dim.spec.max);
  }
  const double t = dim.log_scale ? std::log(x) : x;
  if (!(dim.high > dim.low)) return 0.5;
  double u = 0;
  if (is_normal(dim.spec.distribution)) {
    const double mu = 0.5 * (dim.low + dim.high);
    const double sigma = (dim.high - dim.low) / 6.0;
    u = normal_cdf((t - mu) / sigma);
  } else {
    u = (t - dim.low) / (dim.high - dim.low);
  }
  return std::clamp(u, 0.0, 1.0);
}

std::optional<std::vector<double>> UnitCube::point_of(const engine::Assignment& assignment) const {
  std::vector<double> point(dims_.size());
  for (size_t i = 0; i < dims_.size(); ++i) {
    const std::string* value = engine::find_value(assignment, dims_[i].spec.name);
    if (!value) return std::nullopt;
    auto u = unit_of(i, *value);
    if (!u) return std::nullopt;
    point[i] = *u;
  }
  return point;
}

}  // namespace sextant::algorithms
