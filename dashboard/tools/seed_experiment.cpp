// Writes a database with one synthetic, deterministic experiment (any number of trials, with
// learning curves, early-stopped, failed and running trials, and events): the browser tests'
// fixture and the bench's 50,000-trial database. Prints what it wrote as JSON on stdout.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include <SQLiteCpp/SQLiteCpp.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "algorithms/builtin.hpp"
#include "engine/controller/experiment_status.hpp"
#include "engine/controller/metrics_summary.hpp"
#include "engine/controller/trial_names.hpp"
#include "engine/error.hpp"
#include "engine/spec/spec_loader.hpp"
#include "engine/store/store.hpp"
#include "engine/util/clock.hpp"

namespace {

using namespace sextant;
using nlohmann::json;

std::string spec_text(const std::string& name, int trials) {
  return "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: " + name +
         "\nspec:\n"
         "  objective:\n    type: minimize\n    objectiveMetricName: loss\n"
         "    additionalMetricNames: [accuracy]\n"
         "  algorithm:\n    algorithmName: random\n"
         "  earlyStopping:\n    algorithmName: medianstop\n"
         "  parallelTrialCount: 4\n  maxTrialCount: " +
         std::to_string(trials) +
         "\n  parameters:\n"
         "    - name: lr\n      parameterType: double\n"
         "      feasibleSpace: {min: \"0.0001\", max: \"0.1\", distribution: logUniform}\n"
         "    - name: layers\n      parameterType: int\n      feasibleSpace: {min: \"1\", max: "
         "\"8\"}\n"
         "    - name: dropout\n      parameterType: double\n      feasibleSpace: {min: \"0\", max: "
         "\"0.5\"}\n"
         "    - name: optimizer\n      parameterType: categorical\n"
         "      feasibleSpace: {list: [sgd, adam, rmsprop]}\n"
         "  trialTemplate:\n    primaryContainerName: training\n"
         "    trialParameters:\n"
         "      - {name: lr, reference: lr}\n      - {name: layers, reference: layers}\n"
         "      - {name: dropout, reference: dropout}\n      - {name: optimizer, reference: "
         "optimizer}\n"
         "    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n      spec:\n        "
         "template:\n"
         "          spec:\n            restartPolicy: Never\n            containers:\n"
         "              - name: training\n                image: python:3.11\n"
         "                command: [python3, train.py, \"--lr=${trialParameters.lr}\", "
         "\"--layers=${trialParameters.layers}\", \"--dropout=${trialParameters.dropout}\", "
         "\"--optimizer=${trialParameters.optimizer}\"]\n";
}

// A trial.log like a worker's output (small databases only: one file per trial).
void write_log(const std::string& runs_dir, const engine::Trial& t,
               const std::vector<engine::ObservationPoint>& points) {
  auto dir = std::filesystem::path(runs_dir) / t.experiment / t.name;
  std::filesystem::create_directories(dir);
  std::ofstream log(dir / "trial.log");
  log << "training with";
  for (const auto& a : t.assignment) log << ' ' << a.name << '=' << a.value;
  log << '\n';
  for (const auto& p : points)
    if (p.metric == "loss") log << "epoch " << p.step << ": loss=" << p.value << '\n';
  if (t.state == engine::TrialState::kFailed)
    log << "RuntimeError: CUDA out of memory (synthetic)\n";
}

// Two versions of `model` (an earlier trial archived, the best in production), written straight
// into the registry's tables (serving/ owns them; this is test data). Returns how many were
// written: 0 when the database has no registry or its columns differ.
int register_model(const std::string& db, const std::string& model, const std::string& experiment,
                   const engine::Store& store) {
  auto best = store.optimal_trial_of(experiment, false);
  auto first = store.list_trials_after(experiment, 0, 1);
  if (!best || first.empty()) return 0;
  try {
    SQLite::Database raw(db, SQLite::OPEN_READWRITE);
    if (!raw.tableExists("models") || !raw.tableExists("model_versions")) return 0;
    SQLite::Transaction tx(raw);
    double now = engine::unix_now();
    SQLite::Statement m(raw, "INSERT INTO models (name, created_at) VALUES (?, ?)");
    m.bind(1, model);
    m.bind(2, now - 600);
    m.exec();
    int version = 0;
    for (const auto* t : {&first.front(), &*best}) {
      ++version;
      SQLite::Statement v(
          raw,
          "INSERT INTO model_versions (model, version, experiment, trial, artifact, "
          "format, metrics, stage, target, created_at, updated_at) "
          "VALUES (?,?,?,?,?,?,?,?,?,?,?)");
      v.bind(1, model);
      v.bind(2, version);
      v.bind(3, experiment);
      v.bind(4, t->name);
      v.bind(5, "/models/" + model + "/" + std::to_string(version));
      v.bind(6, "sextant-mlp");
      v.bind(7, json{{"loss", t->objective.value_or(0)}}.dump());
      v.bind(8, version == 1 ? "archived" : "production");
      v.bind(9, "local");
      v.bind(10, now - 600 + version * 60);
      v.bind(11, now - 600 + version * 60);
      v.exec();
    }
    tx.commit();
    return version;
  } catch (const std::exception& e) {
    std::cerr << "warning: no model registered: " << e.what() << '\n';
    return 0;
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sextant-seed-dashboard: a synthetic experiment database for the dashboard"};
  std::string db;
  std::string name = "demo";
  int trials = 60;
  int steps = 10;
  int running = 2;
  uint64_t seed = 7;
  std::string model;
  app.add_option("--db", db, "database to create or add the experiment to")->required();
  app.add_option("--model", model,
                 "also register a model of this name with two versions (the best trial in "
                 "production), when the database has the model registry's tables");
  app.add_option("--name", name, "experiment name");
  app.add_option("--trials", trials, "number of trials")->check(CLI::Range(1, 10000000));
  app.add_option("--steps", steps, "intermediate values per finished trial")
      ->check(CLI::Range(1, 1000));
  app.add_option("--running", running, "trials left Running at the end (with partial curves)");
  app.add_option("--seed", seed, "random seed");
  CLI11_PARSE(app, argc, argv);

  try {
    engine::AlgorithmRegistry algorithms;
    engine::EarlyStopperRegistry early_stopping;
    algorithms::register_builtin_algorithms(algorithms);
    algorithms::register_builtin_early_stopping(early_stopping);
    auto spec = engine::parse_experiment(spec_text(name, trials), name + ".yaml", ".",
                                         {&algorithms, &early_stopping});
    auto store = engine::Store::open(db, engine::Store::Mode::kReadWrite);
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::normal_distribution<double> noise(0.0, 0.02);
    const char* optimizers[] = {"sgd", "adam", "rmsprop"};
    const double optimizer_bonus[] = {0.25, 0.0, 0.08};
    // Times end just before now (a fresh experiment, as a person would see one); the rest of
    // the file is the same for the same seed.
    double t0 = std::floor(engine::unix_now()) - trials * 2.0 - steps - 5;
    std::map<std::string, int> counts;
    int plotted = 0;                 // trials with an objective value, any state
    int stopped_with_objective = 0;  // EarlyStopped ones among them

    store->transaction([&] {
      engine::ExperimentRecord record;
      record.name = name;
      record.spec = spec.document;
      record.source_file = name + ".yaml";
      record.code_dir = ".";
      record.runs_dir =
          std::filesystem::absolute(std::filesystem::path(db).parent_path() / "seed-runs").string();
      record.created_at = t0;
      record.updated_at = t0;
      engine::ExperimentStatus status;
      status.start_time = t0;
      status.set_condition("Created", true, "ExperimentCreated", "Experiment is created", t0);
      status.set_condition("Running", true, "ExperimentRunning", "Experiment is running", t0);
      record.status = status.to_json();
      store->insert_experiment(record);
      store->add_event(name, "", "ExperimentCreated", "created from " + record.source_file);

      std::vector<engine::ObservationPoint> points;
      for (int i = 1; i <= trials; ++i) {
        engine::Trial t;
        t.experiment = name;
        t.sequence = i;
        t.name = engine::trial_name(name, i);
        double lr = std::pow(10.0, -4.0 + 3.0 * unit(rng));
        int layers = 1 + static_cast<int>(unit(rng) * 8) % 8;
        double dropout = 0.5 * unit(rng);
        int opt = static_cast<int>(unit(rng) * 3) % 3;
        t.assignment = {{"lr", engine::format_double(lr)},
                        {"layers", std::to_string(layers)},
                        {"dropout", engine::format_double(dropout)},
                        {"optimizer", optimizers[opt]}};
        // Loss: best near lr = 10^-2.5 and 4 layers; dropout matters little.
        double final_loss = 0.3 * std::pow(std::log10(lr) + 2.5, 2) +
                            0.02 * std::pow(layers - 4, 2) + 0.05 * dropout + optimizer_bonus[opt] +
                            0.1 + noise(rng);
        double draw = unit(rng);
        bool is_running = i > trials - running;
        t.created_at = t0 + i * 2.0;
        t.started_at = t.created_at + 0.5;
        int n_steps = steps;
        if (is_running) {
          t.state = engine::TrialState::kRunning;
          t.reason = "TrialRunning";
          t.message = "Trial is running";
          n_steps = std::max(1, steps / 2);
        } else if (draw < 0.04) {
          t.state = engine::TrialState::kFailed;
          t.reason = "TrialFailed";
          t.message = "process exited with status 1: CUDA out of memory (synthetic)";
          n_steps = 0;
        } else if (draw < 0.14 && i > 8) {
          t.state = engine::TrialState::kEarlyStopped;
          t.reason = "TrialEarlyStopped";
          t.message = "Trial is early stopped: loss at step 3 is worse than the median";
          n_steps = std::min(steps, 3);
        } else {
          t.state = engine::TrialState::kSucceeded;
          t.reason = "TrialSucceeded";
          t.message = "Trial has succeeded";
        }
        std::vector<engine::ObservationPoint> mine;
        for (int s = 1; s <= n_steps; ++s) {
          double loss = final_loss + 1.5 * std::exp(-0.45 * s) + std::abs(noise(rng)) * 0.5;
          double time = t.started_at + s;
          mine.push_back({t.name, "loss", s, engine::format_double(loss), time});
          mine.push_back({t.name, "accuracy", s, engine::format_double(1.0 / (1.0 + loss)), time});
        }
        t.observation = engine::summarize(spec.objective, mine);
        engine::derive_objective(spec.objective, t);
        if (!is_running) t.completed_at = t.started_at + std::max(n_steps, 1) + 0.25;
        t.report_token = "seed";
        store->insert_trial(t);
        if (trials <= 1000) write_log(record.runs_dir, t, mine);
        points.insert(points.end(), mine.begin(), mine.end());
        store->add_event(name, t.name, "Running", "Trial is running");
        if (!is_running) store->add_event(name, t.name, engine::to_string(t.state), t.message);
        ++counts[engine::to_string(t.state)];
        if (t.objective) {
          ++plotted;
          if (t.state == engine::TrialState::kEarlyStopped) ++stopped_with_objective;
        }
        if (points.size() > 100000) {
          store->put_observations(points);
          points.clear();
        }
      }
      store->put_observations(points);
      if (running == 0) {
        double end = t0 + trials * 2.0 + steps + 1;
        status.completion_time = end;
        engine::apply_completion(status, engine::Completion::kMaxTrials, end);
        store->update_experiment_status(name, status.to_json());
      }
    });
    int versions = model.empty() ? 0 : register_model(db, model, name, *store);
    json summary = {{"db", db},
                    {"modelVersions", versions},
                    {"experiment", name},
                    {"trials", trials},
                    {"states", counts},
                    {"plotted", plotted},
                    {"stoppedWithObjective", stopped_with_objective},
                    {"steps", steps}};
    std::cout << summary.dump() << '\n';
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << '\n';
    return 1;
  }
}
