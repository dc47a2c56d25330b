// The SQLite store: experiments, trials, observations, events and algorithm state in one file.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/model/trial.hpp"

namespace SQLite {
class Database;
class Statement;
}

namespace sextant::engine {

struct ExperimentRecord {
  std::string name;
  nlohmann::json spec;    // the defaulted Katib Experiment document
  nlohmann::json status;  // Katib-shaped status (conditions, counters, currentOptimalTrial)
  std::string source_file;
  std::string code_dir;
  std::string runs_dir;  // where the trial directories are: <runs_dir>/<experiment>/<trial>
  double created_at = 0;
  double updated_at = 0;
};

struct EventRecord {
  int64_t id = 0;
  std::string experiment;
  std::string trial;
  double time = 0;
  std::string type;
  std::string message;
};

// Contract: one writer (the engine holding the lock), any number of readers. Writes are
// transactional; an observation is unique on (trial, metric, step), so a repeated report
// replaces the value and never adds a row. WAL mode and a busy timeout let readers (CLI,
// dashboard) work while an experiment runs.
class Store {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating and migrating in read-write mode) the database at `path`.
  // kReadWrite with take_engine_lock=true also takes the engine lock: a second engine on the
  // same file gets Error(kConflict) naming the holder.
  static std::unique_ptr<Store> open(const std::filesystem::path& path, Mode mode,
                                     bool take_engine_lock = false);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  static constexpr int kSchemaVersion = 3;
  int schema_version() const;
  const std::filesystem::path& path() const { return path_; }
  // The connection itself, for tables owned by another folder (serving/registry's model
  // registry). Use transaction() around its writes like any other.
  SQLite::Database& database() const { return *db_; }

  // Runs fn inside one transaction (commit on return, rollback on exception). Nested calls join
  // the outer transaction.
  template <typename Fn>
  void transaction(Fn&& fn) {
    begin();
    try {
      fn();
    } catch (...) {
      rollback();
      throw;
    }
    commit();
  }

  // Experiments
  void insert_experiment(const ExperimentRecord& record);
  void update_experiment_spec(const std::string& name, const nlohmann::json& spec);
  void update_experiment_status(const std::string& name, const nlohmann::json& status);
  std::optional<ExperimentRecord> find_experiment(const std::string& name) const;
  std::vector<ExperimentRecord> list_experiments() const;

  // Trials
  void insert_trial(const Trial& trial);
  void update_trial(const Trial& trial);  // state, reason, message, observation, objective, times, handle
  std::optional<Trial> find_trial(const std::string& name) const;
  std::vector<Trial> list_trials(const std::string& experiment) const;  // creation order

  // Observations (intermediate values)
  void put_observations(const std::vector<ObservationPoint>& points);
  std::vector<ObservationPoint> observations(const std::string& trial) const;  // by metric, step
  std::vector<ObservationPoint> observations_of_experiment(const std::string& experiment) const;
  void delete_observations(const std::string& trial);

  // Events (state changes, for `describe` and the dashboard)
  void add_event(const std::string& experiment, const std::string& trial, const std::string& type,
                 const std::string& message);
  std::vector<EventRecord> events(const std::string& experiment, int64_t after_id = 0) const;

  // Read-only queries for the dashboard's REST API (engine/api/rest_api), incremental by a
  // trial's sequence so that 50,000 trials load in pages and a live page fetches only the tail.
  // Trials with sequence > after_sequence, in order, at most `limit` (limit <= 0: all).
  std::vector<Trial> list_trials_after(const std::string& experiment, int64_t after_sequence,
                                       int64_t limit) const;
  // optimal_trial() (engine/controller/experiment_status.hpp) computed by SQLite: the same trial,
  // without reading every trial.
  std::optional<Trial> optimal_trial_of(const std::string& experiment, bool maximize) const;
  // Number of trials per state name ("Succeeded" -> 12), without reading the trials.
  std::map<std::string, int64_t> trial_state_counts(const std::string& experiment) const;
  // A trial as the dashboard's lists need it: no JSON parsed but the assignment's, left as text.
  struct TrialRow {
    int64_t sequence = 0;
    std::string name;
    std::string state;
    std::string message;
    std::optional<double> objective;
    std::string objective_text;
    std::string assignment_json;  // [{"name":..,"value":..}, ...] as stored
    double created_at = 0, started_at = 0, completed_at = 0;
  };
  // Trials with sequence > after_sequence, in order, at most `limit` (limit <= 0: all).
  std::vector<TrialRow> trial_rows_after(const std::string& experiment, int64_t after_sequence,
                                         int64_t limit) const;
  // One stored point; the views are valid during the callback only.
  struct ObservationRow {
    int64_t sequence = 0;  // the trial's
    std::string_view trial, metric, value;
    int64_t step = 0;
  };
  // Calls fn for the points of trials with after_sequence < sequence <= through_sequence, in
  // (sequence, metric, step) order; only `metric` unless it is "". No copies: 500,000 points
  // stream straight into the caller's output.
  void scan_observations_between(const std::string& experiment, int64_t after_sequence,
                                 int64_t through_sequence, const std::string& metric,
                                 const std::function<void(const ObservationRow&)>& fn) const;
  // The events of one trial, oldest first.
  std::vector<EventRecord> trial_events(const std::string& experiment,
                                        const std::string& trial) const;
  // True when the database has this table (the model registry's tables come with a migration
  // that older files may lack).
  bool has_table(const std::string& table) const;
  // Runs a read-only SELECT and returns each row as a JSON object keyed by column name (for
  // tables another folder owns, read without knowing their columns: the model registry).
  std::vector<nlohmann::json> select_rows(const std::string& sql) const;

  // Opaque algorithm state
  void put_algorithm_state(const std::string& experiment, const std::string& state);
  std::optional<std::string> algorithm_state(const std::string& experiment) const;

 private:
  Store(std::filesystem::path path, std::unique_ptr<SQLite::Database> db, int lock_fd);
  void migrate();
  void begin();
  void commit();
  void rollback();
  SQLite::Statement& statement(const std::string& sql) const;

  std::filesystem::path path_;
  std::unique_ptr<SQLite::Database> db_;
  int lock_fd_ = -1;
  int transaction_depth_ = 0;
  mutable std::unordered_map<std::string, std::unique_ptr<SQLite::Statement>> statements_;
};

// The database path: --db flag, else $SEXTANT_DB, else ./sextant.db.
std::filesystem::path resolve_db_path(const std::string& flag_value);


}  // namespace sextant::engine
