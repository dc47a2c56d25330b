// The model registry: version numbering, one production version, archive on promotion,
// rollback, the promotion history, and the migration that created its tables.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "engine/store/store.hpp"
#include "serving/registry/model_registry.hpp"
#include "tests/e2e/process.hpp"

using namespace sextant;
using namespace sextant::serving;
using sextant::testing::TempDir;

namespace {
ModelVersion version_of(const std::string& model, int64_t v, const std::string& trial) {
  ModelVersion out;
  out.model = model;
  out.version = v;
  out.experiment = "exp";
  out.trial = trial;
  out.artifact = "/runs/exp/" + trial + "/artifacts";
  out.format = "xgboost";
  out.metrics = {{"auc", "0.9" + std::to_string(v)}};
  out.target = "local";
  out.created_by = "tester";
  return out;
}
}  // namespace

TEST_CASE("registry: versions number from 1 and one of them is in production") {
  TempDir dir;
  auto store = engine::Store::open(dir / "r.db", engine::Store::Mode::kReadWrite);
  CHECK(store->schema_version() >= 2);  // the registry's tables came with version 2
  ModelRegistry registry(*store);
  CHECK(registry.models().empty());
  CHECK(registry.next_version("m") == 1);
  CHECK_FALSE(registry.production("m"));

  registry.add_production(version_of("m", 1, "t1"));
  registry.add_production(version_of("m", 2, "t2"));
  registry.add_production(version_of("other", 1, "t9"));
  CHECK(registry.models() == std::vector<std::string>{"m", "other"});
  CHECK(registry.next_version("m") == 3);
  auto production = registry.production("m");
  REQUIRE(production);
  CHECK(production->version == 2);
  CHECK(production->trial == "t2");
  CHECK(production->metrics["auc"] == "0.92");
  CHECK(production->created_by == "tester");
  CHECK(production->created_at > 0);
  auto versions = registry.versions("m");
  REQUIRE(versions.size() == 2);
  CHECK(versions[0].version == 2);  // newest first
  CHECK(versions[1].stage == Stage::kArchived);
  auto all = registry.production_versions();
  REQUIRE(all.size() == 2);
  CHECK(all[0].model == "m");
  CHECK(all[1].model == "other");

  CHECK_THROWS_AS(registry.add_production(version_of("m", 2, "again")),
                  Error);  // numbers are not reused
  CHECK(registry.production("m")->trial == "t2");
}

TEST_CASE("registry: rollback makes an older version production and archives the current one") {
  TempDir dir;
  auto store = engine::Store::open(dir / "r.db", engine::Store::Mode::kReadWrite);
  ModelRegistry registry(*store);
  registry.add_production(version_of("m", 1, "t1"));
  registry.add_production(version_of("m", 2, "t2"));
  registry.make_production("m", 1);
  CHECK(registry.production("m")->version == 1);
  CHECK(registry.find("m", 2)->stage == Stage::kArchived);
  CHECK_THROWS_WITH(registry.make_production("m", 7), Catch::Contains("no version 7"));
  CHECK(registry.production("m")->version == 1);
}

TEST_CASE("registry: the promotion history keeps failed attempts, oldest first") {
  TempDir dir;
  auto store = engine::Store::open(dir / "r.db", engine::Store::Mode::kReadWrite);
  ModelRegistry registry(*store);
  registry.record({0, "m", 1, "local", "promote", "succeeded", "ok", 0});
  registry.record({0, "m", 2, "kserve", "promote", "failed", "unreachable", 0});
  auto history = registry.history("m");
  REQUIRE(history.size() == 2);
  CHECK(history[0].result == "succeeded");
  CHECK(history[1].target == "kserve");
  CHECK(history[1].message == "unreachable");
  CHECK(history[1].time > 0);
  CHECK(registry.history("x").empty());
  CHECK(registry.models().empty());  // a record is not a model
}

TEST_CASE("registry: readers work on a read-only store, trials keep their artifact") {
  TempDir dir;
  {
    auto store = engine::Store::open(dir / "r.db", engine::Store::Mode::kReadWrite);
    ModelRegistry(*store).add_production(version_of("m", 1, "t1"));
    engine::ExperimentRecord e;
    e.name = "exp";
    e.spec = nlohmann::json::object();
    e.status = nlohmann::json::object();
    store->insert_experiment(e);
    engine::Trial t;
    t.name = "exp-abc";
    t.experiment = "exp";
    t.sequence = 1;
    t.artifact = "s3://bucket/exp/exp-abc";
    store->insert_trial(t);
    t.artifact = "s3://bucket/exp/exp-abc/v2";
    store->update_trial(t);
  }
  auto reader = engine::Store::open(dir / "r.db", engine::Store::Mode::kReadOnly);
  CHECK(ModelRegistry(*reader).production("m")->version == 1);
  CHECK(reader->find_trial("exp-abc")->artifact == "s3://bucket/exp/exp-abc/v2");
}
