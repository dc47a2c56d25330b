// spec.promotion after a successful run: decide, promote through the shared core, say what
// happened.
#include "cli/auto_promotion.hpp"

#include <cstdio>

#include "cli/promoter_setup.hpp"
#include "cli/serving_support.hpp"
#include "engine/error.hpp"
#include "serving/promote/auto_promotion.hpp"
#include "serving/promote/promote_trial.hpp"
#include "serving/registry/model_registry.hpp"

namespace sextant::cli {

namespace {

// The event log is a record, not the outcome: a failure to write it must not turn a done
// promotion into a failed run.
void record_event(engine::Store& store, const std::string& experiment, const std::string& trial,
                  const std::string& type, const std::string& message) {
  try {
    store.add_event(experiment, trial, type, message);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "  (could not record the event: %s)\n", e.what());
  }
}

// The objective metric of the experiment a production version came from ("" when unknown).
std::string source_objective_metric(const engine::Store& store, const std::string& experiment) {
  auto record = store.find_experiment(experiment);
  if (!record) return "";
  const auto& spec = record->spec;
  if (!spec.contains("spec") || !spec["spec"].contains("objective")) return "";
  const auto& objective = spec["spec"]["objective"];
  auto name = objective.find("objectiveMetricName");
  return name != objective.end() && name->is_string() ? name->get<std::string>() : "";
}

// KServe objects go to --namespace when the run has one, else the experiment's namespace.
std::string promotion_namespace(const BackendOptions& backend, const engine::ExperimentSpec& spec) {
  return backend.namespace_name.empty() ? spec.namespace_name : backend.namespace_name;
}

// The `sextant promote` command that does the same by hand.
std::string manual_command(const GlobalOptions& global, const BackendOptions& backend,
                           const engine::ExperimentSpec& spec, const std::string& trial) {
  const auto& p = *spec.promotion;
  std::string command = "sextant";
  if (!global.db.empty()) command += " --db " + global.db;
  command += " promote " + spec.name + " --trial " + trial + " --model " + p.model;
  if (p.target != "local") {
    command += " --target " + p.target + " --namespace " + promotion_namespace(backend, spec);
    if (!backend.kubeconfig.empty()) command += " --kubeconfig " + backend.kubeconfig;
    if (!backend.context.empty()) command += " --context " + backend.context;
  }
  if (p.canary_traffic_percent > 0)
    command += " --canary " + std::to_string(p.canary_traffic_percent);
  if (!p.serving_url.empty()) command += " --server " + p.serving_url;
  return command;
}

}  // namespace

int auto_promote(const GlobalOptions& global, const BackendOptions& backend,
                 const engine::ExperimentSpec& spec, engine::Store& store) {
  const auto& p = *spec.promotion;
  serving::ModelRegistry registry(store);
  std::optional<serving::ModelVersion> production;
  std::string trial_name;
  try {
    production = registry.production(p.model);
    auto record = store.find_experiment(spec.name);
    if (!record)
      throw Error(ErrorCode::kInternal, "experiment " + spec.name + " is not in the database");
    auto best = serving::select_trial(store, *record, "");
    trial_name = best.name;
    const auto& metric = spec.objective.objective_metric_name;
    serving::PromotionCandidate candidate{spec.name,           best.name,      metric,
                                          spec.objective.type, best.objective, best.objective_text};
    std::optional<double> production_value;
    if (production)
      production_value = serving::recorded_value(
          *production, metric, source_objective_metric(store, production->experiment));
    auto decision = serving::decide_auto_promotion(p, candidate, production, production_value);
    std::string stays = production ? "production stays " + p.model + " version " +
                                         std::to_string(production->version)
                                   : "";
    switch (decision.action) {
      case serving::AutoPromotionAction::kAlreadyServing: {
        auto line = "nothing to do: " + p.model + " " + decision.reason;
        std::fprintf(stderr, "Auto-promotion: %s\n", line.c_str());
        record_event(store, spec.name, best.name, "AutoPromotionSkipped", line);
        return 0;
      }
      case serving::AutoPromotionAction::kNotBetter: {
        auto line = decision.reason + "; " + stays;
        std::fprintf(stderr, "Auto-promotion skipped: %s\n", line.c_str());
        record_event(store, spec.name, best.name, "AutoPromotionSkipped", line);
        return 0;
      }
      case serving::AutoPromotionAction::kNotComparable: {
        auto line = p.model + " " + decision.reason + "; " + stays;
        std::fprintf(stderr, "Auto-promotion skipped: %s\n  To promote it anyway: %s\n",
                     line.c_str(), manual_command(global, backend, spec, best.name).c_str());
        record_event(store, spec.name, best.name, "AutoPromotionSkipped", line);
        return 0;
      }
      case serving::AutoPromotionAction::kPromote:
        break;
    }

    PromoteOptions options;
    options.target = p.target;
    options.server = p.serving_url;
    options.kube_namespace = promotion_namespace(backend, spec);
    options.kubeconfig = backend.kubeconfig;
    options.kube_context = backend.context;
    auto promoter = make_promoter(global, options, p.target);
    auto prepared = serving::prepare_promotion(registry, *record, best, p.model, p.target, "",
                                               p.canary_traffic_percent);
    std::fprintf(stderr, "Auto-promotion: promoting trial %s as %s version %lld to %s\n",
                 best.name.c_str(), p.model.c_str(),
                 static_cast<long long>(prepared.request.version), p.target.c_str());
    auto result = serving::carry_out_promotion(registry, *promoter, prepared, current_user());
    for (const auto& n : result.outcome.notes) std::fprintf(stderr, "  %s\n", n.c_str());
    std::string why = production ? decision.reason
                                 : "first version; " + metric + " " + best.objective_text +
                                       " from trial " + best.name;
    auto line = p.model + " version " + std::to_string(result.version.version) +
                " is in production (" + why + ")";
    std::fprintf(stderr, "Auto-promotion: %s. Next: sextant models get %s\n", line.c_str(),
                 p.model.c_str());
    record_event(store, spec.name, best.name, "ModelPromoted", line);
    return 0;
  } catch (const Error& e) {
    std::string line = std::string(e.what()) + "; the registry is unchanged" +
                       (production ? " (production stays " + p.model + " version " +
                                         std::to_string(production->version) + ")"
                                   : "");
    std::fprintf(stderr,
                 "Auto-promotion failed: %s. The experiment itself succeeded; to retry: %s\n",
                 line.c_str(),
                 trial_name.empty() ? ("sextant promote " + spec.name).c_str()
                                    : manual_command(global, backend, spec, trial_name).c_str());
    record_event(store, spec.name, trial_name, "AutoPromotionFailed", line);
    return kExitAutoPromotionFailed;
  }
}

}  // namespace sextant::cli
