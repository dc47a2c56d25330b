// Reading Argo Workflows and Tekton PipelineRuns into pipelines: steps, order, references, errors.
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "engine/spec/yaml_document.hpp"
#include "orchestration/pipeline/pipeline.hpp"
#include "tests/support/shared_dir.hpp"

using nlohmann::json;
using sextant::orchestration::Pipeline;
using sextant::orchestration::PipelineStep;
using sextant::orchestration::PrimarySelector;
using sextant::orchestration::read_pipeline;
using Strings = std::vector<std::string>;

namespace {

json yaml(const std::string& text) {
  return sextant::engine::parse_yaml_documents(text, "test.yaml").at(0).value;
}

const PipelineStep& step(const Pipeline& p, const std::string& name) {
  for (const auto& s : p.steps)
    if (s.name == name) return s;
  FAIL("no step " << name);
  throw 0;
}

Strings names(const Pipeline& p) {
  Strings out;
  for (const auto& s : p.steps) out.push_back(s.name);
  return out;
}

const char* kDag = R"Y(
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {name: wf-1}
spec:
  entrypoint: main
  arguments:
    parameters: [{name: lr, value: "0.05"}]
  templates:
    - name: main
      dag:
        tasks:
          - name: evaluate
            template: evaluate
            depends: "train.Succeeded && prep"
            arguments:
              parameters:
                - {name: model, value: "{{tasks.train.outputs.parameters.model_uri}}"}
                - {name: rows, value: "{{tasks.prep.outputs.result}}"}
          - name: prep
            template: prep
          - name: train
            template: train
            dependencies: [prep]
            arguments:
              parameters: [{name: lr, value: "{{workflow.parameters.lr}}"}]
    - name: prep
      container: {image: python, command: [python3, prep.py], args: ["--out={{workflow.name}}"]}
    - name: train
      metadata: {labels: {role: training}}
      inputs:
        parameters: [{name: lr}, {name: epochs, default: "3"}]
      container:
        image: trainer
        command: [python3, train.py]
        args: ["--lr={{inputs.parameters.lr}}", "--epochs={{inputs.parameters.epochs}}",
               "--model=/tmp/model.txt", "--home=$(HOME_DIR)"]
        env: [{name: HOME_DIR, value: /work}]
      outputs:
        parameters: [{name: model_uri, valueFrom: {path: /tmp/model.txt}}]
    - name: evaluate
      inputs:
        parameters: [{name: model}, {name: rows}]
      container: {command: [./eval, "{{inputs.parameters.model}}", "{{inputs.parameters.rows}}"]}
)Y";

}  // namespace

TEST_CASE("pipeline reader: an Argo dag with dependencies, depends, parameters and outputs",
          "[orchestration][pipeline]") {
  Pipeline p = read_pipeline(yaml(kDag), {{{"role", "training"}}, "main"});
  CHECK(p.kind == "Workflow");
  CHECK(p.name == "wf-1");
  CHECK(names(p) == Strings{"prep", "train", "evaluate"});  // dependencies first
  const auto& prep = step(p, "prep");
  CHECK(prep.command == Strings{"python3", "prep.py", "--out=wf-1"});
  CHECK(prep.dependencies.empty());
  CHECK_FALSE(prep.primary);
  const auto& train = step(p, "train");
  CHECK(train.command == Strings{"python3", "train.py", "--lr=0.05", "--epochs=3",
                                 "--model=/tmp/model.txt", "--home=/work"});
  CHECK(train.dependencies == Strings{"prep"});
  CHECK(train.primary);
  CHECK(train.container == "main");
  REQUIRE(train.outputs.size() == 1);
  CHECK(train.outputs[0].name == "model_uri");
  CHECK(train.outputs[0].container_path == "/tmp/model.txt");
  const auto& eval = step(p, "evaluate");
  CHECK(eval.command == Strings{"./eval", "{{tasks.train.outputs.parameters.model_uri}}",
                                "{{tasks.prep.outputs.result}}"});
  CHECK_THAT(eval.dependencies, Catch::UnorderedEquals(Strings{"train", "prep"}));
  REQUIRE(eval.inputs.size() == 2);
  CHECK(eval.inputs[0].step == "train");
  CHECK(eval.inputs[0].output == "model_uri");
  CHECK(eval.inputs[1].step == "prep");
  CHECK(eval.inputs[1].output == "");  // stdout
}

TEST_CASE("pipeline reader: Katib's Argo example (steps template, script, result)",
          "[orchestration][pipeline]") {
  auto file = sextant::testing::require_conformance_dir() / "argo_argo-workflow.yaml";
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  json experiment = yaml(text.str());
  json workflow = experiment["spec"]["trialTemplate"]["trialSpec"];
  PrimarySelector primary{{{"katib.kubeflow.org/model-training", "true"}}, "main"};
  Pipeline p = read_pipeline(workflow, primary);
  REQUIRE(names(p) == Strings{"data-preprocessing", "model-training"});
  const auto& pre = p.steps[0];
  REQUIRE(pre.script);
  CHECK_THAT(*pre.script, Catch::Contains("print(60000//random.randint(3000, 30000))"));
  CHECK(pre.command == Strings{"python"});
  CHECK_FALSE(pre.primary);
  const auto& train = p.steps[1];
  CHECK(train.primary);
  CHECK(train.dependencies == Strings{"data-preprocessing"});
  CHECK(train.command ==
        Strings{"python3", "/opt/pytorch-mnist/mnist.py", "--lr=${trialParameters.learningRate}",
                "--epochs={{steps.data-preprocessing.outputs.result}}", "--batch-size=16"});
  REQUIRE(train.inputs.size() == 1);
  CHECK(train.inputs[0].step == "data-preprocessing");
  // Without the label only container "main" is asked for: both steps' pods qualify.
  Pipeline all = read_pipeline(workflow, {{}, "main"});
  CHECK(all.steps[0].primary);
  CHECK(all.steps[1].primary);
}

TEST_CASE("pipeline reader: Argo steps groups run in sequence, steps of a group in parallel",
          "[orchestration][pipeline]") {
  Pipeline p = read_pipeline(yaml(R"Y(
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: wf-}
spec:
  entrypoint: s
  templates:
    - name: s
      steps:
        - [{name: a, template: t}, {name: b, template: t}]
        - [{name: c, template: t, arguments: {parameters: [{name: x, value: "{{steps.a.outputs.parameters.o}}"}]}}]
    - name: t
      inputs: {parameters: [{name: x, default: none}]}
      script:
        command: [sh]
        source: "echo {{inputs.parameters.x}} > /tmp/o"
      outputs: {parameters: [{name: o, valueFrom: {path: /tmp/o, default: empty}}]}
)Y"),
                             {});
  CHECK(names(p) == Strings{"a", "b", "c"});
  CHECK(step(p, "a").dependencies.empty());
  CHECK(step(p, "b").dependencies.empty());
  CHECK_THAT(step(p, "c").dependencies, Catch::UnorderedEquals(Strings{"a", "b"}));
  CHECK(*step(p, "c").script == "echo {{steps.a.outputs.parameters.o}} > /tmp/o");
  CHECK(*step(p, "a").script == "echo none > /tmp/o");
  CHECK(step(p, "a").outputs[0].default_value == "empty");
  for (const auto& s : p.steps) CHECK_FALSE(s.primary);  // no selector: no primary step
}

TEST_CASE("pipeline reader: Tekton tasks, steps, runAfter, params and results",
          "[orchestration][pipeline]") {
  Pipeline p = read_pipeline(yaml(R"Y(
apiVersion: tekton.dev/v1beta1
kind: PipelineRun
metadata: {name: run-1}
spec:
  timeout: 1h30m
  params: [{name: lr, value: "0.02"}]
  pipelineSpec:
    params: [{name: lr}, {name: n, default: "600"}]
    tasks:
      - name: train
        runAfter: [prep]
        params:
          - {name: lr, value: $(params.lr)}
          - {name: rows, value: $(tasks.prep.results.rows)}
        taskSpec:
          params: [{name: lr}, {name: rows}, {name: opt, default: sgd}]
          steps:
            - name: model-training
              command: [python3, train.py]
              args: [--lr=$(params.lr), --rows=$(params.rows), --opt=$(params.opt)]
      - name: prep
        params: [{name: n, value: $(params.n)}]
        taskSpec:
          params: [{name: n}]
          results: [{name: rows}]
          steps:
            - name: fetch
              script: |
                echo fetching $(params.n) for $(context.pipelineRun.name)
            - name: count
              command: [sh, -c]
              args: ["echo $(params.n) > $(results.rows.path)"]
)Y"),
                             {{{"tekton.dev/pipelineTask", "train"}}, "step-model-training"});
  CHECK(p.kind == "PipelineRun");
  CHECK(p.deadline_seconds == 5400);
  CHECK(names(p) == Strings{"prep.fetch", "prep.count", "train"});
  const auto& fetch = step(p, "prep.fetch");
  CHECK(fetch.command == Strings{"sh"});  // a script without "#!" runs with sh
  CHECK(*fetch.script == "echo fetching 600 for run-1\n");
  CHECK(fetch.group == "prep");
  const auto& count = step(p, "prep.count");
  CHECK(count.dependencies == Strings{"prep.fetch"});
  CHECK(count.command == Strings{"sh", "-c", "echo 600 > /tekton/results/rows"});
  REQUIRE(count.outputs.size() == 1);
  CHECK(count.outputs[0].container_path == "/tekton/results/rows");
  const auto& train = step(p, "train");
  CHECK(train.command == Strings{"python3", "train.py", "--lr=0.02",
                                 "--rows=$(tasks.prep.results.rows)", "--opt=sgd"});
  CHECK(train.dependencies == Strings{"prep.count"});
  REQUIRE(train.inputs.size() == 1);
  CHECK(train.inputs[0].step == "prep.count");
  CHECK(train.inputs[0].output == "rows");
  CHECK(train.container == "step-model-training");
  CHECK(train.primary);
  CHECK_FALSE(fetch.primary);
}

TEST_CASE("pipeline reader: what cannot run locally is an error naming the field",
          "[orchestration][pipeline]") {
  auto argo = [](const std::string& templates) {
    return yaml(
        "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nspec:\n  entrypoint: m\n"
        "  templates:\n" +
        templates);
  };
  auto error_of = [](const json& object, PrimarySelector primary = {}) -> std::string {
    try {
      read_pipeline(object, primary);
    } catch (const sextant::Error& e) {
      CHECK(e.code() == sextant::ErrorCode::kInvalidArgument);
      return e.what();
    }
    return "no error";
  };
  CHECK_THAT(error_of(argo("    - name: m\n      dag:\n        tasks:\n"
                           "          - {name: a, templateRef: {name: x, template: y}}\n")),
             Catch::StartsWith("spec.templates[0].dag.tasks[0].templateRef:") &&
                 Catch::Contains("not supported locally"));
  CHECK_THAT(error_of(argo("    - name: m\n      dag:\n        tasks:\n"
                           "          - {name: a, template: t, withItems: [1, 2]}\n"
                           "    - {name: t, container: {command: [x]}}\n")),
             Catch::StartsWith("spec.templates[0].dag.tasks[0].withItems: loops"));
  CHECK_THAT(error_of(argo("    - name: m\n      dag:\n        tasks:\n"
                           "          - {name: a, template: t, depends: \"b || c\"}\n"
                           "    - {name: t, container: {command: [x]}}\n")),
             Catch::StartsWith("spec.templates[0].dag.tasks[0].depends:"));
  CHECK_THAT(error_of(argo("    - name: m\n      dag:\n        tasks:\n"
                           "          - {name: a, template: t}\n"
                           "    - name: t\n      container:\n        command: [x]\n"
                           "        volumeMounts: [{name: v, mountPath: /data}]\n")),
             Catch::StartsWith("spec.templates[1].container.volumeMounts:"));
  CHECK_THAT(error_of(argo("    - name: m\n      dag:\n        tasks:\n"
                           "          - {name: a, template: t}\n"
                           "    - name: t\n      inputs: {parameters: [{name: x}]}\n"
                           "      container: {command: [x]}\n")),
             Catch::StartsWith("spec.templates[1].inputs.parameters[0]:") &&
                 Catch::Contains("no default"));
  CHECK_THAT(error_of(argo("    - name: m\n      dag:\n        tasks:\n"
                           "          - {name: a, template: t, arguments: {parameters: "
                           "[{name: x, value: \"{{tasks.zz.outputs.result}}\"}]}}\n"
                           "    - {name: t, container: {command: [x]}}\n")),
             Catch::Contains("\"zz\" is not a step"));
  CHECK_THAT(error_of(argo("    - name: m\n      dag:\n        tasks:\n"
                           "          - {name: a, template: t, dependencies: [b]}\n"
                           "          - {name: b, template: t, dependencies: [a]}\n"
                           "    - {name: t, container: {command: [x]}}\n")),
             Catch::Contains("cycle"));
  CHECK_THAT(error_of(argo("    - name: m\n      container: {image: x}\n")),
             Catch::StartsWith("spec.templates[0].container.command:"));
  CHECK_THAT(error_of(argo("    - name: m\n      container: {command: [x]}\n"),
                      {{{"role", "train"}}, "main"}),
             Catch::Contains("primaryPodLabels"));
  auto tekton = yaml(R"Y(
apiVersion: tekton.dev/v1
kind: PipelineRun
spec:
  pipelineSpec:
    tasks:
      - name: a
        taskRef: {name: shared-task}
)Y");
  CHECK_THAT(error_of(tekton), Catch::StartsWith("spec.pipelineSpec.tasks[0].taskRef:"));
  auto no_spec = yaml(
      "apiVersion: tekton.dev/v1\nkind: PipelineRun\nspec:\n"
      "  pipelineRef: {name: p}\n");
  CHECK_THAT(error_of(no_spec), Catch::StartsWith("spec.pipelineRef:"));
  auto bad_param = yaml(R"Y(
apiVersion: tekton.dev/v1
kind: PipelineRun
spec:
  pipelineSpec:
    tasks:
      - name: a
        taskSpec:
          steps: [{name: s, command: [echo, $(params.missing)]}]
)Y");
  CHECK_THAT(error_of(bad_param),
             Catch::StartsWith("spec.pipelineSpec.tasks[0].taskSpec.steps[0].command[1]:") &&
                 Catch::Contains("$(params.missing)"));
}
