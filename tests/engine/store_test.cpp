// Store: schema, WAL, idempotent observations, the engine lock, read-only readers.
#include <catch2/catch.hpp>

#include <filesystem>
#include <unistd.h>

#include "engine/error.hpp"
#include "engine/store/store.hpp"

using namespace sextant;
using namespace sextant::engine;

namespace {

struct TempDb {
  std::filesystem::path path;
  TempDb() {
    char tmpl[] = "/tmp/sextant-store-XXXXXX";
    path = std::filesystem::path(mkdtemp(tmpl)) / "s.db";
  }
  ~TempDb() { std::filesystem::remove_all(path.parent_path()); }
};

ExperimentRecord experiment(const std::string& name) {
  return {name, {{"spec", {{"parallelTrialCount", 3}}}}, {{"conditions", nlohmann::json::array()}}, "exp.yaml", "/code", "/runs", 1.0, 1.0};
}

Trial trial(const std::string& name, int64_t sequence) {
  Trial t;
  t.name = name;
  t.experiment = "exp";
  t.sequence = sequence;
  t.assignment = {{"lr", "0.1"}, {"opt", "adam"}};
  t.labels = {{"generation", "0"}};
  t.created_at = 2.0;
  t.report_token = "secret";
  return t;
}

}  // namespace

TEST_CASE("store creates the schema in WAL mode with a version", "[unit]") {
  TempDb db;
  auto store = Store::open(db.path, Store::Mode::kReadWrite);
  CHECK(store->schema_version() == Store::kSchemaVersion);
  auto again = Store::open(db.path, Store::Mode::kReadWrite);  // reopening migrates nothing
  CHECK(again->schema_version() == Store::kSchemaVersion);
  CHECK(std::filesystem::exists(db.path.string() + "-wal"));
}

TEST_CASE("trials round-trip with every field", "[unit]") {
  TempDb db;
  auto store = Store::open(db.path, Store::Mode::kReadWrite);
  store->insert_experiment(experiment("exp"));
  auto t = trial("exp-a", 1);
  store->insert_trial(t);
  t.state = TrialState::kSucceeded;
  t.reason = "TrialSucceeded";
  t.observation = {{"loss", "0.1", "0.5", "0.2"}};
  t.objective = 0.1;
  t.objective_text = "0.1";
  t.completed_at = 5.5;
  t.runner_handle = "pid:1";
  store->update_trial(t);
  auto back = store->find_trial("exp-a");
  REQUIRE(back);
  CHECK(back->assignment == t.assignment);
  CHECK(back->labels == t.labels);
  CHECK(back->state == TrialState::kSucceeded);
  CHECK(back->observation[0].max == "0.5");
  CHECK(back->objective == Approx(0.1));
  CHECK(back->report_token == "secret");
  CHECK(back->runner_handle == "pid:1");
  CHECK_THROWS_AS(store->insert_trial(trial("exp-b", 1)), Error);  // sequence is unique per experiment
}

TEST_CASE("a repeated observation replaces the value and never duplicates", "[unit]") {
  TempDb db;
  auto store = Store::open(db.path, Store::Mode::kReadWrite);
  store->insert_experiment(experiment("exp"));
  store->insert_trial(trial("exp-a", 1));
  store->put_observations({{"exp-a", "loss", 0, "0.9", 1}, {"exp-a", "loss", 1, "0.5", 2}});
  store->put_observations({{"exp-a", "loss", 1, "0.4", 3}});
  auto points = store->observations("exp-a");
  REQUIRE(points.size() == 2);
  CHECK(points[1].value == "0.4");
  CHECK(store->observations_of_experiment("exp").size() == 2);
}

TEST_CASE("a transaction that throws leaves nothing behind", "[unit]") {
  TempDb db;
  auto store = Store::open(db.path, Store::Mode::kReadWrite);
  store->insert_experiment(experiment("exp"));
  CHECK_THROWS(store->transaction([&] {
    store->insert_trial(trial("exp-a", 1));
    throw std::runtime_error("boom");
  }));
  CHECK(store->list_trials("exp").empty());
}

TEST_CASE("only one engine holds a database, readers are not blocked", "[unit]") {
  TempDb db;
  auto engine = Store::open(db.path, Store::Mode::kReadWrite, true);
  engine->insert_experiment(experiment("exp"));
  try {
    Store::open(db.path, Store::Mode::kReadWrite, true);
    FAIL("a second engine lock was granted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kConflict);
    CHECK_THAT(e.what(), Catch::Contains("another sextant engine"));
  }
  auto reader = Store::open(db.path, Store::Mode::kReadOnly);
  CHECK(reader->list_experiments().size() == 1);
  engine.reset();
  CHECK_NOTHROW(Store::open(db.path, Store::Mode::kReadWrite, true));  // released on close
}

TEST_CASE("read-only open of a missing database is not found", "[unit]") {
  try {
    Store::open("/nonexistent/dir/x.db", Store::Mode::kReadOnly);
    FAIL("opened a missing database");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
  }
}

TEST_CASE("algorithm state and events are kept per experiment", "[unit]") {
  TempDb db;
  auto store = Store::open(db.path, Store::Mode::kReadWrite);
  store->insert_experiment(experiment("exp"));
  CHECK_FALSE(store->algorithm_state("exp"));
  store->put_algorithm_state("exp", "seed=1");
  store->put_algorithm_state("exp", "seed=2");
  CHECK(*store->algorithm_state("exp") == "seed=2");
  store->add_event("exp", "", "Created", "hello");
  store->add_event("exp", "t", "Succeeded", "done");
  auto events = store->events("exp");
  REQUIRE(events.size() == 2);
  CHECK(store->events("exp", events[0].id).size() == 1);
}

TEST_CASE("database path: flag, then SEXTANT_DB, then ./sextant.db", "[unit]") {
  setenv("SEXTANT_DB", "/tmp/env.db", 1);
  CHECK(resolve_db_path("/tmp/flag.db") == "/tmp/flag.db");
  CHECK(resolve_db_path("") == "/tmp/env.db");
  unsetenv("SEXTANT_DB");
  CHECK(resolve_db_path("") == "sextant.db");
}
