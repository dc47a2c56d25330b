// The self-contained HTML report: the dashboard's page with every file and the data inlined.
#include "engine/api/html_report.hpp"

#include "engine/error.hpp"
#include "engine/util/clock.hpp"

namespace sextant::engine {

using nlohmann::json;

nlohmann::json report_data(const RestApi& api, const std::string& experiment) {
  json out = {{"experiment", api.experiment(experiment)}, {"generatedAt", unix_now()}};
  json trials = json::array();
  json series = json::array();
  for (int64_t after = 0;;) {
    auto page = api.trials_page(experiment, after, RestApi::kMaxPageLimit);
    for (auto& t : page["trials"]) trials.push_back(std::move(t));
    after = page["next"].get<int64_t>();
    if (!page["more"].get<bool>()) break;
  }
  std::string metric = out["experiment"]["objective"]["metric"];
  for (int64_t after = 0;;) {
    auto page = api.observations_page(experiment, after, RestApi::kMaxPageLimit, metric);
    for (auto& s : page["series"]) series.push_back(std::move(s));
    after = page["next"].get<int64_t>();
    if (!page["more"].get<bool>()) break;
  }
  out["trials"] = std::move(trials);
  out["observations"] = std::move(series);
  out["importance"] = api.importance(experiment, {});
  return out;
}

namespace {

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
}

// Script text that cannot end its <script> element early: "</script" and "<!--" never occur
// (in JavaScript "<\/" inside a string or a regular expression means the same).
std::string inline_script(std::string_view body) {
  std::string text(body);
  replace_all(text, "</", "<\\/");
  replace_all(text, "<!--", "<\\!--");
  return text;
}

const StaticAsset& asset(const AssetBundle& bundle, std::string_view path) {
  const StaticAsset* a = find_asset(bundle, path);
  if (!a)
    throw Error(ErrorCode::kUnavailable,
                "the dashboard has no " + std::string(path) + " in this build");
  return *a;
}

}  // namespace

std::string build_html_report(const AssetBundle& bundle, const nlohmann::json& data) {
  require_complete(bundle);
  std::string html(asset(bundle, "index.html").body);
  // Every "<" in the data is written as \u003c: the JSON stays the same value, and no string
  // in it can close the script element.
  std::string payload = data.dump(-1, ' ', false, json::error_handler_t::replace);
  replace_all(payload, "<", "\\u003c");
  for (const auto& a : bundle.assets) {
    std::string path(a.path);
    std::string link = "<link rel=\"stylesheet\" href=\"assets/" + path + "\">";
    if (html.find(link) != std::string::npos)
      replace_all(html, link, "<style>\n" + inline_script(a.body) + "\n</style>");
    std::string script = "<script src=\"assets/" + path + "\"></script>";
    if (html.find(script) != std::string::npos)
      replace_all(html, script, "<script>\n" + inline_script(a.body) + "\n</script>");
  }
  const std::string marker = "<!-- sextant:report-data -->";
  if (html.find(marker) == std::string::npos)
    throw Error(ErrorCode::kInternal, "the dashboard's index.html lacks the report data marker");
  replace_all(html, marker, "<script>window.SEXTANT_REPORT = " + payload + ";</script>");
  return html;
}

}  // namespace sextant::engine
