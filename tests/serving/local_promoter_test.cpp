// The local promoter against an in-process server: copy, verify, load, swap; a corrupt artifact
// and an unreachable server fail without touching what is served; the plan changes nothing.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "serving/promote/dry_run_promoter.hpp"
#include "serving/promote/local_promoter.hpp"
#include "tests/serving/server_fixture.hpp"

using namespace sextant;
using namespace sextant::serving;
using namespace sextant::testing;
using nlohmann::json;

namespace {

engine::PromoterSettings settings_for(const ServerFixture& s, bool required = true) {
  engine::PromoterSettings settings;
  settings.models_dir = s.dir / "models";
  settings.server_url = s.url();
  settings.server_required = required;
  settings.timeout = std::chrono::milliseconds(5000);
  return settings;
}

int served_version(const ServerFixture& s) {
  auto reply = s.client().request("GET", "/v2/models/m");
  if (reply.status != 200) return 0;
  return std::stoi(body_of(reply)["versions"][0].get<std::string>());
}

// A free loopback port: bound, then released (nothing listens there afterwards).
uint16_t unused_port() {
  engine::HttpServer probe("127.0.0.1", 0,
                           [](const engine::HttpRequest&) { return engine::HttpResponse{}; });
  auto port = probe.port();
  probe.stop();
  return port;
}

}  // namespace

TEST_CASE("local promoter: copies, verifies and swaps each new version in") {
  ServerFixture s;
  write_json(s.dir / "trial-1" / "sextant-mlp.json", constant_mlp(1));
  train_xgboost(s.dir / "trial-2" / "model.json");
  LocalPromoter promoter(settings_for(s));
  auto first = promoter.promote({"m", 1, (s.dir / "trial-1").string(), "sextant-mlp", 0, 0, ""});
  CHECK(first.location == s.version_dir("m", 1).string());
  CHECK(std::filesystem::exists(s.version_dir("m", 1) / "sextant-mlp.json"));
  CHECK(served_version(s) == 1);
  promoter.promote({"m", 2, "file://" + (s.dir / "trial-2").string(), "xgboost", 0, 1, ""});
  CHECK(served_version(s) == 2);
  CHECK(body_of(s.client().request("GET", "/v2/models/m"))["platform"] == "xgboost_json");
  // Rollback reloads version 1 from the repository.
  promoter.rollback({"m", 1, (s.dir / "trial-1").string(), "sextant-mlp", 0, 2, ""});
  CHECK(served_version(s) == 1);
}

TEST_CASE("local promoter: a corrupt artifact is refused and production keeps serving") {
  ServerFixture s;
  write_json(s.dir / "good" / "sextant-mlp.json", constant_mlp(1));
  std::filesystem::create_directories(s.dir / "bad");
  std::ofstream(s.dir / "bad" / "model.ubj") << "not a booster";
  LocalPromoter promoter(settings_for(s));
  promoter.promote({"m", 1, (s.dir / "good").string(), "sextant-mlp", 0, 0, ""});
  try {
    promoter.promote({"m", 2, (s.dir / "bad").string(), "xgboost", 0, 1, ""});
    FAIL("a corrupt artifact was promoted");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("refused version 2 of m"));
  }
  CHECK_FALSE(std::filesystem::exists(s.version_dir("m", 2)));
  CHECK(served_version(s) == 1);
}

TEST_CASE("local promoter: a required server that does not answer fails before any copy") {
  ServerFixture s;
  write_json(s.dir / "good" / "sextant-mlp.json", constant_mlp(1));
  auto settings = settings_for(s);
  settings.server_url = "http://127.0.0.1:" + std::to_string(unused_port());
  LocalPromoter promoter(settings);
  try {
    promoter.promote({"m", 1, (s.dir / "good").string(), "sextant-mlp", 0, 0, ""});
    FAIL("promoted to a server that is not there");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
    CHECK_THAT(e.what(), Catch::Contains("cannot reach " + settings.server_url) &&
                             Catch::Contains("refused"));
  }
  CHECK_FALSE(std::filesystem::exists(s.version_dir("m", 1)));

  // Not required: the version waits in the repository for the next `sextant serve`.
  settings.server_required = false;
  LocalPromoter relaxed(settings);
  auto outcome = relaxed.promote({"m", 1, (s.dir / "good").string(), "sextant-mlp", 0, 0, ""});
  CHECK(std::filesystem::exists(s.version_dir("m", 1) / "sextant-mlp.json"));
  REQUIRE(outcome.notes.size() == 2);
  CHECK_THAT(outcome.notes[1], Catch::Contains("serves this version when it starts"));
}

TEST_CASE("local promoter: canary, remote and missing artifacts are refused clearly") {
  ServerFixture s;
  LocalPromoter promoter(settings_for(s));
  CHECK_THROWS_WITH(promoter.promote({"m", 1, (s.dir / "x").string(), "xgboost", 10, 0, ""}),
                    Catch::Contains("--canary needs --target kserve"));
  CHECK_THROWS_WITH(promoter.promote({"m", 1, "s3://bucket/exp/t", "xgboost", 0, 0, ""}),
                    Catch::Contains("is remote (use --target kserve)"));
  CHECK_THROWS_WITH(promoter.promote({"m", 1, (s.dir / "absent").string(), "xgboost", 0, 0, ""}),
                    Catch::Contains("does not exist"));
}

TEST_CASE("dry run: prints the local plan and changes nothing") {
  ServerFixture s;
  write_json(s.dir / "good" / "sextant-mlp.json", constant_mlp(1));
  DryRunPromoter dry(std::make_unique<LocalPromoter>(settings_for(s)));
  auto outcome = dry.promote({"m", 1, (s.dir / "good").string(), "sextant-mlp", 0, 0, ""});
  REQUIRE(outcome.notes.size() == 4);
  CHECK_THAT(outcome.notes[0], Catch::Contains("copy " + (s.dir / "good").string()));
  CHECK_THAT(outcome.notes[2], Catch::Contains("/v2/repository/models/m/load"));
  CHECK_FALSE(std::filesystem::exists(s.version_dir("m", 1)));
  CHECK(served_version(s) == 0);
}
