// End-to-end: Katib's NAS examples render the trial commands Katib would, and architecture
// searches run on the digits example.
#include <fstream>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>

#include "tests/e2e/run_support.hpp"
#include "tests/support/shared_dir.hpp"

using namespace sextant::testing;

namespace {

struct NasRun {
  Ran ran;
  std::filesystem::path runs;
};

NasRun run_file(const TempDir& dir, const std::string& spec_path, const std::string& name) {
  auto db = (dir / "nas.db").string();
  NasRun r;
  r.runs = dir / "runs";
  r.ran.run = run_sextant({"--db", db, "run", "-f", spec_path, "--progress", "lines", "--runs-dir",
                           r.runs.string(), "--grace", "1"});
  r.ran.experiment =
      json::parse(run_sextant({"--db", db, "get", "experiment", name, "-o", "json"}).out);
  r.ran.trials = json::parse(run_sextant({"--db", db, "get", "trials", name, "-o", "json"}).out);
  return r;
}

std::string assignment(const json& trial, const std::string& name) {
  for (const auto& a : trial["spec"]["parameterAssignments"])
    if (a["name"] == name) return a["value"];
  return "";
}

// A shell script that prints its arguments one per line, then the metric line `report`.
std::string print_args_then(const std::string& report) {
  return yaml_quote("printf '%s\\n' \"$@\"; echo '" + report + "'");
}

}  // namespace

TEST_CASE("Katib's ENAS example renders Katib's architecture and nn_config arguments", "[e2e]") {
  TempDir dir;
  // python3 -u RunTrial.py --num_epochs=1 --architecture=... --nn_config=...: the program
  // becomes a shell that prints its arguments and reports an accuracy.
  auto spec =
      katib_spec("nas_enas-cpu.yaml",
                 {{"- python3\n", "- /bin/sh\n"},
                  {"- -u\n", "- -c\n"},
                  {"- RunTrial.py\n", "- " + print_args_then("Validation-Accuracy=0.5") + "\n"}});
  auto file = dir.write("enas.yaml", spec);
  auto r = run_file(dir, file, "enas-cpu");
  INFO(r.ran.run.err);
  REQUIRE(r.ran.run.exit_code == 0);
  REQUIRE(r.ran.trials.size() == 3);
  for (const auto& t : r.ran.trials) {
    CHECK(last_state(t) == "Succeeded");
    std::string architecture = assignment(t, "architecture");
    std::string nn_config = assignment(t, "nn_config");
    // One layer: "[[k]]" with k one of the 106 expanded operations.
    REQUIRE(architecture.size() >= 5);
    CHECK(architecture.substr(0, 2) == "[[");
    int op = std::stoi(architecture.substr(2));
    CHECK((op >= 0 && op < 106));
    CHECK(architecture == "[[" + std::to_string(op) + "]]");
    CHECK_THAT(nn_config, Catch::StartsWith("{'num_layers': 1, 'input_sizes': [32, 32, 3], "
                                            "'output_sizes': [10], 'embedding': {'" +
                                            std::to_string(op) + "': {'opt_id': " +
                                            std::to_string(op) + ", 'opt_type': '"));
    // The arguments the program received: $0 is --num_epochs=1, then Katib's two, quotes kept.
    std::string log =
        read_text(r.runs / "enas-cpu" / t["metadata"]["name"].get<std::string>() / "trial.log");
    CHECK(log == "--architecture=\"" + architecture + "\"\n--nn_config=\"" + nn_config +
                     "\"\nValidation-Accuracy=0.5\n");
  }
}

TEST_CASE("Katib's DARTS example renders Katib's settings, search space and layers", "[e2e]") {
  TempDir dir;
  auto spec = katib_spec(
      "nas_darts-cpu.yaml",
      {{"- python3\n", "- /bin/sh\n"},
       {"- run_trial.py\n",
        "- -c\n                  - " +
            print_args_then("Best-Genotype=Genotype(normal=[], normal_concat=range(1, 2))") +
            "\n                  - run_trial.py\n"}});
  auto file = dir.write("darts.yaml", spec);
  auto r = run_file(dir, file, "darts-cpu");
  INFO(r.ran.run.err);
  REQUIRE(r.ran.run.exit_code == 0);
  REQUIRE(r.ran.trials.size() == 1);
  const auto& t = r.ran.trials[0];
  CHECK(last_state(t) == "Succeeded");
  const std::string settings =
      "{'num_epochs': '1', 'w_lr': 0.025, 'w_lr_min': 0.001, 'w_momentum': 0.9, "
      "'w_weight_decay': 0.0003, 'w_grad_clip': 5.0, 'alpha_lr': 0.0003, "
      "'alpha_weight_decay': 0.001, 'batch_size': 128, 'num_workers': 4, 'init_channels': '1', "
      "'print_step': 50, 'num_nodes': '1', 'stem_multiplier': '1'}";
  CHECK(assignment(t, "algorithm-settings") == settings);
  CHECK(assignment(t, "search-space") == "['max_pooling_3x3']");
  CHECK(assignment(t, "num-layers") == "1");
  std::string trial_log =
      read_text(r.runs / "darts-cpu" / t["metadata"]["name"].get<std::string>() / "trial.log");
  CHECK(trial_log == "--algorithm-settings=\"" + settings +
                         "\"\n--search-space=\"['max_pooling_3x3']\"\n--num-layers=\"1\"\n"
                         "Best-Genotype=Genotype(normal=[], normal_concat=range(1, 2))\n");
  CHECK(t["status"]["observation"]["metrics"][0]["latest"] ==
        "Genotype(normal=[], normal_concat=range(1, 2))");
}

TEST_CASE("an ENAS and an evolution experiment search architectures on digits", "[e2e]") {
  for (const char* example : {"enas", "evolution"}) {
    TempDir dir;
    const std::string name = std::string("nas-digits-") + example;
    auto r = run_file(
        dir, std::string(SEXTANT_SOURCE_DIR) + "/examples/nas-digits/" + example + ".yaml", name);
    INFO(example << ": " << r.ran.run.err);
    REQUIRE(r.ran.run.exit_code == 0);
    REQUIRE(r.ran.trials.size() == 20);
    std::set<std::string> architectures;
    for (const auto& t : r.ran.trials) {
      CHECK(last_state(t) == "Succeeded");
      architectures.insert(assignment(t, "architecture"));
      // Real training: every network beats chance (10%) by far on digits.
      double accuracy =
          std::stod(t["status"]["observation"]["metrics"][0]["latest"].get<std::string>());
      CHECK(accuracy > 0.5);
    }
    CHECK(architectures.size() == 20);  // never the same architecture twice
    if (std::string(example) == "evolution") {
      // population_size 8: once 8 results are in, children carry their parent's name.
      int children = 0;
      for (const auto& t : r.ran.trials)
        children += t["metadata"]["labels"].contains("sextant.evolution/parent");
      CHECK(children >= 8);
    }
    CHECK(
        std::stod(
            r.ran.experiment["status"]["currentOptimalTrial"]["observation"]["metrics"][0]["latest"]
                .get<std::string>()) > 0.9);
  }
}
