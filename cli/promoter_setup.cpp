// The promoter registry of the built-ins and the settings each target reads.
#include "cli/promoter_setup.hpp"

#include <chrono>
#include <filesystem>

#include "cli/serving_support.hpp"
#include "engine/error.hpp"
#include "engine/store/store.hpp"
#include "serving/builtin.hpp"
#include "serving/promote/dry_run_promoter.hpp"

namespace sextant::cli {

std::unique_ptr<engine::Promoter> make_promoter(const GlobalOptions& global,
                                                const PromoteOptions& o,
                                                const std::string& target) {
  engine::PromoterRegistry promoters;
  serving::register_builtin_promoters(promoters);
  const auto* factory = promoters.find(target);
  if (!factory) {
    std::string known;
    for (const auto& n : promoters.names()) known += (known.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::kInvalidArgument,
                "unknown target \"" + target + "\" (known: " + known + ")", "--target");
  }
  auto db_path = engine::resolve_db_path(global.db);
  engine::PromoterSettings settings;
  settings.models_dir = std::filesystem::absolute(
      o.models_dir.empty() ? default_models_dir(db_path) : std::filesystem::path(o.models_dir));
  settings.server_url = o.server.empty() ? std::string("http://") + kDefaultServeListen : o.server;
  settings.server_required = !o.server.empty();
  settings.kube_namespace = o.kube_namespace;
  settings.kubeconfig = o.kubeconfig;
  settings.kube_context = o.kube_context;
  settings.kube_server = o.kube_server;
  settings.raw_deployment = o.raw_deployment;
  settings.timeout = std::chrono::milliseconds(static_cast<long>(o.timeout_seconds * 1000));
  auto promoter = factory->create(settings);
  if (o.dry_run) return std::make_unique<serving::DryRunPromoter>(std::move(promoter));
  return promoter;
}

}  // namespace sextant::cli
