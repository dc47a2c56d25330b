// ModelRegistry over the store's connection (tables of migration 2 in engine/store/store.cpp).
#include "serving/registry/model_registry.hpp"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "engine/error.hpp"
#include "engine/store/sqlite_errors.hpp"
#include "engine/util/clock.hpp"

namespace sextant::serving {
namespace {

using nlohmann::json;

constexpr const char* kVersionColumns =
    "model, version, experiment, trial, artifact, format, metrics, stage, target, location, "
    "created_by, created_at, updated_at";

Stage parse_stage(const std::string& text) {
  if (text == "production") return Stage::kProduction;
  if (text == "archived") return Stage::kArchived;
  return Stage::kStaging;
}

ModelVersion version_from_row(SQLite::Statement& q) {
  ModelVersion v;
  v.model = q.getColumn(0).getString();
  v.version = q.getColumn(1).getInt64();
  v.experiment = q.getColumn(2).getString();
  v.trial = q.getColumn(3).getString();
  v.artifact = q.getColumn(4).getString();
  v.format = q.getColumn(5).getString();
  v.metrics = json::parse(q.getColumn(6).getString());
  v.stage = parse_stage(q.getColumn(7).getString());
  v.target = q.getColumn(8).getString();
  v.location = q.getColumn(9).getString();
  v.created_by = q.getColumn(10).getString();
  v.created_at = q.getColumn(11).getDouble();
  v.updated_at = q.getColumn(12).getDouble();
  return v;
}

using engine::guarded;

std::vector<ModelVersion> query_versions(engine::Store& store, const std::string& sql,
                                         const std::vector<std::string>& binds) {
  SQLite::Statement q(store.database(), sql);
  for (size_t i = 0; i < binds.size(); ++i) q.bind(static_cast<int>(i + 1), binds[i]);
  std::vector<ModelVersion> out;
  while (q.executeStep()) out.push_back(version_from_row(q));
  return out;
}

}  // namespace

const char* to_string(Stage stage) {
  switch (stage) {
    case Stage::kStaging:
      return "staging";
    case Stage::kProduction:
      return "production";
    case Stage::kArchived:
      return "archived";
  }
  return "staging";
}

int64_t ModelRegistry::next_version(const std::string& model) const {
  return guarded("reading model " + model, [&] {
    SQLite::Statement q(store_.database(),
                        "SELECT COALESCE(MAX(version), 0) FROM model_versions WHERE model=?");
    q.bind(1, model);
    q.executeStep();
    return q.getColumn(0).getInt64() + 1;
  });
}

void ModelRegistry::add_production(ModelVersion v) {
  guarded("registering " + v.model + " version " + std::to_string(v.version), [&] {
    double now = engine::unix_now();
    store_.transaction([&] {
      auto& db = store_.database();
      SQLite::Statement model(db, "INSERT OR IGNORE INTO models (name, created_at) VALUES (?, ?)");
      model.bind(1, v.model);
      model.bind(2, now);
      model.exec();
      SQLite::Statement archive(db,
                                "UPDATE model_versions SET stage='archived', updated_at=? "
                                "WHERE model=? AND stage='production'");
      archive.bind(1, now);
      archive.bind(2, v.model);
      archive.exec();
      SQLite::Statement insert(db, std::string("INSERT INTO model_versions (") + kVersionColumns +
                                       ") VALUES (?,?,?,?,?,?,?,'production',?,?,?,?,?)");
      insert.bind(1, v.model);
      insert.bind(2, static_cast<int64_t>(v.version));
      insert.bind(3, v.experiment);
      insert.bind(4, v.trial);
      insert.bind(5, v.artifact);
      insert.bind(6, v.format);
      insert.bind(7, v.metrics.dump());
      insert.bind(8, v.target);
      insert.bind(9, v.location);
      insert.bind(10, v.created_by);
      insert.bind(11, now);
      insert.bind(12, now);
      insert.exec();
    });
  });
}

void ModelRegistry::make_production(const std::string& model, int64_t version) {
  guarded("changing the production version of " + model, [&] {
    if (!find(model, version))
      throw Error(ErrorCode::kNotFound,
                  "model \"" + model + "\" has no version " + std::to_string(version));
    double now = engine::unix_now();
    store_.transaction([&] {
      auto& db = store_.database();
      SQLite::Statement archive(db,
                                "UPDATE model_versions SET stage='archived', updated_at=? "
                                "WHERE model=? AND stage='production'");
      archive.bind(1, now);
      archive.bind(2, model);
      archive.exec();
      SQLite::Statement promote(db,
                                "UPDATE model_versions SET stage='production', updated_at=? "
                                "WHERE model=? AND version=?");
      promote.bind(1, now);
      promote.bind(2, model);
      promote.bind(3, static_cast<int64_t>(version));
      promote.exec();
    });
  });
}

void ModelRegistry::record(const PromotionRecord& r) {
  guarded("recording a promotion of " + r.model, [&] {
    SQLite::Statement q(store_.database(),
                        "INSERT INTO promotions (model, version, target, action, result, message, "
                        "time) VALUES (?,?,?,?,?,?,?)");
    q.bind(1, r.model);
    q.bind(2, static_cast<int64_t>(r.version));
    q.bind(3, r.target);
    q.bind(4, r.action);
    q.bind(5, r.result);
    q.bind(6, r.message);
    q.bind(7, r.time > 0 ? r.time : engine::unix_now());
    q.exec();
  });
}

std::vector<std::string> ModelRegistry::models() const {
  return guarded("listing models", [&] {
    SQLite::Statement q(store_.database(), "SELECT name FROM models ORDER BY name");
    std::vector<std::string> out;
    while (q.executeStep()) out.push_back(q.getColumn(0).getString());
    return out;
  });
}

std::optional<ModelVersion> ModelRegistry::find(const std::string& model, int64_t version) const {
  return guarded("reading model " + model, [&]() -> std::optional<ModelVersion> {
    SQLite::Statement q(store_.database(), std::string("SELECT ") + kVersionColumns +
                                               " FROM model_versions WHERE model=? AND version=?");
    q.bind(1, model);
    q.bind(2, static_cast<int64_t>(version));
    if (!q.executeStep()) return std::nullopt;
    return version_from_row(q);
  });
}

std::optional<ModelVersion> ModelRegistry::production(const std::string& model) const {
  return guarded("reading model " + model, [&]() -> std::optional<ModelVersion> {
    auto found = query_versions(store_,
                                std::string("SELECT ") + kVersionColumns +
                                    " FROM model_versions WHERE model=? AND stage='production'",
                                {model});
    if (found.empty()) return std::nullopt;
    return found.front();
  });
}

std::vector<ModelVersion> ModelRegistry::versions(const std::string& model) const {
  return guarded("reading model " + model, [&] {
    return query_versions(store_,
                          std::string("SELECT ") + kVersionColumns +
                              " FROM model_versions WHERE model=? ORDER BY version DESC",
                          {model});
  });
}

std::vector<ModelVersion> ModelRegistry::production_versions() const {
  return guarded("listing production models", [&] {
    return query_versions(store_,
                          std::string("SELECT ") + kVersionColumns +
                              " FROM model_versions WHERE stage='production' ORDER BY model",
                          {});
  });
}

std::vector<PromotionRecord> ModelRegistry::history(const std::string& model) const {
  return guarded("reading the promotions of " + model, [&] {
    SQLite::Statement q(store_.database(),
                        "SELECT id, model, version, target, action, result, message, time "
                        "FROM promotions WHERE model=? ORDER BY id");
    q.bind(1, model);
    std::vector<PromotionRecord> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                     q.getColumn(2).getInt64(), q.getColumn(3).getString(),
                     q.getColumn(4).getString(), q.getColumn(5).getString(),
                     q.getColumn(6).getString(), q.getColumn(7).getDouble()});
    return out;
  });
}

json to_json(const ModelVersion& v) {
  return {{"model", v.model},           {"version", v.version},      {"stage", to_string(v.stage)},
          {"experiment", v.experiment}, {"trial", v.trial},          {"artifact", v.artifact},
          {"format", v.format},         {"metrics", v.metrics},      {"target", v.target},
          {"location", v.location},     {"createdBy", v.created_by}, {"createdAt", v.created_at},
          {"updatedAt", v.updated_at}};
}

json to_json(const PromotionRecord& r) {
  return {{"id", r.id},         {"model", r.model},   {"version", r.version}, {"target", r.target},
          {"action", r.action}, {"result", r.result}, {"message", r.message}, {"time", r.time}};
}

}  // namespace sextant::serving
