// End-to-end: `sextant render` prints the object the first trial runs, substituted as Katib does.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/run_support.hpp"
#include "tests/support/shared_dir.hpp"

using namespace sextant::testing;

TEST_CASE("render substitutes every Katib example's trial template", "[e2e]") {
  auto dir = require_conformance_dir();
  int rendered = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".yaml" ||
        entry.path().filename() == "e2e_invalid-experiment.yaml")
      continue;
    auto r = run_sextant({"render", "-f", entry.path().string(), "-o", "json"});
    INFO(entry.path().filename().string() << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("${trialParameters.") == std::string::npos);
    auto object = json::parse(r.out);
    auto spec =
        json::parse(run_sextant({"validate", "-f", entry.path().string(), "-o", "json"}).out);
    const auto& template_spec = spec["spec"]["trialTemplate"]["trialSpec"];
    CHECK(object["kind"] == template_spec["kind"]);
    CHECK(object["apiVersion"] == template_spec["apiVersion"]);
    // Katib's name shape: <experiment>-<8 lowercase alphanumerics>, in the experiment's namespace.
    std::string experiment = spec["metadata"]["name"];
    std::string name = object["metadata"]["name"];
    CHECK(name.rfind(experiment + "-", 0) == 0);
    CHECK(name.size() == experiment.size() + 9);
    CHECK(object["metadata"]["namespace"] == spec["metadata"].value("namespace", "default"));
    // Katib's labels: the experiment's on the object, the trial's too (on pods via the webhook).
    CHECK(object["metadata"]["labels"]["katib.kubeflow.org/experiment"] == experiment);
    CHECK(object["metadata"]["labels"]["katib.kubeflow.org/trial"] == name);
    ++rendered;
  }
  CHECK(rendered == 14);  // every example but the invalid one
}

TEST_CASE("render takes --set values and names the first trial as run will", "[e2e]") {
  auto argo = (require_conformance_dir() / "argo_argo-workflow.yaml").string();
  auto r = run_sextant({"render", "-f", argo, "--set", "lr=0.0125"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("- --lr=0.0125\n"));
  CHECK_THAT(r.out, Catch::Contains("kind: Workflow"));
  // Argo's own {{...}} placeholders are left for Argo.
  CHECK_THAT(r.out, Catch::Contains("--epochs={{inputs.parameters.epochs}}"));

  auto bad = run_sextant({"render", "-f", argo, "--set", "learning_rate=0.1"});
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--set learning_rate: not a value the trials receive "
                                      "(they receive: lr)"));

  TempDir tmp;
  SpecOptions o;
  o.name = "render-check";
  o.max_trials = 1;
  o.parallel = 1;
  o.command = {"/bin/sh", "-c", "echo loss=${trialParameters.x}"};
  auto file = tmp.write("render-check.yaml", build_spec(o));
  auto rendered = json::parse(run_sextant({"render", "-f", file, "-o", "json"}).out);
  auto ran = run_spec(tmp, o);
  REQUIRE(ran.trials.size() == 1);
  CHECK(rendered["metadata"]["name"] == ran.trials[0]["metadata"]["name"]);
}

TEST_CASE("render prints Katib's Argo Workflow example exactly as the cluster receives it", "[e2e]") {
  auto argo = (require_conformance_dir() / "argo_argo-workflow.yaml").string();
  auto r = run_sextant({"render", "-f", argo, "--set", "lr=0.0125", "-o", "json"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  json rendered = json::parse(r.out);
  // Expected: Katib's template with ${trialParameters.learningRate} substituted, the trial's
  // name and namespace, the labels, the pods' labels (Argo's podMetadata) and the worker
  // environment on the "main" containers (Argo names every template's container so).
  auto spec = json::parse(run_sextant({"validate", "-f", argo, "-o", "json"}).out);
  std::string text = spec["spec"]["trialTemplate"]["trialSpec"].dump();
  const std::string placeholder = "${trialParameters.learningRate}";
  text.replace(text.find(placeholder), placeholder.size(), "0.0125");
  json expected = json::parse(text);
  std::string name = rendered["metadata"]["name"];
  expected["metadata"] = {{"name", name},
                          {"namespace", "argo"},
                          {"labels",
                           {{"katib.kubeflow.org/experiment", "katib-argo-workflow"},
                            {"katib.kubeflow.org/trial", name},
                            {"app.kubernetes.io/managed-by", "sextant"}}}};
  expected["spec"]["podMetadata"]["labels"] = {
      {"katib.kubeflow.org/experiment", "katib-argo-workflow"}, {"katib.kubeflow.org/trial", name}};
  json env = {{{"name", "KATIB_TRIAL_NAME"}, {"value", name}},
              {{"name", "SEXTANT_EXPERIMENT"}, {"value", "katib-argo-workflow"}},
              {{"name", "SEXTANT_TRIAL"}, {"value", name}}};
  for (auto& t : expected["spec"]["templates"])
    for (const char* key : {"container", "script"})
      if (t.contains(key)) t[key]["env"] = env;
  CHECK(rendered == expected);
  CHECK(rendered.dump().find("0.0125") != std::string::npos);
}
