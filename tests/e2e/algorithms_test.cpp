// End-to-end: the model-based algorithms drive `sextant run` on a real trial program (the Branin
// example binary), and their state survives an engine restart.
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.hpp"
#include "tests/e2e/spec_builder.hpp"

using nlohmann::json;
using namespace sextant::testing;

namespace {

constexpr double kBraninMinimum = 0.397887;

SpecOptions branin(const std::string& algorithm, int max_trials, int parallel) {
  SpecOptions o;
  o.name = "branin-" + algorithm;
  o.algorithm = algorithm;
  o.settings = "      - name: random_state\n        value: \"5\"\n";
  o.parallel = parallel;
  o.max_trials = max_trials;
  o.parameters =
      "    - name: x1\n      parameterType: double\n      feasibleSpace: {min: \"-5\", max: \"10\"}\n"
      "    - name: x2\n      parameterType: double\n      feasibleSpace: {min: \"0\", max: \"15\"}\n";
  o.trial_parameters = {"x1", "x2"};
  o.command = {std::string(SEXTANT_BINARY_DIR) + "/examples/bin/branin",
               "--x1=${trialParameters.x1}", "--x2=${trialParameters.x2}"};
  return o;
}

json trials_after_run(const std::string& db, const std::string& spec, const std::string& name) {
  auto r = run_sextant({"--db", db, "run", "-f", spec, "--progress", "none"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  auto trials = run_sextant({"--db", db, "get", "trials", name, "-o", "json"});
  REQUIRE(trials.exit_code == 0);
  return json::parse(trials.out);
}

double best_loss(const json& trials) {
  double best = 1e300;
  for (const auto& t : trials)
    best = std::min(best, std::stod(t["status"]["observation"]["metrics"][0]["min"].get<std::string>()));
  return best;
}

std::vector<json> assignments(const json& trials) {
  std::vector<json> out;
  for (const auto& t : trials) out.push_back(t["spec"]["parameterAssignments"]);
  return out;
}

}  // namespace

TEST_CASE("model-based algorithms run Branin end to end and approach its minimum", "[e2e]") {
  // The best loss each must reach in 30 trials, one at a time so that the run is deterministic:
  // GP-BO gets close; the others only have to beat what random search typically finds in 30.
  const std::pair<const char*, double> expectations[] = {
      {"bayesianoptimization", kBraninMinimum + 0.05},
      {"tpe", kBraninMinimum + 3.0},
      {"multivariate-tpe", kBraninMinimum + 3.0},
      {"cmaes", kBraninMinimum + 3.0},
      {"sobol", kBraninMinimum + 5.0},
  };
  for (const auto& [algorithm, limit] : expectations) {
    DYNAMIC_SECTION(algorithm) {
      TempDir dir;
      auto o = branin(algorithm, 30, 1);
      auto trials = trials_after_run((dir / "e2e.db").string(),
                                     dir.write("spec.yaml", build_spec(o)), o.name);
      REQUIRE(trials.size() == 30);
      std::set<std::string> distinct;
      for (const auto& t : trials) {
        CHECK(t["status"]["conditions"].back()["type"] == "Succeeded");
        distinct.insert(t["spec"]["parameterAssignments"].dump());
      }
      CHECK(distinct.size() == 30);
      CHECK(best_loss(trials) < limit);
    }
  }
}

TEST_CASE("a restarted engine continues a model-based search exactly where it stopped", "[e2e]") {
  // One trial at a time makes the history at every suggestion independent of timing, so an
  // uninterrupted run and a run stopped after 14 trials (past the initial designs) and resumed
  // with a raised budget must propose the same 24 points.
  for (const char* algorithm : {"bayesianoptimization", "tpe", "multivariate-tpe", "cmaes"}) {
    DYNAMIC_SECTION(algorithm) {
      TempDir dir;
      auto whole = branin(algorithm, 24, 1);
      auto straight = trials_after_run((dir / "straight.db").string(),
                                       dir.write("whole.yaml", build_spec(whole)), whole.name);

      auto half = branin(algorithm, 14, 1);
      const auto db = (dir / "resumed.db").string();
      trials_after_run(db, dir.write("half.yaml", build_spec(half)), half.name);
      auto resumed = trials_after_run(db, dir.write("whole2.yaml", build_spec(whole)), whole.name);

      REQUIRE(straight.size() == 24);
      REQUIRE(resumed.size() == 24);
      CHECK(assignments(resumed) == assignments(straight));
    }
  }
}
