// End-to-end: the shipped examples run as a user would run them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.hpp"

using nlohmann::json;
using namespace sextant::testing;

namespace {

json run_example(const TempDir& dir, const std::string& spec, const std::string& name) {
  auto db = (dir / "examples.db").string();
  auto r = run_sextant({"--db", db, "run", "-f", std::string(SEXTANT_SOURCE_DIR) + "/" + spec,
                        "--progress", "lines", "--runs-dir", (dir / "runs").string()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto exp = run_sextant({"--db", db, "get", "experiment", name, "-o", "json"});
  REQUIRE(exp.exit_code == 0);
  return json::parse(exp.out);
}

}  // namespace

TEST_CASE("the Branin C++ example finds a point near a global minimum", "[e2e]") {
  TempDir dir;
  auto exp = run_example(dir, "examples/branin-cpp/branin.yaml", "branin");
  CHECK(exp["status"]["trialsSucceeded"] == 40);
  double best = std::stod(exp["status"]["currentOptimalTrial"]["observation"]["metrics"][0]["min"].get<std::string>());
  CHECK(best >= 0.397887);  // the known minimum
  CHECK(best < 5.0);        // 40 random points land well inside the basins
}

TEST_CASE("the Python push example reports every step over HTTP", "[e2e]") {
  TempDir dir;
  auto exp = run_example(dir, "examples/push-python/push.yaml", "push-python");
  CHECK(exp["status"]["trialsSucceeded"] == 12);
  auto db = (dir / "examples.db").string();
  auto trials = json::parse(run_sextant({"--db", db, "get", "trials", "push-python", "-o", "json"}).out);
  for (const auto& t : trials) {
    const auto& loss = t["status"]["observation"]["metrics"][0];
    double x = std::stod(t["spec"]["parameterAssignments"][0]["value"].get<std::string>());
    double y = std::stod(t["spec"]["parameterAssignments"][1]["value"].get<std::string>());
    double target = (x - 0.3) * (x - 0.3) + (y + 1.2) * (y + 1.2);
    CHECK(std::stod(loss["latest"].get<std::string>()) == Approx(target));  // strategy latest
    CHECK(std::stod(loss["max"].get<std::string>()) == Approx(target + 1.0));  // step 0
  }
}
