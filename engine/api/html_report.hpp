// `sextant report EXPERIMENT -o report.html`: one self-contained HTML file with the dashboard's
// experiment page (summary and plots) and its data inlined.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "engine/api/dashboard_assets.hpp"
#include "engine/api/rest_api.hpp"

namespace sextant::engine {

// The data the experiment page fetches, in one object: {"experiment", "trials", "observations",
// "importance", "generatedAt"} (the shapes of the REST API's answers).
nlohmann::json report_data(const RestApi& api, const std::string& experiment);

// index.html with its stylesheets and scripts inlined and `data` set as window.SEXTANT_REPORT,
// so the page renders with no server and no network. Throws Error(kUnavailable) when the bundle
// is incomplete.
std::string build_html_report(const AssetBundle& bundle, const nlohmann::json& data);

}  // namespace sextant::engine
