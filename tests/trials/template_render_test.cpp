// Trial template substitution: parameters, metadata references, escaping, errors.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "trials/template/render.hpp"

using nlohmann::json;
using sextant::Error;
using sextant::engine::Assignment;
using sextant::engine::ExperimentSpec;
using sextant::trials::render_trial_object;

namespace {

ExperimentSpec metadata_spec() {
  // The shape of Katib's trial-metadata-substitution example.
  ExperimentSpec spec;
  spec.name = "trial-metadata-substitution";
  spec.namespace_name = "kubeflow";
  spec.trial_template.primary_container_name = "training-container";
  spec.trial_template.trial_parameters = {
      {"learningRate", "", "lr"},
      {"momentum", "", "momentum"},
      {"trialName", "", "${trialSpec.Name}"},
      {"trialNamespace", "", "${trialSpec.Namespace}"},
      {"trialKind", "", "${trialSpec.Kind}"},
      {"trialAPIVersion", "", "${trialSpec.APIVersion}"},
      {"trialLabelCustom", "", "${trialSpec.Labels[custom-key]}"},
      {"trialAnnotationCustom", "", "${trialSpec.Annotations[custom-key]}"},
  };
  spec.trial_template.trial_spec = json::parse(R"({
    "apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"annotations": {"custom-key": "custom-annotation"},
                 "labels": {"custom-key": "custom-label"}},
    "spec": {"template": {"spec": {"restartPolicy": "Never", "containers": [{
      "name": "training-container", "image": "x",
      "command": ["python3", "/opt/pytorch-mnist/mnist.py", "--epochs=1",
                  "--lr=${trialParameters.learningRate}", "--momentum=${trialParameters.momentum}"],
      "env": [
        {"name": "TRIAL_NAME", "value": "${trialParameters.trialName}"},
        {"name": "TRIAL_NAMESPACE", "value": "${trialParameters.trialNamespace}"},
        {"name": "TRIAL_KIND", "value": "${trialParameters.trialKind}"},
        {"name": "TRIAL_API_VERSION", "value": "${trialParameters.trialAPIVersion}"},
        {"name": "TRIAL_LABEL_CUSTOM", "value": "${trialParameters.trialLabelCustom}"},
        {"name": "TRIAL_ANNOTATION_CUSTOM", "value": "${trialParameters.trialAnnotationCustom}"}
      ]}]}}}
  })");
  return spec;
}

ExperimentSpec simple_spec(const std::string& command_arg) {
  ExperimentSpec spec;
  spec.namespace_name = "default";
  spec.trial_template.trial_parameters = {{"p", "", "param"}};
  spec.trial_template.trial_spec =
      json{{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"spec", {{"arg", command_arg}}}};
  return spec;
}

}  // namespace

TEST_CASE("render: parameters and metadata references are substituted", "[trials][template]") {
  ExperimentSpec spec = metadata_spec();
  Assignment assignment = {{"lr", "0.0213"}, {"momentum", "0.71"}};
  json object = render_trial_object(spec, "trial-abc", assignment);

  const json& c = object["spec"]["template"]["spec"]["containers"][0];
  CHECK(c["command"][3] == "--lr=0.0213");
  CHECK(c["command"][4] == "--momentum=0.71");
  std::map<std::string, std::string> env;
  for (const auto& e : c["env"]) env[e["name"]] = e["value"];
  CHECK(env["TRIAL_NAME"] == "trial-abc");
  CHECK(env["TRIAL_NAMESPACE"] == "kubeflow");
  CHECK(env["TRIAL_KIND"] == "Job");
  CHECK(env["TRIAL_API_VERSION"] == "batch/v1");
  CHECK(env["TRIAL_LABEL_CUSTOM"] == "custom-label");
  CHECK(env["TRIAL_ANNOTATION_CUSTOM"] == "custom-annotation");
  CHECK(object["metadata"]["name"] == "trial-abc");
  CHECK(object["metadata"]["namespace"] == "kubeflow");
  CHECK(object["metadata"]["labels"]["custom-key"] == "custom-label");  // the rest is kept
  // The spec's own template is untouched.
  CHECK(spec.trial_template.trial_spec->dump().find("${trialParameters.learningRate}") !=
        std::string::npos);
}

TEST_CASE("render: quotes and backslashes in values stay values", "[trials][template]") {
  ExperimentSpec spec = simple_spec("--x=${trialParameters.p} and ${trialParameters.p}");
  std::string tricky = R"(a "quoted" \path\ {"k": 1} ${trialParameters.p})"
                       "\n\t";
  json object = render_trial_object(spec, "t1", {{"param", tricky}});
  CHECK(object["spec"]["arg"] == "--x=" + tricky + " and " + tricky);
  CHECK(object["kind"] == "Job");
}

TEST_CASE("render: metadata is created when the template has none", "[trials][template]") {
  ExperimentSpec spec = simple_spec("${trialParameters.p}");
  json object = render_trial_object(spec, "t2", {{"param", "3"}});
  CHECK(object["metadata"] == json{{"name", "t2"}, {"namespace", "default"}});
  CHECK(object["spec"]["arg"] == "3");
}

TEST_CASE("render: a reference to a missing assignment is an error", "[trials][template]") {
  ExperimentSpec spec = metadata_spec();
  try {
    render_trial_object(spec, "t", {{"lr", "0.1"}, {"momentm", "0.5"}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.field_path() == "spec.trialTemplate.trialParameters[1].reference");
    CHECK_THAT(e.message(), Catch::Contains("'momentum'") && Catch::Contains("momentm"));
  }
}

TEST_CASE("render: a missing label or annotation is an error", "[trials][template]") {
  ExperimentSpec spec = metadata_spec();
  spec.trial_template.trial_parameters[6].reference = "${trialSpec.Labels[absent]}";
  try {
    render_trial_object(spec, "t", {{"lr", "0.1"}, {"momentum", "0.5"}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.field_path() == "spec.trialTemplate.trialParameters[6].reference");
    CHECK_THAT(e.message(), Catch::Contains("labels has no key 'absent'"));
  }
  spec = metadata_spec();
  spec.trial_template.trial_parameters[7].reference = "${trialSpec.Annotations[nope]}";
  CHECK_THROWS_WITH(render_trial_object(spec, "t", {{"lr", "0.1"}, {"momentum", "0.5"}}),
                    Catch::Contains("annotations has no key 'nope'"));
  spec = metadata_spec();
  spec.trial_template.trial_parameters[2].reference = "${trialSpec.Uid}";
  CHECK_THROWS_WITH(render_trial_object(spec, "t", {{"lr", "0.1"}, {"momentum", "0.5"}}),
                    Catch::Contains("unknown metadata reference ${trialSpec.Uid}"));
}

TEST_CASE("render: the assignment count must match the non-metadata parameters",
          "[trials][template]") {
  ExperimentSpec spec = metadata_spec();
  try {
    render_trial_object(spec, "t", {{"lr", "0.1"}, {"momentum", "0.5"}, {"extra", "1"}});
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.field_path() == "spec.trialTemplate.trialParameters");
    CHECK_THAT(e.message(), Catch::Contains("3 values") && Catch::Contains("2 non-metadata"));
  }
}

TEST_CASE("render: undeclared placeholders and missing trialSpec are errors",
          "[trials][template]") {
  ExperimentSpec spec = simple_spec("${trialParameters.q}");
  CHECK_THROWS_WITH(render_trial_object(spec, "t", {{"param", "1"}}),
                    Catch::Contains("${trialParameters.q}"));
  spec.trial_template.trial_spec.reset();
  spec.trial_template.config_map = sextant::engine::ConfigMapSource{"templates", "kubeflow", "x"};
  CHECK_THROWS_WITH(render_trial_object(spec, "t", {{"param", "1"}}), Catch::Contains("ConfigMap"));
}
