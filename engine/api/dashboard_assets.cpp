// Serving the embedded dashboard files.
#include "engine/api/dashboard_assets.hpp"

#include "engine/error.hpp"

namespace sextant::engine {

const StaticAsset* find_asset(const AssetBundle& bundle, std::string_view path) {
  for (const auto& asset : bundle.assets)
    if (asset.path == path) return &asset;
  return nullptr;
}

void require_complete(const AssetBundle& bundle) {
  if (!bundle.missing.empty())
    throw Error(ErrorCode::kUnavailable, "the dashboard is not in this build: " + bundle.missing);
}

namespace {

HttpResponse asset_response(const StaticAsset& asset) {
  HttpResponse r;
  r.content_type = std::string(asset.content_type);
  r.body = std::string(asset.body);
  // The files change only with the binary; "no-cache" revalidates after an upgrade.
  r.headers["Cache-Control"] = "no-cache";
  r.headers["X-Content-Type-Options"] = "nosniff";
  return r;
}

}  // namespace

void add_dashboard_routes(Router& router, const AssetBundle& bundle) {
  router.add("GET", "/", [&bundle](const HttpRequest&, const RouteParams&) {
    require_complete(bundle);
    const StaticAsset* index = find_asset(bundle, "index.html");
    if (!index) throw Error(ErrorCode::kUnavailable, "the dashboard has no index.html");
    return asset_response(*index);
  });
  router.add("GET", "/assets/{file}", [&bundle](const HttpRequest&, const RouteParams& p) {
    const StaticAsset* asset = find_asset(bundle, p.at("file"));
    if (!asset) throw Error(ErrorCode::kNotFound, "no dashboard file " + p.at("file"));
    return asset_response(*asset);
  });
}

}  // namespace sextant::engine
