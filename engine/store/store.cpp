// SQLite store implementation (SQLiteCpp). SQLite exceptions are turned into sextant::Error here.
#include "engine/store/store.hpp"
#include "engine/store/sqlite_errors.hpp"
#include "engine/util/clock.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include "engine/error.hpp"

namespace sextant::engine {
namespace {

using nlohmann::json;

// Version 1: the initial schema. Later migrations append to kMigrations; never edit old ones.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE experiments (
  name        TEXT PRIMARY KEY,
  spec        TEXT NOT NULL,
  status      TEXT NOT NULL,
  source_file TEXT NOT NULL DEFAULT '',
  code_dir    TEXT NOT NULL DEFAULT '',
  runs_dir    TEXT NOT NULL DEFAULT '',
  created_at  REAL NOT NULL,
  updated_at  REAL NOT NULL
);
CREATE TABLE trials (
  name           TEXT PRIMARY KEY,
  experiment     TEXT NOT NULL REFERENCES experiments(name) ON DELETE CASCADE,
  sequence       INTEGER NOT NULL,
  assignment     TEXT NOT NULL,
  labels         TEXT NOT NULL DEFAULT '{}',
  state          TEXT NOT NULL,
  reason         TEXT NOT NULL DEFAULT '',
  message        TEXT NOT NULL DEFAULT '',
  observation    TEXT NOT NULL DEFAULT '[]',
  objective      REAL,
  objective_text TEXT NOT NULL DEFAULT '',
  created_at     REAL NOT NULL DEFAULT 0,
  started_at     REAL NOT NULL DEFAULT 0,
  completed_at   REAL NOT NULL DEFAULT 0,
  runner_handle  TEXT NOT NULL DEFAULT '',
  report_token   TEXT NOT NULL DEFAULT '',
  UNIQUE (experiment, sequence)
);
CREATE INDEX trials_by_experiment_state ON trials(experiment, state);
CREATE TABLE observations (
  trial  TEXT NOT NULL,
  metric TEXT NOT NULL,
  step   INTEGER NOT NULL,
  value  TEXT NOT NULL,
  time   REAL NOT NULL,
  PRIMARY KEY (trial, metric, step)
) WITHOUT ROWID;
CREATE TABLE events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  experiment TEXT NOT NULL,
  trial      TEXT NOT NULL DEFAULT '',
  time       REAL NOT NULL,
  type       TEXT NOT NULL,
  message    TEXT NOT NULL
);
CREATE INDEX events_by_experiment ON events(experiment, id);
CREATE TABLE algorithm_state (
  experiment TEXT PRIMARY KEY REFERENCES experiments(name) ON DELETE CASCADE,
  state      TEXT NOT NULL,
  updated_at REAL NOT NULL
);
)sql",
    // Version 2: where each trial's model is (trials.artifact), and the model registry
    // (serving/registry): models, their versions with stage, and the promotion history.
    R"sql(
ALTER TABLE trials ADD COLUMN artifact TEXT NOT NULL DEFAULT '';
CREATE TABLE models (
  name       TEXT PRIMARY KEY,
  created_at REAL NOT NULL
);
CREATE TABLE model_versions (
  model      TEXT NOT NULL REFERENCES models(name) ON DELETE CASCADE,
  version    INTEGER NOT NULL,
  experiment TEXT NOT NULL,
  trial      TEXT NOT NULL,
  artifact   TEXT NOT NULL,
  format     TEXT NOT NULL,
  metrics    TEXT NOT NULL DEFAULT '{}',
  stage      TEXT NOT NULL CHECK (stage IN ('staging', 'production', 'archived')),
  target     TEXT NOT NULL DEFAULT '',
  location   TEXT NOT NULL DEFAULT '',
  created_by TEXT NOT NULL DEFAULT '',
  created_at REAL NOT NULL,
  updated_at REAL NOT NULL,
  PRIMARY KEY (model, version)
);
CREATE INDEX model_versions_by_stage ON model_versions(model, stage);
CREATE TABLE promotions (
  id      INTEGER PRIMARY KEY AUTOINCREMENT,
  model   TEXT NOT NULL,
  version INTEGER NOT NULL,
  target  TEXT NOT NULL,
  action  TEXT NOT NULL,
  result  TEXT NOT NULL,
  message TEXT NOT NULL DEFAULT '',
  time    REAL NOT NULL
);
CREATE INDEX promotions_by_model ON promotions(model, id);
)sql",
    // Version 3: the best trial without a scan (optimal_trial_of: by objective, then sequence),
    // which the dashboard asks for on every live poll.
    R"sql(
CREATE INDEX trials_by_objective ON trials(experiment, objective, sequence);
)sql",
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);
static_assert(kMigrationCount == Store::kSchemaVersion);

json assignment_to_json(const Assignment& a) {
  json out = json::array();
  for (const auto& p : a) out.push_back({{"name", p.name}, {"value", p.value}});
  return out;
}

Assignment assignment_from_json(const json& j) {
  Assignment out;
  for (const auto& p : j) out.push_back({p.at("name").get<std::string>(), p.at("value").get<std::string>()});
  return out;
}

json observation_to_json(const std::vector<MetricSummary>& metrics) {
  json out = json::array();
  for (const auto& m : metrics)
    out.push_back({{"name", m.name}, {"min", m.min}, {"max", m.max}, {"latest", m.latest}});
  return out;
}

std::vector<MetricSummary> observation_from_json(const json& j) {
  std::vector<MetricSummary> out;
  for (const auto& m : j)
    out.push_back({m.at("name").get<std::string>(), m.at("min").get<std::string>(),
                   m.at("max").get<std::string>(), m.at("latest").get<std::string>()});
  return out;
}

constexpr const char* kTrialColumns =
    "name, experiment, sequence, assignment, labels, state, reason, message, observation, "
    "objective, objective_text, created_at, started_at, completed_at, runner_handle, report_token, "
    "artifact";

Trial trial_from_row(SQLite::Statement& q) {
  Trial t;
  t.name = q.getColumn(0).getString();
  t.experiment = q.getColumn(1).getString();
  t.sequence = q.getColumn(2).getInt64();
  t.assignment = assignment_from_json(json::parse(q.getColumn(3).getString()));
  t.labels = json::parse(q.getColumn(4).getString()).get<std::map<std::string, std::string>>();
  if (!parse_trial_state(q.getColumn(5).getString(), t.state))
    throw Error(ErrorCode::kInternal, "trial " + t.name + " has an unknown state in the store");
  t.reason = q.getColumn(6).getString();
  t.message = q.getColumn(7).getString();
  t.observation = observation_from_json(json::parse(q.getColumn(8).getString()));
  if (!q.getColumn(9).isNull()) t.objective = q.getColumn(9).getDouble();
  t.objective_text = q.getColumn(10).getString();
  t.created_at = q.getColumn(11).getDouble();
  t.started_at = q.getColumn(12).getDouble();
  t.completed_at = q.getColumn(13).getDouble();
  t.runner_handle = q.getColumn(14).getString();
  t.report_token = q.getColumn(15).getString();
  t.artifact = q.getColumn(16).getString();
  return t;
}

ExperimentRecord experiment_from_row(SQLite::Statement& q) {
  ExperimentRecord r;
  r.name = q.getColumn(0).getString();
  r.spec = json::parse(q.getColumn(1).getString());
  r.status = json::parse(q.getColumn(2).getString());
  r.source_file = q.getColumn(3).getString();
  r.code_dir = q.getColumn(4).getString();
  r.runs_dir = q.getColumn(5).getString();
  r.created_at = q.getColumn(6).getDouble();
  r.updated_at = q.getColumn(7).getDouble();
  return r;
}

// Takes an exclusive flock on the database file itself. flock locks are independent of the
// POSIX record locks SQLite uses, and the kernel drops them when the process dies, so a
// killed engine never leaves a stale lock behind.
int take_lock(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw Error(ErrorCode::kInternal, "cannot open " + path.string() + " to lock it");
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw Error(ErrorCode::kConflict,
                "another sextant engine is already running on " + path.string() +
                    "; wait for it to finish, or use a different --db");
  }
  return fd;
}

// Cached statements are reused; this puts one back in its initial state whatever happens.
struct StatementReset {
  SQLite::Statement& q;
  ~StatementReset() {
    try {
      q.reset();
      q.clearBindings();
    } catch (...) {
    }
  }
};

}  // namespace

std::filesystem::path resolve_db_path(const std::string& flag_value) {
  if (!flag_value.empty()) return flag_value;
  if (const char* env = std::getenv("SEXTANT_DB"); env && *env) return env;
  return "sextant.db";
}

std::unique_ptr<Store> Store::open(const std::filesystem::path& path, Mode mode,
                                   bool take_engine_lock) {
  if (mode == Mode::kReadOnly && !std::filesystem::exists(path))
    throw Error(ErrorCode::kNotFound,
                "no database at " + path.string() + " (run an experiment first, or pass --db)");
  std::unique_ptr<SQLite::Database> db;
  try {
    int flags = mode == Mode::kReadOnly ? SQLite::OPEN_READONLY
                                        : (SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE);
    db = std::make_unique<SQLite::Database>(path, flags, 5000);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kUnavailable, "cannot open database " + path.string() + ": " + e.what());
  }
  int lock_fd = -1;
  if (mode == Mode::kReadWrite && take_engine_lock) lock_fd = take_lock(path);
  std::unique_ptr<Store> store(new Store(path, std::move(db), lock_fd));
  guarded("opening " + path.string(), [&] {
    if (mode == Mode::kReadWrite) {
      store->db_->exec("PRAGMA journal_mode=WAL");
      // NORMAL is durable against a killed process in WAL mode (only power loss can drop the
      // last commits), and keeps a commit far below a millisecond.
      store->db_->exec("PRAGMA synchronous=NORMAL");
      store->db_->exec("PRAGMA foreign_keys=ON");
      store->migrate();
    }
    int version = store->schema_version();
    if (version > kSchemaVersion)
      throw Error(ErrorCode::kConflict, path.string() + " has schema version " +
                                            std::to_string(version) + ", newer than this sextant (" +
                                            std::to_string(kSchemaVersion) + "); upgrade sextant");
  });
  return store;
}

Store::Store(std::filesystem::path path, std::unique_ptr<SQLite::Database> db, int lock_fd)
    : path_(std::move(path)), db_(std::move(db)), lock_fd_(lock_fd) {}

Store::~Store() {
  statements_.clear();
  db_.reset();  // close SQLite before dropping our descriptor of the same file
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

SQLite::Statement& Store::statement(const std::string& sql) const {
  // Preparing costs more than running most of these statements; keep each one prepared.
  auto& slot = statements_[sql];
  if (!slot) slot = std::make_unique<SQLite::Statement>(*db_, sql);
  return *slot;
}

int Store::schema_version() const {
  return guarded("reading schema version", [&] {
    return db_->execAndGet("PRAGMA user_version").getInt();
  });
}

void Store::migrate() {
  int version = schema_version();
  for (int v = version; v < kMigrationCount && v < kSchemaVersion; ++v) {
    SQLite::Transaction tx(*db_);
    db_->exec(kMigrations[v]);
    db_->exec("PRAGMA user_version = " + std::to_string(v + 1));
    tx.commit();
  }
}

void Store::begin() {
  if (transaction_depth_++ == 0) guarded("begin", [&] { db_->exec("BEGIN IMMEDIATE"); });
}

void Store::commit() {
  if (--transaction_depth_ == 0) guarded("commit", [&] { db_->exec("COMMIT"); });
}

void Store::rollback() {
  if (--transaction_depth_ == 0) {
    try {
      db_->exec("ROLLBACK");
    } catch (...) {
      // The original exception is more useful than a failed rollback.
    }
  }
}

void Store::insert_experiment(const ExperimentRecord& r) {
  guarded("storing experiment " + r.name, [&] {
    auto& q = statement("INSERT INTO experiments (name, spec, status, source_file, code_dir, "
                        "runs_dir, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?)");
    StatementReset reset_q(q);
    q.bind(1, r.name);
    q.bind(2, r.spec.dump());
    q.bind(3, r.status.dump());
    q.bind(4, r.source_file);
    q.bind(5, r.code_dir);
    q.bind(6, r.runs_dir);
    q.bind(7, r.created_at);
    q.bind(8, r.updated_at);
    q.exec();
  });
}

void Store::update_experiment_spec(const std::string& name, const json& spec) {
  guarded("updating experiment " + name, [&] {
    auto& q = statement("UPDATE experiments SET spec=?, updated_at=? WHERE name=?");
    StatementReset reset_q(q);
    q.bind(1, spec.dump());
    q.bind(2, unix_now());
    q.bind(3, name);
    if (q.exec() == 0) throw Error(ErrorCode::kNotFound, "experiment " + name + " not found");
  });
}

void Store::update_experiment_status(const std::string& name, const json& status) {
  guarded("updating experiment " + name, [&] {
    auto& q = statement("UPDATE experiments SET status=?, updated_at=? WHERE name=?");
    StatementReset reset_q(q);
    q.bind(1, status.dump());
    q.bind(2, unix_now());
    q.bind(3, name);
    if (q.exec() == 0) throw Error(ErrorCode::kNotFound, "experiment " + name + " not found");
  });
}

std::optional<ExperimentRecord> Store::find_experiment(const std::string& name) const {
  return guarded("reading experiment " + name, [&]() -> std::optional<ExperimentRecord> {
    auto& q = statement("SELECT name, spec, status, source_file, code_dir, runs_dir, created_at, updated_at "
                        "FROM experiments WHERE name=?");
    StatementReset reset_q(q);
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return experiment_from_row(q);
  });
}

std::vector<ExperimentRecord> Store::list_experiments() const {
  return guarded("listing experiments", [&] {
    auto& q = statement("SELECT name, spec, status, source_file, code_dir, runs_dir, created_at, updated_at "
                        "FROM experiments ORDER BY created_at, name");
    StatementReset reset_q(q);
    std::vector<ExperimentRecord> out;
    while (q.executeStep()) out.push_back(experiment_from_row(q));
    return out;
  });
}

namespace {
void bind_trial_mutable(SQLite::Statement& q, const Trial& t, int first) {
  q.bind(first + 0, to_string(t.state));
  q.bind(first + 1, t.reason);
  q.bind(first + 2, t.message);
  q.bind(first + 3, observation_to_json(t.observation).dump());
  if (t.objective)
    q.bind(first + 4, *t.objective);
  else
    q.bind(first + 4);
  q.bind(first + 5, t.objective_text);
  q.bind(first + 6, t.started_at);
  q.bind(first + 7, t.completed_at);
  q.bind(first + 8, t.runner_handle);
  q.bind(first + 9, t.artifact);
}
}  // namespace

void Store::insert_trial(const Trial& t) {
  guarded("storing trial " + t.name, [&] {
    auto& q = statement("INSERT INTO trials (state, reason, message, observation, objective, "
                        "objective_text, started_at, completed_at, runner_handle, artifact, "
                        "name, experiment, sequence, assignment, labels, created_at, report_token) "
                        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    StatementReset reset_q(q);
    bind_trial_mutable(q, t, 1);
    q.bind(11, t.name);
    q.bind(12, t.experiment);
    q.bind(13, static_cast<int64_t>(t.sequence));
    q.bind(14, assignment_to_json(t.assignment).dump());
    q.bind(15, json(t.labels).dump());
    q.bind(16, t.created_at);
    q.bind(17, t.report_token);
    q.exec();
  });
}

void Store::update_trial(const Trial& t) {
  guarded("updating trial " + t.name, [&] {
    auto& q = statement("UPDATE trials SET state=?, reason=?, message=?, observation=?, "
                        "objective=?, objective_text=?, started_at=?, completed_at=?, "
                        "runner_handle=?, artifact=? WHERE name=?");
    StatementReset reset_q(q);
    bind_trial_mutable(q, t, 1);
    q.bind(11, t.name);
    if (q.exec() == 0) throw Error(ErrorCode::kNotFound, "trial " + t.name + " not found");
  });
}

std::optional<Trial> Store::find_trial(const std::string& name) const {
  return guarded("reading trial " + name, [&]() -> std::optional<Trial> {
    auto& q = statement(std::string("SELECT ") + kTrialColumns + " FROM trials WHERE name=?");
    StatementReset reset_q(q);
    q.bind(1, name);
    if (!q.executeStep()) return std::nullopt;
    return trial_from_row(q);
  });
}

std::vector<Trial> Store::list_trials(const std::string& experiment) const {
  return guarded("listing trials of " + experiment, [&] {
    auto& q = statement(std::string("SELECT ") + kTrialColumns +
                                  " FROM trials WHERE experiment=? ORDER BY sequence");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    std::vector<Trial> out;
    while (q.executeStep()) out.push_back(trial_from_row(q));
    return out;
  });
}

void Store::put_observations(const std::vector<ObservationPoint>& points) {
  if (points.empty()) return;
  guarded("storing observations", [&] {
    transaction([&] {
      auto& q = statement("INSERT INTO observations (trial, metric, step, value, time) "
                          "VALUES (?,?,?,?,?) ON CONFLICT (trial, metric, step) DO UPDATE SET "
                          "value=excluded.value, time=excluded.time");
      StatementReset reset_q(q);
      for (const auto& p : points) {
        q.bind(1, p.trial);
        q.bind(2, p.metric);
        q.bind(3, static_cast<int64_t>(p.step));
        q.bind(4, p.value);
        q.bind(5, p.time);
        q.exec();
        q.reset();
      }
    });
  });
}

namespace {
std::vector<ObservationPoint> read_points(SQLite::Statement& q) {
  std::vector<ObservationPoint> out;
  while (q.executeStep())
    out.push_back({q.getColumn(0).getString(), q.getColumn(1).getString(),
                   q.getColumn(2).getInt64(), q.getColumn(3).getString(),
                   q.getColumn(4).getDouble()});
  return out;
}
}  // namespace

std::vector<ObservationPoint> Store::observations(const std::string& trial) const {
  return guarded("reading observations of " + trial, [&] {
    auto& q = statement("SELECT trial, metric, step, value, time FROM observations WHERE trial=? "
                        "ORDER BY metric, step");
    StatementReset reset_q(q);
    q.bind(1, trial);
    return read_points(q);
  });
}

std::vector<ObservationPoint> Store::observations_of_experiment(const std::string& experiment) const {
  return guarded("reading observations of " + experiment, [&] {
    auto& q = statement("SELECT o.trial, o.metric, o.step, o.value, o.time FROM observations o "
                        "JOIN trials t ON t.name = o.trial WHERE t.experiment=? "
                        "ORDER BY t.sequence, o.metric, o.step");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    return read_points(q);
  });
}

void Store::delete_observations(const std::string& trial) {
  guarded("deleting observations of " + trial, [&] {
    auto& q = statement("DELETE FROM observations WHERE trial=?");
    StatementReset reset_q(q);
    q.bind(1, trial);
    q.exec();
  });
}

void Store::add_event(const std::string& experiment, const std::string& trial,
                      const std::string& type, const std::string& message) {
  guarded("storing event", [&] {
    auto& q = statement("INSERT INTO events (experiment, trial, time, type, message) "
                        "VALUES (?,?,?,?,?)");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    q.bind(2, trial);
    q.bind(3, unix_now());
    q.bind(4, type);
    q.bind(5, message);
    q.exec();
  });
}

std::vector<EventRecord> Store::events(const std::string& experiment, int64_t after_id) const {
  return guarded("reading events", [&] {
    auto& q = statement("SELECT id, experiment, trial, time, type, message FROM events "
                        "WHERE experiment=? AND id>? ORDER BY id");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    q.bind(2, static_cast<int64_t>(after_id));
    std::vector<EventRecord> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                     q.getColumn(2).getString(), q.getColumn(3).getDouble(),
                     q.getColumn(4).getString(), q.getColumn(5).getString()});
    return out;
  });
}

std::vector<Trial> Store::list_trials_after(const std::string& experiment, int64_t after_sequence,
                                            int64_t limit) const {
  return guarded("listing trials of " + experiment, [&] {
    auto& q = statement(std::string("SELECT ") + kTrialColumns +
                        " FROM trials WHERE experiment=? AND sequence>? ORDER BY sequence LIMIT ?");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    q.bind(2, static_cast<int64_t>(after_sequence));
    q.bind(3, static_cast<int64_t>(limit > 0 ? limit : -1));  // SQLite: LIMIT -1 is no limit
    std::vector<Trial> out;
    while (q.executeStep()) out.push_back(trial_from_row(q));
    return out;
  });
}

std::optional<Trial> Store::optimal_trial_of(const std::string& experiment, bool maximize) const {
  return guarded("finding the best trial of " + experiment, [&]() -> std::optional<Trial> {
    const std::string from = std::string("SELECT ") + kTrialColumns +
                             " FROM trials WHERE experiment=? AND state IN ('Succeeded', "
                             "'EarlyStopped') AND objective_text<>'' ";
    // Katib: a value that is not a number wins (the last such); otherwise the best number, the
    // earlier trial on a tie.
    for (const std::string& rest :
         {std::string("AND objective IS NULL ORDER BY sequence DESC LIMIT 1"),
          std::string("AND objective IS NOT NULL ORDER BY objective ") +
              (maximize ? "DESC" : "ASC") + ", sequence LIMIT 1"}) {
      auto& q = statement(from + rest);
      StatementReset reset_q(q);
      q.bind(1, experiment);
      if (q.executeStep()) return trial_from_row(q);
    }
    return std::nullopt;
  });
}

std::map<std::string, int64_t> Store::trial_state_counts(const std::string& experiment) const {
  return guarded("counting trials of " + experiment, [&] {
    auto& q = statement("SELECT state, COUNT(*) FROM trials WHERE experiment=? GROUP BY state");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    std::map<std::string, int64_t> out;
    while (q.executeStep()) out[q.getColumn(0).getString()] = q.getColumn(1).getInt64();
    return out;
  });
}

std::vector<Store::TrialRow> Store::trial_rows_after(const std::string& experiment,
                                                     int64_t after_sequence, int64_t limit) const {
  return guarded("listing trials of " + experiment, [&] {
    auto& q = statement(
        "SELECT sequence, name, state, message, objective, objective_text, assignment, "
        "created_at, started_at, completed_at FROM trials WHERE experiment=? AND sequence>? "
        "ORDER BY sequence LIMIT ?");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    q.bind(2, static_cast<int64_t>(after_sequence));
    q.bind(3, static_cast<int64_t>(limit > 0 ? limit : -1));
    std::vector<TrialRow> out;
    while (q.executeStep()) {
      TrialRow r;
      r.sequence = q.getColumn(0).getInt64();
      r.name = q.getColumn(1).getString();
      r.state = q.getColumn(2).getString();
      r.message = q.getColumn(3).getString();
      if (!q.getColumn(4).isNull()) r.objective = q.getColumn(4).getDouble();
      r.objective_text = q.getColumn(5).getString();
      r.assignment_json = q.getColumn(6).getString();
      r.created_at = q.getColumn(7).getDouble();
      r.started_at = q.getColumn(8).getDouble();
      r.completed_at = q.getColumn(9).getDouble();
      out.push_back(std::move(r));
    }
    return out;
  });
}

void Store::scan_observations_between(const std::string& experiment, int64_t after_sequence,
                                      int64_t through_sequence, const std::string& metric,
                                      const std::function<void(const ObservationRow&)>& fn) const {
  guarded("reading observations of " + experiment, [&] {
    // The (experiment, sequence) index picks the trials; the observations' primary key
    // (trial, metric, step) then gives each trial's points in order.
    auto& q = statement(
        "SELECT t.sequence, o.trial, o.metric, o.step, o.value FROM trials t "
        "JOIN observations o ON o.trial = t.name WHERE t.experiment=? AND t.sequence>? AND "
        "t.sequence<=? AND (?='' OR o.metric=?) ORDER BY t.sequence, o.metric, o.step");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    q.bind(2, static_cast<int64_t>(after_sequence));
    q.bind(3, static_cast<int64_t>(through_sequence));
    q.bind(4, metric);
    q.bind(5, metric);
    auto view = [&](int i) {
      auto column = q.getColumn(i);
      const char* text = column.getText();  // text first, then its size (SQLite's order)
      return std::string_view(text, static_cast<size_t>(column.getBytes()));
    };
    while (q.executeStep()) {
      ObservationRow row;
      row.sequence = q.getColumn(0).getInt64();
      row.trial = view(1);
      row.metric = view(2);
      row.step = q.getColumn(3).getInt64();
      row.value = view(4);
      fn(row);
    }
  });
}

std::vector<EventRecord> Store::trial_events(const std::string& experiment,
                                             const std::string& trial) const {
  return guarded("reading events of " + trial, [&] {
    auto& q = statement("SELECT id, experiment, trial, time, type, message FROM events "
                        "WHERE experiment=? AND trial=? ORDER BY id");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    q.bind(2, trial);
    std::vector<EventRecord> out;
    while (q.executeStep())
      out.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(),
                     q.getColumn(2).getString(), q.getColumn(3).getDouble(),
                     q.getColumn(4).getString(), q.getColumn(5).getString()});
    return out;
  });
}

bool Store::has_table(const std::string& table) const {
  return guarded("reading the schema", [&] {
    auto& q = statement("SELECT 1 FROM sqlite_master WHERE type='table' AND name=?");
    StatementReset reset_q(q);
    q.bind(1, table);
    return q.executeStep();
  });
}

std::vector<json> Store::select_rows(const std::string& sql) const {
  return guarded("reading " + sql, [&] {
    SQLite::Statement q(*db_, sql);
    std::vector<json> out;
    while (q.executeStep()) {
      json row = json::object();
      for (int i = 0; i < q.getColumnCount(); ++i) {
        auto column = q.getColumn(i);
        if (column.isNull())
          row[q.getColumnName(i)] = nullptr;
        else if (column.isInteger())
          row[q.getColumnName(i)] = column.getInt64();
        else if (column.isFloat())
          row[q.getColumnName(i)] = column.getDouble();
        else
          row[q.getColumnName(i)] = column.getString();
      }
      out.push_back(std::move(row));
    }
    return out;
  });
}

void Store::put_algorithm_state(const std::string& experiment, const std::string& state) {
  guarded("storing algorithm state", [&] {
    auto& q = statement("INSERT INTO algorithm_state (experiment, state, updated_at) VALUES (?,?,?) "
                        "ON CONFLICT (experiment) DO UPDATE SET state=excluded.state, "
                        "updated_at=excluded.updated_at");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    q.bind(2, state);
    q.bind(3, unix_now());
    q.exec();
  });
}

std::optional<std::string> Store::algorithm_state(const std::string& experiment) const {
  return guarded("reading algorithm state", [&]() -> std::optional<std::string> {
    auto& q = statement("SELECT state FROM algorithm_state WHERE experiment=?");
    StatementReset reset_q(q);
    q.bind(1, experiment);
    if (!q.executeStep()) return std::nullopt;
    return q.getColumn(0).getString();
  });
}

}  // namespace sextant::engine
