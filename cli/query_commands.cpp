// Read-only commands: validate, get, best, logs. They open the store read-only.
#include <fstream>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "cli/wiring.hpp"
#include "engine/controller/experiment_status.hpp"
#include "engine/controller/metrics_summary.hpp"
#include "engine/error.hpp"
#include "engine/spec/spec_loader.hpp"
#include "engine/store/store.hpp"
#include "engine/util/clock.hpp"
#include "engine/util/rfc3339.hpp"

namespace sextant::cli {
namespace {

using nlohmann::json;

std::unique_ptr<engine::Store> open_read_only(const GlobalOptions& global) {
  return engine::Store::open(engine::resolve_db_path(global.db), engine::Store::Mode::kReadOnly);
}

// An experiment as stored, with its typed spec and trials.
struct Loaded {
  engine::ExperimentRecord record;
  engine::ExperimentSpec spec;
  engine::ExperimentStatus status;
  std::vector<engine::Trial> trials;
};

Loaded load(const engine::Store& store, const std::string& name) {
  auto record = store.find_experiment(name);
  if (!record)
    throw Error(ErrorCode::kNotFound, "experiment \"" + name + "\" not found in " +
                                          store.path().string() +
                                          " (see: sextant get experiments)");
  Loaded l{*record, engine::spec_from_document(record->spec, record->source_file, record->code_dir),
           engine::ExperimentStatus::from_json(record->status), store.list_trials(name)};
  return l;
}

std::string objective_label(const engine::ExperimentSpec& spec) {
  return std::string(engine::to_string(spec.objective.type)) + " " +
         spec.objective.objective_metric_name;
}

std::string status_word(const engine::ExperimentStatus& s) {
  if (s.conditions.empty()) return "Unknown";
  // Katib's printer column: the last condition's type, when true.
  for (auto it = s.conditions.rbegin(); it != s.conditions.rend(); ++it)
    if (it->status) return it->type;
  return s.conditions.back().type;
}

}  // namespace

int validate_command(const GlobalOptions& global, const std::string& file) {
  auto builtins = make_builtins();
  auto spec = engine::load_experiment_file(file, builtins->catalog());
  if (global.output == "yaml" || global.output == "json") {
    print_document(std::cout, spec.document, parse_output_format(global.output));
  } else {
    parse_output_format(global.output);
    std::cerr << file << ": valid Experiment \"" << spec.name << "\" ("
              << spec.algorithm.algorithm_name << ", " << spec.parameters.size()
              << " parameters)\n";
  }
  return 0;
}

int get_experiments_command(const GlobalOptions& global) {
  auto format = parse_output_format(global.output);
  auto store = open_read_only(global);
  Records r;
  r.columns = {"NAME",    "STATUS", "REASON", "ALGORITHM", "TRIALS",
               "RUNNING", "FAILED", "BEST",   "OBJECTIVE", "CREATED"};
  r.objects = json::array();
  for (const auto& record : store->list_experiments()) {
    auto l = load(*store, record.name);
    auto counts = engine::count_trials(l.trials);
    const auto* best = engine::optimal_trial(l.spec.objective, l.trials);
    std::string budget = l.spec.max_trial_count ? std::to_string(*l.spec.max_trial_count) : "-";
    r.rows.push_back({l.spec.name, status_word(l.status), l.status.completion_reason(),
                      l.spec.algorithm.algorithm_name,
                      std::to_string(counts.completed()) + "/" + budget,
                      std::to_string(counts.running), std::to_string(counts.failed_for_budget()),
                      best ? short_number(best->objective_text) : "", objective_label(l.spec),
                      engine::format_time_rfc3339(record.created_at)});
    r.objects.push_back(engine::katib_experiment_object(l.record.spec, l.spec, l.status, l.trials));
  }
  print_records(std::cout, r, format);
  return 0;
}

int get_experiment_command(const GlobalOptions& global, const std::string& name) {
  auto format = parse_output_format(global.output);
  auto store = open_read_only(global);
  auto l = load(*store, name);
  auto object = engine::katib_experiment_object(l.record.spec, l.spec, l.status, l.trials);
  if (format == OutputFormat::kJson || format == OutputFormat::kYaml) {
    print_document(std::cout, object, format);
    return 0;
  }
  Records r;
  r.columns = {"FIELD", "VALUE"};
  const auto& st = object["status"];
  auto counts = engine::count_trials(l.trials);
  r.rows = {{"name", l.spec.name},
            {"status", status_word(l.status)},
            {"reason", l.status.completion_reason()},
            {"algorithm", l.spec.algorithm.algorithm_name},
            {"objective", objective_label(l.spec)},
            {"trials", std::to_string(counts.total)},
            {"succeeded", std::to_string(counts.succeeded)},
            {"failed", std::to_string(counts.failed)},
            {"metricsUnavailable", std::to_string(counts.metrics_unavailable)},
            {"killed", std::to_string(counts.killed)},
            {"running", std::to_string(counts.running)},
            {"bestTrial", st["currentOptimalTrial"].value("bestTrialName", "")},
            {"spec", l.record.source_file}};
  r.objects = object;
  print_records(std::cout, r, format);
  return 0;
}

int get_trials_command(const GlobalOptions& global, const std::string& name) {
  auto format = parse_output_format(global.output);
  auto store = open_read_only(global);
  auto l = load(*store, name);
  Records r;
  r.columns = {"NAME", "STATE", l.spec.objective.objective_metric_name};
  for (const auto& p : l.spec.parameters.parameters) r.columns.push_back(p.name);
  r.columns.push_back("DURATION");
  r.columns.push_back("MESSAGE");
  r.objects = json::array();
  bool table = format == OutputFormat::kTable;
  for (const auto& t : l.trials) {
    std::vector<std::string> row = {t.name, engine::to_string(t.state),
                                    table ? short_number(t.objective_text) : t.objective_text};
    for (const auto& p : l.spec.parameters.parameters) {
      const std::string* v = engine::find_value(t.assignment, p.name);
      row.push_back(v ? (table ? short_number(*v) : *v) : "");
    }
    double end = t.completed_at > 0 ? t.completed_at : (t.started_at > 0 ? engine::unix_now() : 0);
    row.push_back(t.started_at > 0 ? human_duration(end - t.started_at) : "");
    bool quiet =
        t.state == engine::TrialState::kSucceeded || t.state == engine::TrialState::kRunning;
    row.push_back(quiet ? "" : (table ? truncate(t.message, 80) : t.message));
    r.rows.push_back(std::move(row));
    r.objects.push_back(engine::katib_trial_object(l.spec, t));
  }
  print_records(std::cout, r, format);
  return 0;
}

int get_events_command(const GlobalOptions& global, const std::string& name) {
  auto format = parse_output_format(global.output);
  auto store = open_read_only(global);
  load(*store, name);  // a clear "not found" for an unknown experiment
  Records r;
  r.columns = {"TIME", "TRIAL", "TYPE", "MESSAGE"};
  r.objects = json::array();
  bool table = format == OutputFormat::kTable;
  for (const auto& e : store->events(name)) {
    std::string time = engine::format_time_rfc3339(e.time);
    r.rows.push_back({time, e.trial, e.type, table ? truncate(e.message, 100) : e.message});
    r.objects.push_back({{"id", e.id},
                         {"time", time},
                         {"trial", e.trial},
                         {"type", e.type},
                         {"message", e.message}});
  }
  print_records(std::cout, r, format);
  return 0;
}

int best_command(const GlobalOptions& global, const std::string& name) {
  auto format = parse_output_format(global.output);
  auto store = open_read_only(global);
  auto l = load(*store, name);
  const auto* best = engine::optimal_trial(l.spec.objective, l.trials);
  if (!best)
    throw Error(ErrorCode::kNotFound, "experiment \"" + name +
                                          "\" has no trial with the objective \"" +
                                          l.spec.objective.objective_metric_name + "\" yet");
  Records r;
  r.columns = {"NAME", "VALUE"};
  r.rows.push_back({"trial", best->name});
  for (const auto& m : best->observation) {
    std::string v = engine::strategy_value(l.spec.objective, best->observation, m.name);
    r.rows.push_back({m.name, v.empty() ? engine::kUnavailable : v});
  }
  for (const auto& a : best->assignment) r.rows.push_back({a.name, a.value});
  // The same object as status.currentOptimalTrial of `get experiment -o json`.
  r.objects = engine::katib_experiment_object(l.record.spec, l.spec, l.status,
                                              l.trials)["status"]["currentOptimalTrial"];
  print_records(std::cout, r, format);
  return 0;
}

int logs_command(const GlobalOptions& global, const std::string& trial_name) {
  auto store = open_read_only(global);
  auto trial = store->find_trial(trial_name);
  if (!trial)
    throw Error(ErrorCode::kNotFound,
                "trial \"" + trial_name + "\" not found in " + store->path().string());
  auto record = store->find_experiment(trial->experiment);
  auto path =
      std::filesystem::path(record->runs_dir) / trial->experiment / trial->name / "trial.log";
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw Error(ErrorCode::kNotFound,
                "trial \"" + trial_name + "\" has no log at " + path.string() +
                    (trial->state == engine::TrialState::kCreated ? " (not started yet)" : ""));
  std::cout << in.rdbuf();
  return 0;
}

}  // namespace sextant::cli
