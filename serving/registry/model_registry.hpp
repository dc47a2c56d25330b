// The model registry: models, their versions and stages, and the history of promotions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/store/store.hpp"

namespace sextant::serving {

enum class Stage { kStaging, kProduction, kArchived };
const char* to_string(Stage stage);  // "staging", "production", "archived"

struct ModelVersion {
  std::string model;
  int64_t version = 0;
  std::string experiment;
  std::string trial;
  std::string artifact;  // the trial's artifact location (directory or URI)
  std::string format;    // "xgboost", "sextant-mlp"
  nlohmann::json metrics = nlohmann::json::object();  // the trial's metrics at promotion time
  Stage stage = Stage::kStaging;
  std::string target;    // "local", "kserve"
  std::string location;  // where the target serves it from (repository directory, InferenceService)
  std::string created_by;
  double created_at = 0;
  double updated_at = 0;
};

struct PromotionRecord {
  int64_t id = 0;
  std::string model;
  int64_t version = 0;
  std::string target;
  std::string action;  // "promote", "rollback"
  std::string result;  // "succeeded", "failed"
  std::string message;
  double time = 0;
};

// Contract: reads work on a read-only Store; writes need a read-write one and each is one
// transaction. At most one version of a model is in production: promoting or rolling back to
// a version archives the one it replaces. Versions number from 1 per model and are never
// reused. The promotion history is append-only and records failed attempts too (the versions
// and stages stay as they were when a promotion fails).
class ModelRegistry {
 public:
  explicit ModelRegistry(engine::Store& store) : store_(store) {}

  int64_t next_version(const std::string& model) const;
  // Adds `version` (its model created on first use) in production; the previous production
  // version becomes archived. created_at/updated_at are set here. Throws Error(kConflict) when
  // that version number exists.
  void add_production(ModelVersion version);
  // Makes an existing version the production one (rollback); the current one is archived.
  // Throws Error(kNotFound) when there is no such version.
  void make_production(const std::string& model, int64_t version);
  void record(const PromotionRecord& record);

  std::vector<std::string> models() const;  // by name
  std::optional<ModelVersion> find(const std::string& model, int64_t version) const;
  std::optional<ModelVersion> production(const std::string& model) const;
  std::vector<ModelVersion> versions(const std::string& model) const;    // newest first
  std::vector<ModelVersion> production_versions() const;                 // one per model, by name
  std::vector<PromotionRecord> history(const std::string& model) const;  // oldest first

 private:
  engine::Store& store_;
};

nlohmann::json to_json(const ModelVersion& version);
nlohmann::json to_json(const PromotionRecord& record);

}  // namespace sextant::serving
