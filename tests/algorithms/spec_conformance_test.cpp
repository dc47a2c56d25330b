// Katib's own example Experiments (../shared/conformance/katib) through the spec loader with the
// built-in algorithms: what this build runs is accepted, what it lacks is "not implemented yet".
#include <algorithm>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "algorithms/builtin.hpp"
#include "engine/spec/spec_loader.hpp"
#include "tests/support/shared_dir.hpp"

using namespace sextant;
using namespace sextant::engine;

namespace {

const AlgorithmRegistry& builtin_registry() {
  static const AlgorithmRegistry registry = [] {
    AlgorithmRegistry r;
    sextant::algorithms::register_builtin_algorithms(r);
    return r;
  }();
  return registry;
}

SpecCatalog builtin_catalog() {
  static const EarlyStopperRegistry rules = [] {
    EarlyStopperRegistry r;
    sextant::algorithms::register_builtin_early_stopping(r);
    return r;
  }();
  return {&builtin_registry(), &rules};
}

std::vector<std::filesystem::path> conformance_files() {
  auto dir = sextant::testing::require_conformance_dir();
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

// The algorithm and early-stopping names a file asks for, read from its text, independently of
// the loader under test.
std::string field_after(const std::string& text, const std::string& section) {
  auto at = text.find(section);
  if (at == std::string::npos) return {};
  auto name = text.find("algorithmName:", at);
  if (name == std::string::npos) return {};
  auto start = name + std::string("algorithmName:").size();
  auto end = text.find_first_of("#\n", start);
  auto value = text.substr(start, end - start);
  value.erase(0, value.find_first_not_of(" \""));
  value.erase(value.find_last_not_of(" \"") + 1);
  return value;
}

std::string read(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string render(const std::vector<Diagnostic>& diagnostics) {
  std::string all;
  for (const auto& d : diagnostics) all += d.to_string() + "\n";
  return all;
}

}  // namespace

TEST_CASE("spec conformance: the built-in registry has random and grid") {
  auto names = builtin_registry().names();
  CHECK(std::find(names.begin(), names.end(), "random") != names.end());
  CHECK(std::find(names.begin(), names.end(), "grid") != names.end());
}

TEST_CASE("spec conformance: Katib's invalid experiment is rejected at algorithmName") {
  auto file = sextant::testing::require_conformance_dir() / "e2e_invalid-experiment.yaml";
  try {
    load_experiment_file(file, builtin_catalog());
    FAIL("e2e_invalid-experiment.yaml was accepted");
  } catch (const SpecError& e) {
    INFO(render(e.diagnostics()));
    REQUIRE(e.diagnostics().size() == 1);
    const auto& d = e.diagnostics()[0];
    CHECK(d.path == "spec.algorithm.algorithmName");
    CHECK(d.line == 14);
    CHECK_THAT(d.message, Catch::Contains("unknown algorithm \"invalid-algorithm\""));
    for (const auto& name : builtin_registry().names())
      CHECK_THAT(d.message, Catch::Contains(name));
  }
}

TEST_CASE("spec conformance: Katib's Bayesian optimization example runs with bayesianoptimization") {
  auto file = sextant::testing::require_conformance_dir() / "hp-tuning_bayesian-optimization.yaml";
  auto spec = load_experiment_file(file, builtin_catalog());
  REQUIRE(spec.algorithm.algorithm_name == "bayesianoptimization");
  const auto* factory = builtin_registry().find("bayesianoptimization");
  REQUIRE(factory != nullptr);
  CHECK(factory->validate(spec).empty());
  // random_state 10 from the example: the first batch of parallelTrialCount (3) is reproducible.
  auto first = factory->create(spec)->suggest({}, spec.parallel_trial_count);
  auto again = factory->create(spec)->suggest({}, spec.parallel_trial_count);
  REQUIRE(first.suggestions.size() == 3);
  for (size_t i = 0; i < 3; ++i) CHECK(first.suggestions[i].assignment == again.suggestions[i].assignment);
}

TEST_CASE("spec conformance: every other Katib example is accepted, or lacks only an algorithm") {
  const auto& registry = builtin_registry();
  int accepted = 0, not_implemented = 0;
  for (const auto& file : conformance_files()) {
    if (file.filename() == "e2e_invalid-experiment.yaml") continue;
    auto text = read(file);
    auto algorithm = field_after(text, "  algorithm:");
    auto early_stopping = field_after(text, "  earlyStopping:");
    REQUIRE_FALSE(algorithm.empty());
    std::vector<std::string> missing_paths;
    if (registry.find(algorithm) == nullptr)
      missing_paths.push_back("spec.algorithm.algorithmName");
    if (!early_stopping.empty() && builtin_catalog().early_stopping->find(early_stopping) == nullptr)
      missing_paths.push_back("spec.earlyStopping.algorithmName");
    INFO(file.filename().string() << " (algorithm " << algorithm << ", early stopping "
                                  << (early_stopping.empty() ? "none" : early_stopping) << ")");
    try {
      auto spec = load_experiment_file(file, builtin_catalog());
      CHECK(missing_paths.empty());
      CHECK(spec.algorithm.algorithm_name == algorithm);
      CHECK(spec.document["apiVersion"] == "kubeflow.org/v1beta1");
      // `validate -o yaml` prints a spec that loads back to the same document.
      auto again = parse_experiment(to_yaml(spec.document), "printed.yaml", spec.code_dir,
                                    builtin_catalog());
      CHECK(again.document == spec.document);
      ++accepted;
    } catch (const SpecError& e) {
      INFO(render(e.diagnostics()));
      REQUIRE(e.diagnostics().size() == missing_paths.size());
      for (size_t i = 0; i < missing_paths.size(); ++i) {
        CHECK(e.diagnostics()[i].path == missing_paths[i]);
        CHECK_THAT(e.diagnostics()[i].message, Catch::Contains("is not implemented yet"));
        CHECK(e.diagnostics()[i].line > 0);
      }
      ++not_implemented;
    }
  }
  // Every Katib example runs in this build.
  CHECK(accepted >= 14);
  CHECK(not_implemented == 0);
}

TEST_CASE("spec conformance: Katib examples keep their meaning after loading") {
  auto dir = sextant::testing::require_conformance_dir();
  auto pytorch = load_experiment_file(dir / "kubeflow-training-operator_pytorchjob-mnist.yaml",
                                      builtin_catalog());
  CHECK(pytorch.trial_template.success_condition ==
        R"(status.conditions.#(type=="Succeeded")#|#(status=="True")#)");
  CHECK(pytorch.trial_template.primary_pod_labels.at("training.kubeflow.org/job-role") == "master");

  auto file_collector = load_experiment_file(dir / "metrics-collector_file-metrics-collector.yaml",
                                             builtin_catalog());
  CHECK(file_collector.metrics_collector.kind == CollectorKind::kFile);
  CHECK(file_collector.metrics_collector.file_path == "/katib/mnist.log");
  REQUIRE(file_collector.metrics_collector.filters.size() == 1);
  CHECK(file_collector.objective.strategy_for("loss") == MetricStrategy::kMax);

  auto json_collector = load_experiment_file(
      dir / "metrics-collector_file-metrics-collector-with-json-format.yaml", builtin_catalog());
  CHECK(json_collector.metrics_collector.format == FileFormat::kJson);

  auto metadata = load_experiment_file(dir / "trial-template_trial-metadata-substitution.yaml",
                                       builtin_catalog());
  CHECK(metadata.trial_template.trial_parameters.size() == 8);

  auto grid = load_experiment_file(dir / "hp-tuning_grid.yaml", builtin_catalog());
  REQUIRE(grid.parameters.size() == 2);
  CHECK(grid.parameters.parameters[0].step == Approx(0.005));

  auto argo = load_experiment_file(dir / "argo_argo-workflow.yaml", builtin_catalog());
  CHECK(argo.trial_template.retain);
  CHECK(argo.namespace_name == "argo");
  CHECK(argo.parallel_trial_count == 2);
}
