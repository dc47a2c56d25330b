// One promotion: pick the trial, resolve its model, roll it out, keep the registry consistent.
#include "serving/promote/promote_trial.hpp"

#include <filesystem>

#include "engine/controller/experiment_status.hpp"
#include "engine/error.hpp"
#include "engine/spec/spec_loader.hpp"
#include "serving/model/model_loader.hpp"
#include "serving/promote/local_promoter.hpp"

namespace sextant::serving {

namespace {

using nlohmann::json;

json trial_metrics(const engine::Trial& t) {
  json out = json::object();
  for (const auto& m : t.observation) out[m.name] = m.latest;
  if (!t.objective_text.empty()) out["objective"] = t.objective_text;
  return out;
}

std::string joined_notes(const engine::PromotionOutcome& outcome) {
  std::string message;
  for (const auto& n : outcome.notes) message += (message.empty() ? "" : "; ") + n;
  return message;
}

}  // namespace

engine::Trial select_trial(const engine::Store& store, const engine::ExperimentRecord& record,
                           const std::string& wanted) {
  auto trials = store.list_trials(record.name);
  if (!wanted.empty()) {
    for (const auto& t : trials) {
      if (t.name != wanted) continue;
      if (t.state != engine::TrialState::kSucceeded)
        throw Error(ErrorCode::kInvalidArgument,
                    "trial " + wanted + " is " + engine::to_string(t.state) +
                        "; only a succeeded trial's model can be promoted",
                    "--trial");
      return t;
    }
    throw Error(ErrorCode::kNotFound, "experiment " + record.name + " has no trial \"" + wanted +
                                          "\" (see: sextant get trials " + record.name + ")");
  }
  std::vector<engine::Trial> succeeded;
  for (const auto& t : trials)
    if (t.state == engine::TrialState::kSucceeded) succeeded.push_back(t);
  auto spec = engine::spec_from_document(record.spec, record.source_file, record.code_dir);
  const auto* best = engine::optimal_trial(spec.objective, succeeded);
  if (!best)
    throw Error(ErrorCode::kNotFound, "experiment " + record.name +
                                          " has no succeeded trial with its objective \"" +
                                          spec.objective.objective_metric_name + "\" to promote");
  return *best;
}

PreparedPromotion prepare_promotion(const ModelRegistry& registry,
                                    const engine::ExperimentRecord& record,
                                    const engine::Trial& trial, const std::string& model,
                                    const std::string& target, const std::string& format,
                                    int canary_percent) {
  std::string artifact = trial.artifact;
  if (artifact.empty())  // trials stored before artifacts were recorded
    artifact =
        (std::filesystem::path(record.runs_dir) / record.name / trial.name / "artifacts").string();
  std::string format_name = format;
  if (auto local = local_artifact_path(artifact); !local.empty()) {
    auto detected = detect_model_format(local);
    if (detected.empty())
      throw Error(ErrorCode::kNotFound, "trial " + trial.name + " saved no model: " + local +
                                            " holds no sextant-mlp.json, sextant-svm.json, "
                                            "model.ubj, model.json or model.bst (a trial "
                                            "saves its model to $SEXTANT_ARTIFACT_DIR)");
    if (format_name.empty()) format_name = detected;
  }
  if (format_name.empty()) format_name = "xgboost";

  PreparedPromotion p;
  p.experiment = record.name;
  p.trial = trial;
  p.target = target;
  p.previous = registry.production(model);
  p.request = {model,
               registry.next_version(model),
               artifact,
               format_name,
               canary_percent,
               p.previous ? p.previous->version : 0,
               p.previous ? p.previous->artifact : ""};
  p.metrics = trial_metrics(trial);
  return p;
}

PromotionResult carry_out_promotion(ModelRegistry& registry, engine::Promoter& promoter,
                                    const PreparedPromotion& p, const std::string& created_by) {
  const auto& request = p.request;
  PromotionResult result;
  try {
    result.outcome = promoter.promote(request);
  } catch (const Error& e) {
    registry.record(
        {0, request.model, request.version, p.target, "promote", "failed", e.what(), 0});
    throw;
  }
  ModelVersion& version = result.version;
  version.model = request.model;
  version.version = request.version;
  version.experiment = p.experiment;
  version.trial = p.trial.name;
  version.artifact = request.artifact;
  version.format = request.format;
  version.metrics = p.metrics;
  version.target = p.target;
  version.location = result.outcome.location;
  version.created_by = created_by;
  registry.add_production(version);
  registry.record({0, request.model, request.version, p.target, "promote", "succeeded",
                   joined_notes(result.outcome), 0});
  if (auto stored = registry.find(request.model, request.version)) version = *stored;
  return result;
}

std::string metrics_text(const json& metrics) {
  std::string out;
  for (const auto& [k, v] : metrics.items()) {
    if (k == "objective") continue;
    out += (out.empty() ? "" : " ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

}  // namespace sextant::serving
