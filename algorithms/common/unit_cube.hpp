// The unit cube [0,1]^d as the common coordinate system of the algorithms: coordinate u of a
// parameter is the quantile of the parameter's prior, so a uniform point of the cube is a draw
// from the space's distributions and every algorithm honours every type and distribution.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/axis.hpp"
#include "engine/model/search_space.hpp"
#include "engine/model/trial.hpp"
#include "engine/spec/diagnostic.hpp"

namespace sextant::algorithms {

// "spec.parameters[2].feasibleSpace.min"
std::string parameter_path(size_t index, const std::string& field = {});

// validate() problems for a cube-based algorithm: a logUniform or logNormal range whose min is
// not above 0 (its logarithm does not exist).
std::vector<engine::SpecProblem> log_scale_problems(const engine::SearchSpace& space);

// Throws Error(kInvalidArgument, with the field path) for a space no algorithm can work with: no
// parameter, a non-finite bound, min above max, a negative step, an int range without a whole
// number, an empty list, a log scale over min <= 0. The spec loader reports these first; this
// keeps an algorithm built without validation from producing garbage.
void require_usable(const engine::SearchSpace& space);

// How a coordinate u in [0,1] becomes a value (and back):
// | type / distribution | value at u                                                        |
// |---------------------|-------------------------------------------------------------------|
// | uniform             | min + u (max - min); with a step (ints: step 1), point floor(u n) |
// |                     | of the n points, so every point is equally likely                  |
// | logUniform          | exp(ln min + u (ln max - ln min)), then the nearest step point    |
// | normal              | mu + sigma Phi^-1(u), mu = (min+max)/2, sigma = (max-min)/6,      |
// |                     | clipped to [min, max], then the nearest step point                |
// | logNormal           | the same on ln min, ln max, then exp                              |
// | discrete/categorical| list entry floor(u n) (repeated entries counted once)             |
// Normal and logNormal are CLIPPED to [min, max], unlike hyperopt (Katib's random and tpe),
// which lets draws leave the feasible space: a value outside the space the user declared is a
// defect, not a sample. Clipping puts Phi(-3) = 0.13% of the mass on each bound.
class UnitCube {
 public:
  explicit UnitCube(const engine::SearchSpace& space);  // require_usable(space) first

  size_t dimensions() const { return dims_.size(); }
  const engine::ParameterSpec& parameter(size_t i) const { return dims_[i].spec; }
  // The value of parameter i at u (u outside [0,1] is clamped), in Katib's string form.
  std::string value_at(size_t i, double u) const;
  engine::Assignment assignment_at(const std::vector<double>& point) const;

  // The coordinate of a value: the centre of its cell for stepped uniform and list parameters,
  // the prior's CDF otherwise. nullopt when the value is not a value of the parameter.
  std::optional<double> unit_of(size_t i, const std::string& value) const;
  // nullopt when any parameter is missing or out of the space.
  std::optional<std::vector<double>> point_of(const engine::Assignment& assignment) const;

 private:
  struct Dim {
    engine::ParameterSpec spec;
    bool log_scale = false;
    double low = 0;                     // min on the sampling scale (ln min for log distributions)
    double high = 0;                    // max on the sampling scale
    std::optional<SteppedRange> range;  // ints and stepped doubles
    std::optional<Axis> list;           // discrete and categorical
  };
  double numeric_at(const Dim& dim, double u) const;
  std::vector<Dim> dims_;
};

}  // namespace sextant::algorithms
