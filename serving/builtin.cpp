// Registration of the built-in promoters.
#include "serving/builtin.hpp"

#include "serving/kserve/kserve_promoter.hpp"
#include "serving/promote/local_promoter.hpp"

namespace sextant::serving {

void register_builtin_promoters(engine::PromoterRegistry& registry) {
  registry.add(std::make_unique<LocalPromoterFactory>());
  registry.add(std::make_unique<KServePromoterFactory>());
}

}  // namespace sextant::serving
