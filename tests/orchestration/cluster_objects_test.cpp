// The objects sent to a cluster: trial objects (labels, worker environment) and Kubeflow
// Pipelines IR (generated pipelines, typed runtime parameters).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "orchestration/kfp/pipeline_ir.hpp"
#include "orchestration/kubernetes/collector_sidecar.hpp"
#include "orchestration/kubernetes/tf_events_dump.hpp"
#include "orchestration/kubernetes/trial_object.hpp"
#include "tests/e2e/process.hpp"

using namespace sextant;
using nlohmann::json;

namespace {

engine::ExperimentSpec spec_with(json trial_spec) {
  engine::ExperimentSpec spec;
  spec.name = "exp";
  spec.namespace_name = "team";
  spec.labels = {{"owner", "ml-team"}};
  spec.trial_template.primary_container_name = "main";
  spec.trial_template.trial_parameters = {{"lr", "", "lr"}};
  spec.trial_template.trial_spec = std::move(trial_spec);
  return spec;
}

json job(const json& env = json::array()) {
  json container = {{"name", "main"},
                    {"image", "trainer"},
                    {"command", {"python3", "train.py", "--lr=${trialParameters.lr}"}}};
  if (!env.empty()) container["env"] = env;
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"spec",
           {{"template",
             {{"spec",
               {{"restartPolicy", "Never"},
                {"containers", {container, {{"name", "sidecar"}, {"image", "x"}}}}}}}}}}};
}

const json* env_value(const json& container, const std::string& name) {
  if (!container.contains("env")) return nullptr;
  for (const auto& e : container["env"])
    if (e["name"] == name) return &e["value"];
  return nullptr;
}

}  // namespace

TEST_CASE("trial objects carry Katib's labels and the worker environment", "[unit]") {
  auto spec = spec_with(job({{{"name", "SEXTANT_TRIAL"}, {"value", "set-by-template"}}}));
  engine::Assignment assignment{{"lr", "0.01"}};
  // A label value Kubernetes would refuse is left off rather than failing the create.
  std::map<std::string, std::string> trial_labels{{"generation", "3"},
                                                  {"note", std::string(70, 'a')}};
  json object = orchestration::cluster_trial_object(spec, "exp-abcdefgh", assignment, trial_labels,
                                                    {"http://engine:8900", "tok", ""});
  const json& labels = object["metadata"]["labels"];
  CHECK(object["metadata"]["name"] == "exp-abcdefgh");
  CHECK(object["metadata"]["namespace"] == "team");
  CHECK(labels["katib.kubeflow.org/experiment"] == "exp");
  CHECK(labels["katib.kubeflow.org/trial"] == "exp-abcdefgh");
  CHECK(labels["owner"] == "ml-team");
  CHECK(labels["generation"] == "3");
  CHECK_FALSE(labels.contains("note"));
  CHECK(object["spec"]["template"]["metadata"]["labels"]["katib.kubeflow.org/trial"] ==
        "exp-abcdefgh");

  const json& main = object["spec"]["template"]["spec"]["containers"][0];
  CHECK(main["command"][2] == "--lr=0.01");
  CHECK(*env_value(main, "KATIB_TRIAL_NAME") == "exp-abcdefgh");
  CHECK(*env_value(main, "SEXTANT_REPORT_URL") == "http://engine:8900");
  CHECK(*env_value(main, "SEXTANT_REPORT_TOKEN") == "tok");
  CHECK(*env_value(main, "SEXTANT_TRIAL") == "set-by-template");  // the template's own wins
  CHECK(env_value(main, "SEXTANT_ARTIFACT_URI") == nullptr);      // empty values are left out
  const json& sidecar = object["spec"]["template"]["spec"]["containers"][1];
  CHECK_FALSE(sidecar.contains("env"));  // only the primary container
}

TEST_CASE("runtime parameters are typed by the pipeline's input definitions", "[unit]") {
  json pipeline = {{"root",
                    {{"inputDefinitions",
                      {{"parameters",
                        {{"lr", {{"parameterType", "NUMBER_DOUBLE"}}},
                         {"layers", {{"parameterType", "NUMBER_INTEGER"}}},
                         {"shuffle", {{"parameterType", "BOOLEAN"}}},
                         {"optimizer", {{"parameterType", "STRING"}}},
                         {"sextant_trial", {{"parameterType", "STRING"}}}}}}}}}};
  json p = orchestration::runtime_parameters(
      pipeline, {{"lr", "0.05"}, {"layers", "3"}, {"shuffle", "true"}, {"optimizer", "adam"}},
      {{"sextant_trial", "t-1"}, {"sextant_report_url", "http://x"}});
  CHECK(p["lr"] == 0.05);
  CHECK(p["layers"].is_number_integer());
  CHECK(p["layers"] == 3);
  CHECK(p["shuffle"] == true);
  CHECK(p["optimizer"] == "adam");
  CHECK(p["sextant_trial"] == "t-1");
  CHECK_FALSE(p.contains("sextant_report_url"));  // not declared: not sent

  CHECK_THROWS_WITH(orchestration::runtime_parameters(pipeline, {{"layers", "2.5"}}, {}),
                    Catch::Contains("\"layers\" is NUMBER_INTEGER; \"2.5\" is not an integer"));
  CHECK_THROWS_WITH(
      orchestration::runtime_parameters(pipeline, {{"momentum", "0.9"}}, {}),
      Catch::Contains("declares no parameter \"momentum\"") && Catch::Contains("layers, lr"));
}

TEST_CASE("a generated pipeline runs the primary container, or each step of a DAG", "[unit]") {
  auto spec = spec_with(job());
  json object = orchestration::cluster_trial_object(spec, "exp-1", {{"lr", "0.2"}}, {}, {});
  json ir = orchestration::pipeline_for_container(object, "main", "exp");
  const json& executor = ir["deploymentSpec"]["executors"]["exec-trial"]["container"];
  CHECK(executor["image"] == "trainer");
  CHECK(executor["command"] == json({"python3", "train.py", "--lr=0.2"}));
  CHECK(ir["root"]["dag"]["tasks"]["trial"]["cachingOptions"]["enableCache"] == false);
  CHECK_THROWS_WITH(orchestration::pipeline_for_container(object, "trainer", "exp"),
                    Catch::Contains("no container named \"trainer\""));

  orchestration::Pipeline dag;
  orchestration::PipelineStep prepare;
  prepare.name = "prepare";
  prepare.command = {"/bin/true"};
  orchestration::PipelineStep train;
  train.name = "train";
  train.script = "print('loss=0.5')";
  train.command = {"python3"};
  train.dependencies = {"prepare"};
  dag.steps = {prepare, train};
  json generated = orchestration::pipeline_for_dag(dag, {{"SEXTANT_TRIAL", "exp-1"}}, "exp");
  const json& tasks = generated["root"]["dag"]["tasks"];
  CHECK(tasks["train"]["dependentTasks"] == json({"prepare"}));
  const json& script = generated["deploymentSpec"]["executors"]["exec-train"]["container"];
  CHECK(script["command"] == json({"python3"}));
  CHECK(script["args"] == json({"-c", "print('loss=0.5')"}));
  CHECK(script["env"][0]["name"] == "SEXTANT_TRIAL");

  dag.steps[1].inputs = {{"{{tasks.prepare.outputs.result}}", "prepare", ""}};
  CHECK_THROWS_WITH(orchestration::pipeline_for_dag(dag, {}, "exp"),
                    Catch::Contains("--kfp-pipeline"));
}

TEST_CASE("the File collector gives the primary pod an emptyDir, a wrapped command and a sidecar",
          "[unit]") {
  auto spec = spec_with(job());
  spec.metrics_collector.kind = engine::CollectorKind::kFile;
  spec.metrics_collector.file_path = "/var/log/katib/it's.log";
  json object = orchestration::cluster_trial_object(spec, "exp-abcdefgh", {{"lr", "0.01"}}, {}, {});
  orchestration::add_collector_sidecar(object, spec);
  const json& pod = object["spec"]["template"]["spec"];
  REQUIRE(pod["containers"].size() == 3);
  const json& main = pod["containers"][0];
  // The original argv runs as "$@" of the wrapper, which marks the end and keeps the exit code.
  CHECK(main["command"] ==
        json({"sh", "-c", "\"$@\"; code=$?; touch '/var/log/katib/.sextant-done'; exit $code",
              "sextant-file-collector"}));
  CHECK(main["args"] == json({"python3", "train.py", "--lr=0.01"}));
  CHECK(main["volumeMounts"] ==
        json::parse(R"([{"name": "sextant-metrics", "mountPath": "/var/log/katib"}])"));
  CHECK(pod["containers"][1]["name"] == "sidecar");  // the template's own, untouched
  CHECK_FALSE(pod["containers"][1].contains("volumeMounts"));
  const json& collector = pod["containers"][2];
  CHECK(collector["name"] == orchestration::kCollectorSidecar);
  CHECK(collector["image"] == "trainer");
  CHECK(collector["volumeMounts"] == main["volumeMounts"]);
  // The path is quoted for sh, even with a quote in it.
  CHECK_THAT(collector["command"][2].get<std::string>(),
             Catch::Contains(R"(f='/var/log/katib/it'\''s.log')"));
  CHECK(pod["volumes"] == json::parse(R"([{"name": "sextant-metrics", "emptyDir": {}}])"));
}

TEST_CASE("the File collector refuses primary containers it cannot wrap, saying why", "[unit]") {
  auto no_command = job();
  no_command["spec"]["template"]["spec"]["containers"][0].erase("command");
  auto spec = spec_with(no_command);
  spec.metrics_collector.kind = engine::CollectorKind::kFile;
  spec.metrics_collector.file_path = "/tmp/m.log";
  json object = orchestration::cluster_trial_object(spec, "exp-a", {{"lr", "0.01"}}, {}, {});
  CHECK_THROWS_WITH(orchestration::add_collector_sidecar(object, spec),
                    Catch::Contains("has none (it runs its image's entrypoint)"));

  json workflow = {{"apiVersion", "argoproj.io/v1alpha1"},
                   {"kind", "Workflow"},
                   {"spec",
                    {{"entrypoint", "main"},
                     {"templates",
                      {{{"name", "main"},
                        {"container", {{"image", "x"}, {"command", {"python3", "t.py"}}}}}}}}}};
  spec = spec_with(workflow);
  spec.metrics_collector.kind = engine::CollectorKind::kFile;
  spec.metrics_collector.file_path = "/tmp/m.log";
  CHECK_THROWS_WITH(orchestration::add_collector_sidecar(workflow, spec),
                    Catch::Contains("report by StdOut or push"));
}

TEST_CASE("the TensorFlowEvent sidecar prints the event files and the dump turns them back",
          "[unit]") {
  auto spec = spec_with(job());
  spec.metrics_collector.kind = engine::CollectorKind::kTensorFlowEvent;
  spec.metrics_collector.file_path = "/var/log/katib/tfevent/";
  json object = orchestration::cluster_trial_object(spec, "exp-a", {{"lr", "0.01"}}, {}, {});
  orchestration::add_collector_sidecar(object, spec);
  const json& pod = object["spec"]["template"]["spec"];
  CHECK(pod["containers"][0]["volumeMounts"][0]["mountPath"] == "/var/log/katib/tfevent");
  CHECK_THAT(pod["containers"][0]["command"][2].get<std::string>(),
             Catch::Contains("touch '/var/log/katib/tfevent/.sextant-done'"));
  CHECK_THAT(pod["containers"][2]["command"][2].get<std::string>(),
             Catch::Contains("base64") && Catch::Contains("*tfevents*"));

  sextant::testing::TempDir dir;
  orchestration::TfEventsDump dump(dir.path());
  for (std::string line :
       {"training output the dump ignores", "sextant-tfevents-file train/events.out.tfevents.1",
        "aGVsbG8g", "d29ybGQ=", "sextant-tfevents-end", "sextant-tfevents-file ../escape",
        "aGk=", "sextant-tfevents-end", "sextant-tfevents-file /abs//x.tfevents", "!!!",
        "sextant-tfevents-end"})
    dump.line(line);
  CHECK(dump.files() == 1);
  std::ifstream written(dir.path() / "train" / "events.out.tfevents.1");
  CHECK(std::string(std::istreambuf_iterator<char>(written), {}) == "hello world");
  REQUIRE(dump.problems().size() == 2);
  CHECK_THAT(dump.problems()[0], Catch::Contains("not a path below the directory"));
  CHECK_THAT(dump.problems()[1], Catch::Contains("does not decode"));
}
