// `sextant promote` and `sextant rollback`: registry bookkeeping around a Promoter.
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/serving_support.hpp"
#include "engine/controller/experiment_status.hpp"
#include "engine/error.hpp"
#include "engine/spec/spec_loader.hpp"
#include "engine/store/store.hpp"
#include "serving/builtin.hpp"
#include "serving/model/model_loader.hpp"
#include "serving/promote/dry_run_promoter.hpp"
#include "serving/promote/local_promoter.hpp"
#include "serving/registry/model_registry.hpp"

namespace sextant::cli {
namespace {

using nlohmann::json;

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
  settings.kube_server = o.kube_server;
  settings.raw_deployment = o.raw_deployment;
  settings.timeout = std::chrono::milliseconds(static_cast<long>(o.timeout_seconds * 1000));
  auto promoter = factory->create(settings);
  if (o.dry_run) return std::make_unique<serving::DryRunPromoter>(std::move(promoter));
  return promoter;
}

// The trial to promote: --trial, else the experiment's best succeeded trial.
engine::Trial pick_trial(const engine::Store& store, const engine::ExperimentRecord& record,
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

json trial_metrics(const engine::Trial& t) {
  json out = json::object();
  for (const auto& m : t.observation) out[m.name] = m.latest;
  if (!t.objective_text.empty()) out["objective"] = t.objective_text;
  return out;
}

std::string metrics_text(const json& metrics) {
  std::string out;
  for (const auto& [k, v] : metrics.items()) {
    if (k == "objective") continue;
    out += (out.empty() ? "" : " ") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

void print_notes(const engine::PromotionOutcome& outcome) {
  for (const auto& n : outcome.notes) std::fprintf(stderr, "  %s\n", n.c_str());
}

}  // namespace

int promote_command(const GlobalOptions& global, const PromoteOptions& o) {
  auto format = parse_output_format(global.output);
  if (o.canary < 0 || o.canary > 99)
    throw Error(ErrorCode::kInvalidArgument, "must be 1..99 (or 0 for none)", "--canary");
  auto db_path = engine::resolve_db_path(global.db);
  if (!std::filesystem::exists(db_path))
    throw Error(ErrorCode::kNotFound,
                "no database at " + db_path.string() + " (run an experiment first, or pass --db)");
  auto store = engine::Store::open(db_path, engine::Store::Mode::kReadWrite);
  auto record = store->find_experiment(o.experiment);
  if (!record)
    throw Error(ErrorCode::kNotFound, "experiment \"" + o.experiment + "\" not found in " +
                                          db_path.string() + " (see: sextant get experiments)");
  auto trial = pick_trial(*store, *record, o.trial);
  std::string model = o.model.empty() ? o.experiment : o.model;
  check_model_name(model);

  std::string artifact = trial.artifact;
  if (artifact.empty())  // trials stored before artifacts were recorded
    artifact = (std::filesystem::path(record->runs_dir) / record->name / trial.name / "artifacts")
                   .string();
  std::string format_name = o.format;
  if (auto local = serving::local_artifact_path(artifact); !local.empty()) {
    auto detected = serving::detect_model_format(local);
    if (detected.empty())
      throw Error(ErrorCode::kNotFound,
                  "trial " + trial.name + " saved no model: " + local +
                      " holds no sextant-mlp.json, model.ubj, model.json or model.bst (a trial "
                      "saves its model to $SEXTANT_ARTIFACT_DIR)");
    if (format_name.empty()) format_name = detected;
  }
  if (format_name.empty()) format_name = "xgboost";

  serving::ModelRegistry registry(*store);
  auto previous = registry.production(model);
  engine::PromotionRequest request{model,
                                   registry.next_version(model),
                                   artifact,
                                   format_name,
                                   o.canary,
                                   previous ? previous->version : 0,
                                   previous ? previous->artifact : ""};
  auto metrics = trial_metrics(trial);
  auto promoter = make_promoter(global, o, o.target);

  std::fprintf(stderr, "Promoting %s (trial %s: %s) as %s version %lld to %s%s\n",
               o.experiment.c_str(), trial.name.c_str(), metrics_text(metrics).c_str(),
               model.c_str(), static_cast<long long>(request.version), o.target.c_str(),
               o.dry_run ? " (dry run: nothing changes)" : "");
  if (o.dry_run) {
    int step = 0;
    for (const auto& line : promoter->plan(request)) std::printf("%d. %s\n", ++step, line.c_str());
    return 0;
  }
  engine::PromotionOutcome outcome;
  try {
    outcome = promoter->promote(request);
  } catch (const Error& e) {
    registry.record({0, model, request.version, o.target, "promote", "failed", e.what(), 0});
    std::fprintf(
        stderr, "Promotion failed; the registry is unchanged%s.\n",
        previous ? (" (production stays version " + std::to_string(previous->version) + ")").c_str()
                 : "");
    throw;
  }
  serving::ModelVersion version;
  version.model = model;
  version.version = request.version;
  version.experiment = o.experiment;
  version.trial = trial.name;
  version.artifact = artifact;
  version.format = format_name;
  version.metrics = metrics;
  version.target = o.target;
  version.location = outcome.location;
  version.created_by = current_user();
  registry.add_production(version);
  std::string message;
  for (const auto& n : outcome.notes) message += (message.empty() ? "" : "; ") + n;
  registry.record({0, model, request.version, o.target, "promote", "succeeded", message, 0});
  print_notes(outcome);
  std::fprintf(
      stderr, "%s version %lld is in production%s. Next: sextant models get %s\n", model.c_str(),
      static_cast<long long>(request.version),
      previous ? (" (version " + std::to_string(previous->version) + " archived)").c_str() : "",
      model.c_str());
  if (format == OutputFormat::kJson || format == OutputFormat::kYaml)
    print_document(std::cout, serving::to_json(*registry.find(model, request.version)), format);
  return 0;
}

int rollback_command(const GlobalOptions& global, const PromoteOptions& o, int64_t to_version) {
  auto db_path = engine::resolve_db_path(global.db);
  auto store = engine::Store::open(db_path, engine::Store::Mode::kReadWrite);
  serving::ModelRegistry registry(*store);
  auto current = registry.production(o.model);
  if (!current)
    throw Error(ErrorCode::kNotFound, "model \"" + o.model +
                                          "\" has no production version "
                                          "(see: sextant models list)");
  std::optional<serving::ModelVersion> target;
  if (to_version > 0) {
    target = registry.find(o.model, to_version);
    if (!target)
      throw Error(ErrorCode::kNotFound,
                  "model \"" + o.model + "\" has no version " + std::to_string(to_version), "--to");
  } else {
    for (const auto& v : registry.versions(o.model))  // newest first
      if (v.version < current->version && v.stage == serving::Stage::kArchived) {
        target = v;
        break;
      }
    if (!target)
      throw Error(ErrorCode::kNotFound, "model \"" + o.model + "\" has no version before " +
                                            std::to_string(current->version) + " to roll back to");
  }
  if (target->version == current->version)
    throw Error(ErrorCode::kInvalidArgument,
                "version " + std::to_string(to_version) + " is already in production", "--to");
  auto promoter = make_promoter(global, o, current->target.empty() ? "local" : current->target);
  engine::PromotionRequest request{o.model, target->version,  target->artifact, target->format,
                                   0,       current->version, current->artifact};
  std::fprintf(stderr, "Rolling %s back from version %lld to %lld (%s)%s\n", o.model.c_str(),
               static_cast<long long>(current->version), static_cast<long long>(target->version),
               current->target.c_str(), o.dry_run ? " (dry run: nothing changes)" : "");
  if (o.dry_run) {
    int step = 0;
    for (const auto& line : promoter->plan(request)) std::printf("%d. %s\n", ++step, line.c_str());
    return 0;
  }
  engine::PromotionOutcome outcome;
  try {
    outcome = promoter->rollback(request);
  } catch (const Error& e) {
    registry.record(
        {0, o.model, target->version, current->target, "rollback", "failed", e.what(), 0});
    std::fprintf(stderr, "Rollback failed; the registry is unchanged.\n");
    throw;
  }
  registry.make_production(o.model, target->version);
  std::string message;
  for (const auto& n : outcome.notes) message += (message.empty() ? "" : "; ") + n;
  registry.record(
      {0, o.model, target->version, current->target, "rollback", "succeeded", message, 0});
  print_notes(outcome);
  std::fprintf(stderr, "%s version %lld is in production again (version %lld archived)\n",
               o.model.c_str(), static_cast<long long>(target->version),
               static_cast<long long>(current->version));
  return 0;
}

}  // namespace sextant::cli
