// PBT's explore step: a member's parameters perturbed (x0.8 / x1.2, or one list step) or
// resampled from the prior, always inside the feasible space.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "algorithms/common/axis.hpp"
#include "algorithms/common/rng.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "engine/model/search_space.hpp"
#include "engine/model/trial.hpp"

namespace sextant::algorithms {

// Rules, per parameter:
// - resample (probability resample_probability; never when it is unset, as in Katib): a fresh
//   draw through the unit cube, so every distribution is honoured (on a uniform stepped range this
//   is Katib's uniform choice from arange(min, max + step/2, step)).
// - perturb int and stepped double: value x0.8 or x1.2 (one uniform choice), clamped to
//   [min, max] and snapped to the nearest point min + k*step. When the snap lands back on the
//   current point although the product moved, it moves one step that way instead (Katib's
//   int(v * 1.2) leaves every int below 5 where it was). 0 stays 0, as in Katib.
// - perturb double without step: value x0.8 or x1.2 clamped to [min, max], continuous (Katib
//   requires a step for doubles; here they are searched continuously).
// - perturb categorical: the previous or next list entry, wrapping around (as Katib's Python
//   indexing does); discrete: the previous or next entry, clamped at the ends of the list
//   (discrete values are ordered numbers).
// A value that is missing or not a value of its parameter (an edited spec) is resampled.
class PbtExplorer {
 public:
  // Both references must outlive this object; space must be usable (require_usable).
  PbtExplorer(const engine::SearchSpace& space, const UnitCube& cube,
              std::optional<double> resample_probability);

  engine::Assignment explore(const engine::Assignment& from, Rng& rng) const;
  // `from` in spec order with its values kept (an exploiting member's copy); missing values are
  // resampled.
  engine::Assignment copy(const engine::Assignment& from, Rng& rng) const;

  std::string perturb(size_t i, const std::string& value, Rng& rng) const;
  std::string resample(size_t i, Rng& rng) const;

 private:
  struct Dim {
    std::optional<SteppedRange> grid;  // ints and stepped doubles
    std::optional<Axis> list;          // discrete and categorical
  };
  const engine::SearchSpace& space_;
  const UnitCube& cube_;
  std::optional<double> resample_;
  std::vector<Dim> dims_;
};

}  // namespace sextant::algorithms
