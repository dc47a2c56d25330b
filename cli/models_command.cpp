// `sextant models list` and `sextant models get NAME`: the model registry, read-only.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "engine/error.hpp"
#include "engine/store/store.hpp"
#include "engine/util/rfc3339.hpp"
#include "serving/registry/model_registry.hpp"

namespace sextant::cli {
namespace {

using nlohmann::json;

std::string metrics_cell(const json& metrics) {
  std::string out;
  for (const auto& [k, v] : metrics.items()) {
    if (k == "objective") continue;
    out += (out.empty() ? "" : " ") + k + "=" +
           short_number(v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

json with_times(json object) {
  for (const char* key : {"createdAt", "updatedAt", "time"})
    if (object.contains(key) && object[key].is_number())
      object[key] = engine::format_time_rfc3339(object[key].get<double>());
  return object;
}

}  // namespace

int models_list_command(const GlobalOptions& global) {
  auto format = parse_output_format(global.output);
  auto store =
      engine::Store::open(engine::resolve_db_path(global.db), engine::Store::Mode::kReadOnly);
  serving::ModelRegistry registry(*store);
  Records r;
  r.columns = {"NAME",       "PRODUCTION", "VERSIONS", "TARGET",
               "EXPERIMENT", "TRIAL",      "METRICS",  "UPDATED"};
  r.objects = json::array();
  for (const auto& name : registry.models()) {
    auto versions = registry.versions(name);
    auto production = registry.production(name);
    if (production)
      r.rows.push_back({name, std::to_string(production->version), std::to_string(versions.size()),
                        production->target, production->experiment, production->trial,
                        metrics_cell(production->metrics),
                        engine::format_time_rfc3339(production->updated_at)});
    else
      r.rows.push_back({name, "-", std::to_string(versions.size()), "", "", "", "", ""});
    r.objects.push_back(
        {{"name", name},
         {"versions", versions.size()},
         {"production", production ? with_times(serving::to_json(*production)) : json()}});
  }
  print_records(std::cout, r, format);
  return 0;
}

int models_get_command(const GlobalOptions& global, const std::string& name) {
  auto format = parse_output_format(global.output);
  auto store =
      engine::Store::open(engine::resolve_db_path(global.db), engine::Store::Mode::kReadOnly);
  serving::ModelRegistry registry(*store);
  auto versions = registry.versions(name);
  if (versions.empty())
    throw Error(ErrorCode::kNotFound,
                "model \"" + name + "\" is not in the registry (see: sextant models list)");
  Records r;
  r.columns = {"VERSION", "STAGE",  "EXPERIMENT", "TRIAL",   "FORMAT",
               "METRICS", "TARGET", "LOCATION",   "CREATED", "BY"};
  json object = {{"name", name}, {"versions", json::array()}, {"promotions", json::array()}};
  for (const auto& v : versions) {
    r.rows.push_back({std::to_string(v.version), to_string(v.stage), v.experiment, v.trial,
                      v.format, metrics_cell(v.metrics), v.target, v.location,
                      engine::format_time_rfc3339(v.created_at), v.created_by});
    object["versions"].push_back(with_times(serving::to_json(v)));
  }
  for (const auto& p : registry.history(name))
    object["promotions"].push_back(with_times(serving::to_json(p)));
  if (format == OutputFormat::kJson || format == OutputFormat::kYaml) {
    print_document(std::cout, object, format);
    return 0;
  }
  r.objects = object["versions"];
  print_records(std::cout, r, format);
  return 0;
}

}  // namespace sextant::cli
