// The `pbt` factory: settings checked by pbt_settings, the search built from them.
#include "algorithms/pbt/pbt_factory.hpp"

#include "algorithms/common/unit_cube.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "algorithms/pbt/pbt_search.hpp"
#include "algorithms/pbt/pbt_settings.hpp"

namespace sextant::algorithms {

std::vector<std::string> PbtFactory::known_settings() const {
  return pbt_known_settings();
}

std::vector<engine::SpecProblem> PbtFactory::validate(const engine::ExperimentSpec& spec) const {
  if (spec.nas_config) return nas_not_supported(spec);  // architectures: enas, darts, ...
  return pbt_problems(spec);
}

std::unique_ptr<engine::Algorithm> PbtFactory::create(const engine::ExperimentSpec& spec) const {
  require_usable(spec.parameters);  // a broken space is reported at its own field path first
  return std::make_unique<PbtSearch>(spec, read_pbt_settings(spec));
}

}  // namespace sextant::algorithms
