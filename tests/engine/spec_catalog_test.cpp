// Algorithm and early-stopping names checked against what the build can run.
#include <algorithm>

#include "tests/engine/spec_test_support.hpp"

using namespace sextant;
using namespace sextant::engine;
using namespace sextant::spec_test;

namespace {
std::string with_algorithm(const std::string& name) {
  return replace(kValidSpec, "algorithmName: random", "algorithmName: " + name);
}
std::string with_early_stopping(const std::string& name) {
  return replace(kValidSpec, "  maxTrialCount: 12\n",
                 "  maxTrialCount: 12\n  earlyStopping:\n    algorithmName: " + name + "\n");
}
}  // namespace

TEST_CASE("spec catalog: katib_algorithm_names lists every Katib algorithm") {
  const auto& names = katib_algorithm_names();
  for (const char* name : {"random", "grid", "sobol", "bayesianoptimization", "tpe",
                           "multivariate-tpe", "cmaes", "hyperband", "pbt", "enas", "darts"})
    CHECK(std::find(names.begin(), names.end(), name) != names.end());
  CHECK(names.size() == 11);
}

TEST_CASE("spec catalog: an unknown algorithm lists the available ones") {
  auto diagnostics = rejections(with_algorithm("simulated-annealing"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].path == "spec.algorithm.algorithmName");
  CHECK(diagnostics[0].message == "unknown algorithm \"simulated-annealing\"; available: random");
  CHECK(diagnostics[0].line == 13);
}

TEST_CASE("spec catalog: a Katib algorithm missing from this build is not implemented yet") {
  auto diagnostics = rejections(with_algorithm("tpe"));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].path == "spec.algorithm.algorithmName");
  CHECK(diagnostics[0].message ==
        "algorithm \"tpe\" is not implemented yet in this build; available: random");
}

TEST_CASE("spec catalog: the factory's own problems are reported with their location") {
  auto text = replace(kValidSpec, "    algorithmName: random\n",
                      "    algorithmName: random\n    algorithmSettings:\n"
                      "      - name: random_state\n        value: \"-1\"\n"
                      "      - name: seed\n        value: \"3\"\n");
  auto diagnostics = rejections(text);
  auto bad_value = at_path(diagnostics, "spec.algorithm.algorithmSettings[0].value");
  CHECK_THAT(bad_value.message, Catch::Contains("random_state must be an integer"));
  CHECK(bad_value.line == 16);
  auto unknown = at_path(diagnostics, "spec.algorithm.algorithmSettings[1].name");
  CHECK_THAT(unknown.message, Catch::Contains("known settings: random_state"));
  CHECK(unknown.line == 17);
  CHECK_NOTHROW(parse(replace(replace(text, "\"-1\"", "\"42\""),
                              "      - name: seed\n        value: \"3\"\n", "")));
}

TEST_CASE("spec catalog: the factory is not asked about a search space that did not parse") {
  auto broken = replace(kValidSpec, "min: \"0.01\"", "min: \"x\"");
  // A bad random_state is the factory's to report: with a broken space it is not asked.
  auto text = replace(broken, "    algorithmName: random\n",
                      "    algorithmName: random\n    algorithmSettings:\n"
                      "      - name: random_state\n        value: \"-1\"\n");
  auto diagnostics = rejections(text);
  INFO(render(diagnostics));
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].path == "spec.parameters[0].feasibleSpace.min");
  // Unknown setting names are still reported: they do not depend on the space.
  auto unknown = rejections(replace(broken, "    algorithmName: random\n",
                                    "    algorithmName: random\n    algorithmSettings:\n"
                                    "      - name: seed\n        value: \"3\"\n"));
  CHECK_THAT(at_path(unknown, "spec.algorithm.algorithmSettings[0].name").message,
             Catch::Contains("known settings: random_state"));
}

TEST_CASE("spec catalog: early stopping names") {
  auto not_yet = rejections(with_early_stopping("medianstop"));
  REQUIRE(not_yet.size() == 1);
  CHECK(not_yet[0].path == "spec.earlyStopping.algorithmName");
  CHECK(not_yet[0].message ==
        "early stopping algorithm \"medianstop\" is not implemented yet in this build; "
        "available: (none)");
  CHECK(not_yet[0].line == 16);

  auto unknown = rejections(with_early_stopping("patience"), test_catalog(true));
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].message ==
        "unknown early stopping algorithm \"patience\"; available: medianstop");

  auto spec = parse(with_early_stopping("medianstop"), test_catalog(true));
  REQUIRE(spec.early_stopping.has_value());
  CHECK(spec.early_stopping->algorithm_name == "medianstop");
}

TEST_CASE("spec catalog: without a registry every algorithm is unavailable") {
  SpecCatalog empty;
  auto diagnostics = rejections(kValidSpec, empty);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].message ==
        "algorithm \"random\" is not implemented yet in this build; available: (none)");
}
