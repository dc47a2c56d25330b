// The `hyperband` factory: settings checked by hyperband_settings, the search built from them.
#include "algorithms/hyperband/hyperband_factory.hpp"

#include "algorithms/common/unit_cube.hpp"
#include "algorithms/hyperband/hyperband_search.hpp"
#include "algorithms/hyperband/hyperband_settings.hpp"
#include "algorithms/nas/nas_space.hpp"

namespace sextant::algorithms {

std::vector<std::string> HyperbandFactory::known_settings() const {
  return hyperband_known_settings();
}

std::vector<engine::SpecProblem> HyperbandFactory::validate(
    const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  return hyperband_problems(spec);
}

std::unique_ptr<engine::Algorithm> HyperbandFactory::create(
    const engine::ExperimentSpec& spec) const {
  require_usable(spec.parameters);  // a broken space is reported at its own field path first
  return std::make_unique<HyperbandSearch>(spec, read_hyperband_settings(spec));
}

}  // namespace sextant::algorithms
