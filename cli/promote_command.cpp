// `sextant promote` and `sextant rollback`: registry bookkeeping around a Promoter.
#include <cstdio>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/promoter_setup.hpp"
#include "cli/serving_support.hpp"
#include "engine/error.hpp"
#include "engine/store/store.hpp"
#include "serving/promote/promote_trial.hpp"
#include "serving/registry/model_registry.hpp"

namespace sextant::cli {
namespace {

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
  auto trial = serving::select_trial(*store, *record, o.trial);
  std::string model = o.model.empty() ? o.experiment : o.model;
  check_model_name(model);

  serving::ModelRegistry registry(*store);
  auto prepared =
      serving::prepare_promotion(registry, *record, trial, model, o.target, o.format, o.canary);
  const auto& request = prepared.request;
  auto promoter = make_promoter(global, o, o.target);

  std::fprintf(stderr, "Promoting %s (trial %s: %s) as %s version %lld to %s%s\n",
               o.experiment.c_str(), trial.name.c_str(),
               serving::metrics_text(prepared.metrics).c_str(), model.c_str(),
               static_cast<long long>(request.version), o.target.c_str(),
               o.dry_run ? " (dry run: nothing changes)" : "");
  if (o.dry_run) {
    int step = 0;
    for (const auto& line : promoter->plan(request)) std::printf("%d. %s\n", ++step, line.c_str());
    return 0;
  }
  const auto& previous = prepared.previous;
  serving::PromotionResult result;
  try {
    result = serving::carry_out_promotion(registry, *promoter, prepared, current_user());
  } catch (const Error&) {
    std::fprintf(
        stderr, "Promotion failed; the registry is unchanged%s.\n",
        previous ? (" (production stays version " + std::to_string(previous->version) + ")").c_str()
                 : "");
    throw;
  }
  print_notes(result.outcome);
  std::fprintf(
      stderr, "%s version %lld is in production%s. Next: sextant models get %s\n", model.c_str(),
      static_cast<long long>(request.version),
      previous ? (" (version " + std::to_string(previous->version) + " archived)").c_str() : "",
      model.c_str());
  if (format == OutputFormat::kJson || format == OutputFormat::kYaml)
    print_document(std::cout, serving::to_json(result.version), format);
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
