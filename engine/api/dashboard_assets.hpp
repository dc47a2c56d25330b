// The dashboard's static files (HTML, JS, CSS, the chart library) as the server serves them.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "engine/api/router.hpp"

namespace sextant::engine {

struct StaticAsset {
  std::string_view path;          // "index.html", "app.js", "plotly.min.js", ...
  std::string_view content_type;  // "text/html; charset=utf-8", ...
  std::string_view body;
};

// The files the binary carries (the dashboard/ build embeds them). `missing` is "" when the
// bundle is complete, else what is missing and why (npm was not available at build time).
struct AssetBundle {
  std::span<const StaticAsset> assets;
  std::string missing;
};

const StaticAsset* find_asset(const AssetBundle& bundle, std::string_view path);

// Throws Error(kUnavailable) with bundle.missing when the bundle is incomplete.
void require_complete(const AssetBundle& bundle);

// Contract: GET / answers index.html and GET /assets/{file} the file (404 for others); an
// incomplete bundle makes / answer 503 with the reason instead of a page that cannot draw.
// The bundle must outlive the router.
void add_dashboard_routes(Router& router, const AssetBundle& bundle);

}  // namespace sextant::engine
