// Katib's defaults (katib.md section 1.9) as applied by the spec loader.
#include "tests/engine/spec_test_support.hpp"

using namespace sextant;
using namespace sextant::engine;
using namespace sextant::spec_test;

namespace {
std::string with_kind(const std::string& api_version, const std::string& kind) {
  return replace(kValidSpec, "      apiVersion: batch/v1\n      kind: Job",
                 "      apiVersion: " + api_version + "\n      kind: " + kind);
}

std::string with_collector(const std::string& block) {
  return replace(kValidSpec, "  algorithm:\n", block + "  algorithm:\n");
}
}  // namespace

TEST_CASE("spec defaults: parallelTrialCount, resumePolicy and namespace") {
  auto spec = parse(kValidSpec);
  CHECK(spec.parallel_trial_count == 3);
  CHECK(spec.resume_policy == "Never");
  CHECK(spec.namespace_name == "default");
  CHECK(spec.document["spec"]["parallelTrialCount"] == 3);
  CHECK(spec.document["spec"]["resumePolicy"] == "Never");
  CHECK(spec.document["metadata"]["namespace"] == "default");

  auto explicit_values = replace(
      replace(kValidSpec, "  maxTrialCount: 12\n",
              "  maxTrialCount: 12\n  parallelTrialCount: 5\n  resumePolicy: LongRunning\n"),
      "  name: demo\n", "  name: demo\n  namespace: team-a\n");
  auto spec2 = parse(explicit_values);
  CHECK(spec2.parallel_trial_count == 5);
  CHECK(spec2.resume_policy == "LongRunning");
  CHECK(spec2.namespace_name == "team-a");
}

TEST_CASE("spec defaults: metric strategies follow the objective type, additional metrics too") {
  auto minimize = parse(kValidSpec);
  REQUIRE(minimize.objective.metric_strategies.size() == 2);
  CHECK(minimize.objective.strategy_for("loss") == MetricStrategy::kMin);
  CHECK(minimize.objective.strategy_for("accuracy") == MetricStrategy::kMin);
  const auto& strategies = minimize.document["spec"]["objective"]["metricStrategies"];
  REQUIRE(strategies.size() == 2);
  CHECK(strategies[0] == nlohmann::json({{"name", "loss"}, {"value", "min"}}));
  CHECK(strategies[1] == nlohmann::json({{"name", "accuracy"}, {"value", "min"}}));

  auto maximize = parse(replace(kValidSpec, "type: minimize", "type: maximize"));
  CHECK(maximize.objective.type == ObjectiveType::kMaximize);
  CHECK(maximize.objective.strategy_for("loss") == MetricStrategy::kMax);
  CHECK(maximize.objective.strategy_for("accuracy") == MetricStrategy::kMax);

  // A strategy the user gave is kept; only the missing one is added.
  auto given = parse(replace(kValidSpec, "      - accuracy\n",
                             "      - accuracy\n    metricStrategies:\n"
                             "      - name: accuracy\n        value: latest\n"));
  CHECK(given.objective.strategy_for("accuracy") == MetricStrategy::kLatest);
  CHECK(given.objective.strategy_for("loss") == MetricStrategy::kMin);
  CHECK(given.objective.all_metric_names() == std::vector<std::string>{"loss", "accuracy"});
}

TEST_CASE("spec defaults: Job trial templates get Complete/Failed conditions, no pod labels") {
  auto spec = parse(kValidSpec);
  CHECK(spec.trial_template.success_condition ==
        R"(status.conditions.#(type=="Complete")#|#(status=="True")#)");
  CHECK(spec.trial_template.failure_condition ==
        R"(status.conditions.#(type=="Failed")#|#(status=="True")#)");
  CHECK(spec.trial_template.primary_pod_labels.empty());
  CHECK(spec.document["spec"]["trialTemplate"]["successCondition"] ==
        spec.trial_template.success_condition);
  CHECK_FALSE(spec.document["spec"]["trialTemplate"].contains("primaryPodLabels"));
}

TEST_CASE("spec defaults: Kubeflow training jobs get Succeeded/Failed and the master pod label") {
  for (const char* kind : {"TFJob", "PyTorchJob", "XGBoostJob", "MPIJob"}) {
    INFO(kind);
    auto spec = parse(with_kind("kubeflow.org/v1", kind));
    CHECK(spec.trial_template.success_condition ==
          R"(status.conditions.#(type=="Succeeded")#|#(status=="True")#)");
    CHECK(spec.trial_template.failure_condition ==
          R"(status.conditions.#(type=="Failed")#|#(status=="True")#)");
    CHECK(spec.trial_template.primary_pod_labels ==
          std::map<std::string, std::string>{{"training.kubeflow.org/job-role", "master"}});
  }
}

TEST_CASE("spec defaults: TrainJob gets Complete/Failed and the node-0 pod labels") {
  auto spec = parse(with_kind("trainer.kubeflow.org/v1alpha1", "TrainJob"));
  CHECK(spec.trial_template.success_condition ==
        R"(status.conditions.#(type=="Complete")#|#(status=="True")#)");
  CHECK(spec.trial_template.failure_condition ==
        R"(status.conditions.#(type=="Failed")#|#(status=="True")#)");
  CHECK(spec.trial_template.primary_pod_labels ==
        std::map<std::string, std::string>{{"jobset.sigs.k8s.io/replicatedjob-name", "node"},
                                           {"batch.kubernetes.io/job-completion-index", "0"}});
}

TEST_CASE("spec defaults: conditions and pod labels the user set are kept") {
  auto text =
      replace(with_kind("kubeflow.org/v1", "PyTorchJob"), "    primaryContainerName: training\n",
              "    primaryContainerName: training\n"
              "    successCondition: status.done\n"
              "    primaryPodLabels:\n      role: chief\n");
  auto spec = parse(text);
  CHECK(spec.trial_template.success_condition == "status.done");
  CHECK(spec.trial_template.failure_condition ==
        R"(status.conditions.#(type=="Failed")#|#(status=="True")#)");
  CHECK(spec.trial_template.primary_pod_labels ==
        std::map<std::string, std::string>{{"role", "chief"}});
}

TEST_CASE("spec defaults: other trial kinds get no conditions, so they must set both") {
  auto diagnostics = rejections(with_kind("argoproj.io/v1alpha1", "Workflow"));
  auto success = at_path(diagnostics, "spec.trialTemplate.successCondition");
  CHECK_THAT(success.message, Catch::Contains("is required"));
  at_path(diagnostics, "spec.trialTemplate.failureCondition");
  CHECK(success.line == line_of(kValidSpec, "trialTemplate:"));
}

TEST_CASE("spec defaults: the metrics collector is StdOut by default") {
  auto spec = parse(kValidSpec);
  CHECK(spec.metrics_collector.kind == CollectorKind::kStdOut);
  CHECK(spec.metrics_collector.filters.empty());
  CHECK(spec.document["spec"]["metricsCollectorSpec"] ==
        nlohmann::json::parse(R"({"collector":{"kind":"StdOut"}})"));
}

TEST_CASE("spec defaults: a File collector gets Katib's file path, kind File and format TEXT") {
  auto spec = parse(with_collector("  metricsCollectorSpec:\n    collector:\n      kind: File\n"));
  CHECK(spec.metrics_collector.kind == CollectorKind::kFile);
  CHECK(spec.metrics_collector.file_path == "/var/log/katib/metrics.log");
  CHECK(spec.metrics_collector.file_path_kind == "File");
  CHECK(spec.metrics_collector.format == FileFormat::kText);
  CHECK(spec.document["spec"]["metricsCollectorSpec"]["source"]["fileSystemPath"] ==
        nlohmann::json::parse(
            R"({"kind":"File","path":"/var/log/katib/metrics.log","format":"TEXT"})"));

  // With its own path the format is still defaulted.
  auto own = parse(with_collector(
      "  metricsCollectorSpec:\n    collector:\n      kind: File\n    source:\n"
      "      fileSystemPath:\n        path: /out/metrics.txt\n        kind: File\n"));
  CHECK(own.metrics_collector.file_path == "/out/metrics.txt");
  CHECK(own.document["spec"]["metricsCollectorSpec"]["source"]["fileSystemPath"]["format"] ==
        "TEXT");
}

TEST_CASE("spec defaults: TensorFlowEvent and PrometheusMetric collector sources") {
  auto tf = parse(
      with_collector("  metricsCollectorSpec:\n    collector:\n      kind: TensorFlowEvent\n"));
  CHECK(tf.metrics_collector.kind == CollectorKind::kTensorFlowEvent);
  CHECK(tf.metrics_collector.file_path == "/var/log/katib/tfevent/");
  CHECK(tf.metrics_collector.file_path_kind == "Directory");

  auto prometheus = parse(
      with_collector("  metricsCollectorSpec:\n    collector:\n      kind: PrometheusMetric\n"));
  CHECK(prometheus.metrics_collector.kind == CollectorKind::kPrometheusMetric);
  CHECK(prometheus.document["spec"]["metricsCollectorSpec"]["source"]["httpGet"] ==
        nlohmann::json::parse(R"({"path":"/metrics","port":8080})"));
}

TEST_CASE("spec defaults: every parameter gets distribution uniform") {
  auto spec = parse(replace(kValidSpec, "        min: \"0.01\"\n",
                            "        min: \"0.01\"\n        distribution: logUniform\n"));
  const auto& params = spec.parameters.parameters;
  REQUIRE(params.size() == 3);
  CHECK(params[0].distribution == Distribution::kLogUniform);
  CHECK(params[1].distribution == Distribution::kUniform);
  CHECK(params[2].distribution == Distribution::kUniform);
  const auto& doc = spec.document["spec"]["parameters"];
  CHECK(doc[0]["feasibleSpace"]["distribution"] == "logUniform");
  CHECK(doc[1]["feasibleSpace"]["distribution"] == "uniform");
  CHECK(doc[2]["feasibleSpace"]["distribution"] == "uniform");
}

TEST_CASE("spec typed fields: parameters, counts, template and algorithm are derived") {
  auto spec = parse(kValidSpec);
  CHECK(spec.name == "demo");
  CHECK(spec.max_trial_count == 12);
  CHECK(spec.max_failed_trial_count == 3);
  CHECK(spec.objective.goal == Approx(0.001));
  CHECK(spec.objective.objective_metric_name == "loss");
  CHECK(spec.algorithm.algorithm_name == "random");
  CHECK_FALSE(spec.early_stopping.has_value());
  const auto& p = spec.parameters.parameters;
  REQUIRE(p.size() == 3);
  CHECK(p[0].type == ParameterType::kDouble);
  CHECK(p[0].min == Approx(0.01));
  CHECK(p[0].max == Approx(0.05));
  CHECK(p[1].type == ParameterType::kInt);
  CHECK(p[1].step == 16);
  CHECK(p[2].list == std::vector<std::string>{"sgd", "adam"});
  CHECK(spec.trial_template.primary_container_name == "training");
  REQUIRE(spec.trial_template.trial_parameters.size() == 3);
  CHECK(spec.trial_template.trial_parameters[1].reference == "batch");
  REQUIRE(spec.trial_template.trial_spec.has_value());
  CHECK((*spec.trial_template.trial_spec)["kind"] == "Job");
  CHECK(spec.source_file == "exp.yaml");
  CHECK(spec.code_dir == std::filesystem::path("/code"));
}

TEST_CASE("spec defaults: numbers in Katib's string fields are stored as written") {
  auto text = replace(
      replace(replace(kValidSpec, "min: \"0.01\"", "min: 0.010"), "max: \"128\"", "max: 128"),
      "    algorithmName: random\n",
      "    algorithmName: random\n    algorithmSettings:\n"
      "      - name: random_state\n        value: 7\n");
  text = replace(text, "goal: 0.001", "goal: \"0.001\"");
  auto spec = parse(text);
  const auto& doc = spec.document["spec"];
  CHECK(doc["parameters"][0]["feasibleSpace"]["min"] == "0.010");
  CHECK(doc["parameters"][1]["feasibleSpace"]["max"] == "128");
  CHECK(doc["algorithm"]["algorithmSettings"][0]["value"] == "7");
  CHECK(doc["objective"]["goal"].is_number());
  CHECK(spec.parameters.parameters[0].min == Approx(0.01));
  REQUIRE(spec.algorithm.setting("random_state") != nullptr);
  CHECK(*spec.algorithm.setting("random_state") == "7");
}
