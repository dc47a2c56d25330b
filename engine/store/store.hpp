// The SQLite store: experiments, trials, observations, events and algorithm state in one file.
#pragma once

#include <filesystem>
#include <memory>
#include <unordered_map>
#include <optional>
#include <string>
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

  static constexpr int kSchemaVersion = 1;
  int schema_version() const;
  const std::filesystem::path& path() const { return path_; }

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
