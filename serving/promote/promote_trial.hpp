// The core of one promotion, shared by `sextant promote` and the automatic promotion after `sextant
// run`.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "engine/model/trial.hpp"
#include "engine/ports/promoter.hpp"
#include "engine/store/store.hpp"
#include "serving/registry/model_registry.hpp"

namespace sextant::serving {

// The trial to promote: the one named `wanted`, else the experiment's best succeeded trial by
// its objective (engine::optimal_trial). Throws Error: kInvalidArgument (field "--trial") when
// `wanted` did not succeed, kNotFound when there is no such trial or no succeeded one.
engine::Trial select_trial(const engine::Store& store, const engine::ExperimentRecord& record,
                           const std::string& wanted);

// Everything decided before anything changes: what `--dry-run` shows and what
// carry_out_promotion() does.
struct PreparedPromotion {
  std::string experiment;
  engine::Trial trial;
  std::string target;                    // "local", "kserve": recorded with the version
  engine::PromotionRequest request;      // numbered with the registry's next version
  std::optional<ModelVersion> previous;  // the production version it replaces
  nlohmann::json metrics;                // the trial's metrics, recorded with the version
};

// Resolves the trial's artifact (trials stored before artifacts were recorded use their run
// directory) and its format (`format` if given, else detected from a local artifact, else
// "xgboost" for a remote one). Throws Error(kNotFound) when a local artifact holds no model.
PreparedPromotion prepare_promotion(const ModelRegistry& registry,
                                    const engine::ExperimentRecord& record,
                                    const engine::Trial& trial, const std::string& model,
                                    const std::string& target, const std::string& format,
                                    int canary_percent);

struct PromotionResult {
  ModelVersion version;  // as recorded, in production
  engine::PromotionOutcome outcome;
};

// Runs promoter.promote(); when it returns, the version is added in production (the previous
// one archived) and the promotion recorded. When it throws, the failed attempt is recorded, the
// versions and stages stay as they were, and the error propagates.
PromotionResult carry_out_promotion(ModelRegistry& registry, engine::Promoter& promoter,
                                    const PreparedPromotion& prepared,
                                    const std::string& created_by);

// "accuracy=0.98 loss=0.1": a version's metrics for one line of output.
std::string metrics_text(const nlohmann::json& metrics);

}  // namespace sextant::serving
