// Katib's validation rules (katib.md section 1.10) and the stricter ones, each with its location.
#include "tests/engine/spec_test_support.hpp"

using namespace sextant;
using namespace sextant::engine;
using namespace sextant::spec_test;

namespace {
// Rejects `text` and returns the diagnostic at `path` after checking its message and line.
Diagnostic expect_problem(const std::string& text, const std::string& path,
                          const std::string& message_part, int line) {
  auto d = at_path(rejections(text), path);
  CHECK_THAT(d.message, Catch::Contains(message_part));
  CHECK(d.file == "exp.yaml");
  CHECK(d.line == line);
  CHECK(d.column > 0);
  return d;
}

const std::string kParam0Space = "spec.parameters[0].feasibleSpace";
}  // namespace

TEST_CASE("spec validation: the valid fixture is accepted") {
  CHECK_NOTHROW(parse(kValidSpec));
}

TEST_CASE("spec validation: experiment name rules") {
  auto long_name = std::string(41, 'a');
  auto text = replace(kValidSpec, "name: demo", "name: " + long_name);
  expect_problem(text, "metadata.name", "at most 40 characters", 4);
  expect_problem(replace(kValidSpec, "name: demo", "name: Demo"), "metadata.name",
                 "must start with a lowercase letter", 4);
  expect_problem(replace(kValidSpec, "name: demo", "name: demo_1"), "metadata.name",
                 "lowercase letters", 4);
  expect_problem(replace(kValidSpec, "  name: demo\n", "  labels: {a: b}\n"), "metadata.name",
                 "is required", 3);
  expect_problem(replace(kValidSpec, "  name: demo\n", "  name: demo\n  namespace: Team_A\n"),
                 "metadata.namespace", "DNS label", 5);
}

TEST_CASE("spec validation: apiVersion must be kubeflow.org/v1beta1") {
  auto d = expect_problem(replace(kValidSpec, "kubeflow.org/v1beta1", "kubeflow.org/v1alpha3"),
                          "apiVersion", "kubeflow.org/v1alpha3", 1);
  CHECK_THAT(d.message, Catch::Contains("expected \"kubeflow.org/v1beta1\""));
}

TEST_CASE("spec validation: trial counts") {
  auto counts = [](const std::string& lines) {
    return replace(kValidSpec, "  maxTrialCount: 12\n  maxFailedTrialCount: 3\n", lines);
  };
  int line = line_of(kValidSpec, "maxTrialCount");
  expect_problem(counts("  maxTrialCount: 12\n  parallelTrialCount: 0\n"),
                 "spec.parallelTrialCount", "must be greater than 0", line + 1);
  expect_problem(counts("  maxTrialCount: 0\n"), "spec.maxTrialCount", "must be greater than 0",
                 line);
  expect_problem(counts("  maxTrialCount: 12\n  maxFailedTrialCount: -1\n"),
                 "spec.maxFailedTrialCount", "must not be negative", line + 1);
  expect_problem(counts("  maxTrialCount: 12\n  maxFailedTrialCount: 13\n"),
                 "spec.maxFailedTrialCount", "must not exceed maxTrialCount (12)", line + 1);
  expect_problem(counts("  maxTrialCount: 2\n"), "spec.parallelTrialCount",
                 "(3) must not exceed maxTrialCount (2)", line_of(kValidSpec, "spec:"));
  // Equality is allowed, as in Katib.
  CHECK_NOTHROW(parse(counts("  maxTrialCount: 3\n  maxFailedTrialCount: 3\n")));
}

TEST_CASE("spec validation: objective rules") {
  expect_problem(replace(kValidSpec, "type: minimize", "type: minimise"), "spec.objective.type",
                 "expected minimize or maximize", 7);
  expect_problem(replace(kValidSpec, "    objectiveMetricName: loss\n", ""),
                 "spec.objective.objectiveMetricName", "is required", 6);
  expect_problem(replace(kValidSpec, "      - accuracy\n", "      - loss\n"),
                 "spec.objective.additionalMetricNames[0]", "must not repeat the objective", 11);
  expect_problem(replace(kValidSpec, "      - accuracy\n", "      - accuracy\n      - accuracy\n"),
                 "spec.objective.additionalMetricNames[1]", "duplicate metric name", 12);
  expect_problem(replace(kValidSpec, "goal: 0.001", "goal: low"), "spec.objective.goal",
                 "expected a number, found string \"low\"", 8);
  auto strategies = [](const std::string& entry) {
    return replace(kValidSpec, "      - accuracy\n",
                   "      - accuracy\n    metricStrategies:\n" + entry);
  };
  expect_problem(strategies("      - {name: loss, value: average}\n"),
                 "spec.objective.metricStrategies[0].value", "expected min, max or latest", 13);
  expect_problem(strategies("      - {name: f1, value: max}\n"),
                 "spec.objective.metricStrategies[0].name", "no metric named \"f1\"", 13);
}

TEST_CASE("spec validation: algorithm name, earlyStopping name and resumePolicy") {
  expect_problem(replace(kValidSpec, "    algorithmName: random\n", "    algorithmName: \"\"\n"),
                 "spec.algorithm.algorithmName", "must not be empty", 13);
  expect_problem(replace(kValidSpec, "  algorithm:\n    algorithmName: random\n", ""),
                 "spec.algorithm", "is required", line_of(kValidSpec, "spec:"));
  expect_problem(replace(kValidSpec, "  maxTrialCount: 12\n",
                         "  maxTrialCount: 12\n  earlyStopping:\n    algorithmSettings: []\n"),
                 "spec.earlyStopping.algorithmName", "is required", 15);
  expect_problem(
      replace(kValidSpec, "  maxTrialCount: 12\n", "  maxTrialCount: 12\n  resumePolicy: Always\n"),
      "spec.resumePolicy", "expected Never, LongRunning or FromVolume", 15);
}

TEST_CASE("spec validation: parameters and nasConfig are exclusive, one is required") {
  auto start = kValidSpec.find("  parameters:\n");
  auto end = kValidSpec.find("  trialTemplate:\n");
  auto without = kValidSpec.substr(0, start) + kValidSpec.substr(end);
  auto diagnostics = rejections(without);
  CHECK_THAT(at_path(diagnostics, "spec.parameters").message, Catch::Contains("nasConfig"));

  auto both = replace(kValidSpec, "  trialTemplate:\n",
                      "  nasConfig:\n    operations:\n      - operationType: conv\n"
                      "        parameters:\n          - name: size\n"
                      "            parameterType: categorical\n"
                      "            feasibleSpace: {list: [\"3\"]}\n  trialTemplate:\n");
  expect_problem(both, "spec.nasConfig", "must not be set together with spec.parameters",
                 line_of(both, "nasConfig:"));
}

TEST_CASE("spec validation: parameter type, distribution and feasibleSpace shape") {
  expect_problem(replace(kValidSpec, "parameterType: double", "parameterType: float"),
                 "spec.parameters[0].parameterType", "unknown parameterType \"float\"", 18);
  expect_problem(replace(kValidSpec, "        min: \"0.01\"\n",
                         "        min: \"0.01\"\n        distribution: gaussian\n"),
                 kParam0Space + ".distribution", "unknown distribution \"gaussian\"", 21);
  expect_problem(
      replace(kValidSpec, "      feasibleSpace:\n        min: \"0.01\"\n        max: \"0.05\"\n",
              ""),
      kParam0Space, "is required", 17);
  expect_problem(replace(kValidSpec, "        max: \"0.05\"\n",
                         "        max: \"0.05\"\n        list: [\"0.02\"]\n"),
                 kParam0Space + ".list", "must not be set for a double parameter", 22);
  expect_problem(replace(kValidSpec, "        max: \"0.05\"\n", ""), kParam0Space + ".max",
                 "is required for a double parameter", 19);
  expect_problem(replace(kValidSpec, "        list: [\"sgd\", \"adam\"]\n",
                         "        list: [\"sgd\", \"adam\"]\n        min: \"1\"\n"),
                 "spec.parameters[2].feasibleSpace.min", "must not be set for a categorical", 32);
}

TEST_CASE("spec validation: min must be below max") {
  auto d = expect_problem(replace(kValidSpec, "max: \"0.05\"", "max: \"0.001\""), kParam0Space,
                          "min (0.01) must be below max (0.001)", 19);
  CHECK(d.to_string() ==
        "exp.yaml:19:7: spec.parameters[0].feasibleSpace: min (0.01) must be below max (0.001)");
  expect_problem(replace(kValidSpec, "max: \"0.05\"", "max: \"0.01\""), kParam0Space,
                 "must be below max", 19);
  // An int range may hold a single value (Katib's hyperband example does this).
  CHECK_NOTHROW(parse(
      replace(replace(kValidSpec, "max: \"128\"", "max: \"16\""), "        step: \"16\"\n", "")));
  expect_problem(replace(kValidSpec, "max: \"128\"", "max: \"8\""),
                 "spec.parameters[1].feasibleSpace", "min (16) must not be above max (8)", 24);
}

TEST_CASE("spec validation: min, max and step must be numbers, integers for int") {
  expect_problem(replace(kValidSpec, "min: \"0.01\"", "min: \"one\""), kParam0Space + ".min",
                 "expected a number, found string \"one\"", 20);
  expect_problem(replace(kValidSpec, "min: \"16\"", "min: \"16.5\""),
                 "spec.parameters[1].feasibleSpace.min", "expected an integer", 25);
  expect_problem(replace(kValidSpec, "min: \"0.01\"", "min: [1]"), kParam0Space + ".min",
                 "expected a number, found a list", 20);
  // Numbers written as YAML numbers are accepted.
  CHECK_NOTHROW(parse(replace(kValidSpec, "min: \"0.01\"", "min: 0.01")));
}

TEST_CASE("spec validation: step must be positive and fit the range") {
  expect_problem(replace(kValidSpec, "step: \"16\"", "step: \"0\""),
                 "spec.parameters[1].feasibleSpace.step", "must be greater than 0", 27);
  expect_problem(replace(kValidSpec, "step: \"16\"", "step: \"-4\""),
                 "spec.parameters[1].feasibleSpace.step", "must be greater than 0", 27);
  expect_problem(replace(kValidSpec, "step: \"16\"", "step: \"200\""),
                 "spec.parameters[1].feasibleSpace.step", "must not exceed max - min (112)", 27);
}

TEST_CASE("spec validation: lists must be non-empty, unique, numeric for discrete") {
  expect_problem(replace(kValidSpec, "list: [\"sgd\", \"adam\"]", "list: []"),
                 "spec.parameters[2].feasibleSpace.list", "must not be empty", 31);
  expect_problem(replace(kValidSpec, "list: [\"sgd\", \"adam\"]", "list: [\"sgd\", \"sgd\"]"),
                 "spec.parameters[2].feasibleSpace.list[1]", "duplicate value \"sgd\"", 31);
  auto discrete = replace(kValidSpec, "parameterType: categorical", "parameterType: discrete");
  expect_problem(discrete, "spec.parameters[2].feasibleSpace.list[0]",
                 "expected a number for a discrete parameter", 31);
  CHECK_NOTHROW(parse(replace(discrete, "list: [\"sgd\", \"adam\"]", "list: [1, \"2.5\"]")));
  expect_problem(replace(kValidSpec, "        list: [\"sgd\", \"adam\"]\n", "        [1]\n"),
                 "spec.parameters[2].feasibleSpace", "expected a map, found a list", 30);
}

TEST_CASE("spec validation: unique parameter names") {
  auto text = replace(kValidSpec, "    - name: batch\n", "    - name: lr\n");
  auto d = expect_problem(text, "spec.parameters[1].name", "duplicate parameter name \"lr\"", 22);
  CHECK_THAT(d.message, Catch::Contains("spec.parameters[0]"));
}

TEST_CASE("spec validation: log distributions need min above 0") {
  auto text = replace(replace(kValidSpec, "min: \"0.01\"", "min: \"0\""), "        max: \"0.05\"\n",
                      "        max: \"0.05\"\n        distribution: logUniform\n");
  expect_problem(text, kParam0Space + ".min", "must be greater than 0 for a logUniform", 20);
}

TEST_CASE("spec validation: trial template source and required fields") {
  expect_problem(replace(kValidSpec, "    primaryContainerName: training\n", ""),
                 "spec.trialTemplate.primaryContainerName", "is required", 32);
  auto both = replace(kValidSpec, "    trialParameters:\n",
                      "    configMap:\n      configMapName: templates\n"
                      "      configMapNamespace: kubeflow\n      templatePath: job.yaml\n"
                      "    trialParameters:\n");
  expect_problem(both, "spec.trialTemplate.configMap", "must not be set together with trialSpec",
                 34);
  auto spec_start = kValidSpec.find("    trialSpec:\n");
  auto neither = kValidSpec.substr(0, spec_start);
  auto d = at_path(rejections(neither), "spec.trialTemplate");
  CHECK_THAT(d.message, Catch::Contains("one of trialSpec or configMap is required"));
  CHECK(d.line == 32);
  expect_problem(replace(kValidSpec, "    trialParameters:\n      - name: learningRate\n",
                         "    trialParamaters:\n      - name: learningRate\n"),
                 "spec.trialTemplate.trialParamaters", "unknown field \"trialParamaters\"", 34);
}

TEST_CASE("spec validation: trialSpec needs apiVersion and kind, no name or namespace") {
  expect_problem(replace(kValidSpec, "      kind: Job\n", ""), "spec.trialTemplate.trialSpec.kind",
                 "is required", 41);
  expect_problem(replace(kValidSpec, "      kind: Job\n",
                         "      kind: Job\n      metadata:\n"
                         "        name: fixed\n"),
                 "spec.trialTemplate.trialSpec.metadata.name", "must not be set", 45);
}

TEST_CASE("spec validation: a batch/v1 Job must have the primary container") {
  auto d = expect_problem(
      replace(kValidSpec, "primaryContainerName: training", "primaryContainerName: trainer"),
      "spec.trialTemplate.primaryContainerName", "no container named \"trainer\"", 33);
  CHECK_THAT(d.message, Catch::Contains("found: training"));
}

TEST_CASE("spec validation: trial parameters") {
  auto block_start = kValidSpec.find("    trialParameters:\n");
  auto block_end = kValidSpec.find("    trialSpec:\n");
  auto as_map = kValidSpec.substr(0, block_start) + "    trialParameters: {}\n" +
                kValidSpec.substr(block_end);
  expect_problem(as_map, "spec.trialTemplate.trialParameters", "expected a list, found a map", 34);
  expect_problem(replace(replace(kValidSpec, "- name: learningRate", "- name: \"{lr}\""),
                         "${trialParameters.learningRate}", "${trialParameters.{lr}}"),
                 "spec.trialTemplate.trialParameters[0].name", "must not contain { or }", 35);
  auto duplicate = replace(replace(kValidSpec, "- name: batchSize", "- name: learningRate"),
                           "${trialParameters.batchSize}", "${trialParameters.learningRate}");
  expect_problem(duplicate, "spec.trialTemplate.trialParameters[1].name",
                 "duplicate trial parameter name", 37);
  expect_problem(replace(kValidSpec, "reference: batch", "reference: lr"),
                 "spec.trialTemplate.trialParameters[1].reference", "duplicate reference \"lr\"",
                 38);
  auto d = expect_problem(replace(kValidSpec, "reference: batch", "reference: batch_size"),
                          "spec.trialTemplate.trialParameters[1].reference",
                          "neither a spec.parameters name", 38);
  CHECK_THAT(d.message, Catch::Contains("lr, batch, optimizer"));
}

TEST_CASE("spec validation: every parameter must reach the trial") {
  auto text =
      replace(replace(kValidSpec, "      - name: optimizer\n        reference: optimizer\n", ""),
              "                  - --optimizer=${trialParameters.optimizer}\n", "");
  expect_problem(text, "spec.parameters[2].name", "not referenced by any", 28);
}

TEST_CASE("spec validation: placeholders must be declared and used") {
  auto undeclared = replace(kValidSpec, "- train.py", "- ${trialParameters.epochs}");
  auto d = expect_problem(
      undeclared, "spec.trialTemplate.trialSpec.spec.template.spec.containers[0].command[1]",
      "${trialParameters.epochs} is not declared", line_of(kValidSpec, "- train.py"));
  CHECK(d.column == 21);
  auto unused =
      replace(kValidSpec, "                  - --batch=${trialParameters.batchSize}\n", "");
  expect_problem(unused, "spec.trialTemplate.trialParameters[1].name",
                 "${trialParameters.batchSize} does not appear in spec.trialTemplate.trialSpec",
                 37);
}

TEST_CASE("spec validation: metadata references") {
  auto with_ref = [](const std::string& ref) {
    return replace(replace(kValidSpec, "    trialSpec:\n",
                           "      - name: who\n        reference: " + ref + "\n    trialSpec:\n"),
                   "- train.py", "- --who=${trialParameters.who}");
  };
  CHECK_NOTHROW(parse(with_ref("${trialSpec.Name}")));
  CHECK_NOTHROW(parse(with_ref("${trialSpec.Namespace}")));
  CHECK_NOTHROW(parse(with_ref("${trialSpec.Kind}")));
  CHECK_NOTHROW(parse(with_ref("${trialSpec.APIVersion}")));
  expect_problem(with_ref("${trialSpec.Uid}"), "spec.trialTemplate.trialParameters[3].reference",
                 "unknown trialSpec reference", 42);
  expect_problem(with_ref("${trialSpec.Labels[team]}"),
                 "spec.trialTemplate.trialParameters[3].reference",
                 "trialSpec.metadata.labels has no key \"team\"", 42);
  auto labelled =
      replace(with_ref("${trialSpec.Labels[team]}"), "      kind: Job\n",
              "      kind: Job\n      metadata:\n        labels:\n          team: ml\n");
  CHECK_NOTHROW(parse(labelled));
}

TEST_CASE("spec validation: a configMap template is accepted with its three fields") {
  auto start = kValidSpec.find("    trialSpec:\n");
  auto base = kValidSpec.substr(0, start);
  auto cm = base +
            "    successCondition: status.ok\n    failureCondition: status.failed\n"
            "    configMap:\n      configMapName: trial-templates\n"
            "      configMapNamespace: kubeflow\n      templatePath: job.yaml\n";
  auto spec = parse(cm);
  REQUIRE(spec.trial_template.config_map.has_value());
  CHECK(spec.trial_template.config_map->template_path == "job.yaml");
  CHECK_FALSE(spec.trial_template.trial_spec.has_value());
  expect_problem(replace(cm, "      templatePath: job.yaml\n", ""),
                 "spec.trialTemplate.configMap.templatePath", "is required",
                 line_of(cm, "configMap:"));
}

TEST_CASE("spec validation: metrics collector rules") {
  auto collector = [](const std::string& block) {
    return replace(kValidSpec, "  algorithm:\n",
                   "  metricsCollectorSpec:\n" + block + "  algorithm:\n");
  };
  expect_problem(collector("    collector:\n      kind: None\n"),
                 "spec.metricsCollectorSpec.collector.kind", "Push", 14);
  expect_problem(collector("    collector:\n      kind: File\n    source:\n      fileSystemPath:\n"
                           "        path: metrics.log\n        kind: File\n"),
                 "spec.metricsCollectorSpec.source.fileSystemPath.path", "absolute path", 17);
  expect_problem(collector("    collector:\n      kind: File\n    source:\n      fileSystemPath:\n"
                           "        path: /m\n        kind: Directory\n"),
                 "spec.metricsCollectorSpec.source.fileSystemPath.kind", "must be File", 18);
  expect_problem(collector("    collector:\n      kind: File\n    source:\n      fileSystemPath:\n"
                           "        path: /m\n        kind: File\n        format: XML\n"),
                 "spec.metricsCollectorSpec.source.fileSystemPath.format", "TEXT or JSON", 19);
  expect_problem(collector("    collector:\n      kind: File\n    source:\n"
                           "      filter:\n        metricsFormat: [\"(\\\\w+)=(\\\\S+)\"]\n"
                           "      fileSystemPath:\n"
                           "        path: /m.json\n        kind: File\n        format: JSON\n"),
                 "spec.metricsCollectorSpec.source.filter", "format JSON", 16);
  expect_problem(collector("    collector:\n      kind: TensorFlowEvent\n    source:\n"
                           "      fileSystemPath:\n        path: /logs\n        kind: Directory\n"
                           "        format: TEXT\n"),
                 "spec.metricsCollectorSpec.source.fileSystemPath.format", "must not be set", 19);
  expect_problem(collector("    collector:\n      kind: PrometheusMetric\n    source:\n"
                           "      httpGet:\n        path: metrics\n        port: 0\n"),
                 "spec.metricsCollectorSpec.source.httpGet.port", "port number", 18);
  expect_problem(collector("    collector:\n      kind: Custom\n"),
                 "spec.metricsCollectorSpec.collector.customCollector", "is required", 13);
}

TEST_CASE("spec validation: metric filters need two capture groups and must compile") {
  auto filter = [](const std::string& regex) {
    return replace(kValidSpec, "  algorithm:\n",
                   "  metricsCollectorSpec:\n    source:\n      filter:\n        metricsFormat:\n"
                   "          - '" +
                       regex + "'\n  algorithm:\n");
  };
  expect_problem(filter("(\\w+)=\\d+"), "spec.metricsCollectorSpec.source.filter.metricsFormat[0]",
                 "needs two capture groups", 16);
  expect_problem(filter("(\\w+=(\\d+)"), "spec.metricsCollectorSpec.source.filter.metricsFormat[0]",
                 "does not compile", 16);
  // Katib's own example: braces that are not a repetition are literal, as in Go.
  auto spec = parse(filter("{metricName: ([\\w|-]+), metricValue: ((-?\\d+)(\\.\\d+)?)}"));
  REQUIRE(spec.metrics_collector.filters.size() == 1);
}

TEST_CASE("spec validation: wrong types are reported with what was expected and found") {
  auto d =
      expect_problem(replace(kValidSpec, "  maxTrialCount: 12\n",
                             "  maxTrialCount: 12\n  parallelTrialCount: \"abc\"\n"),
                     "spec.parallelTrialCount", "expected an integer, found string \"abc\"", 15);
  CHECK(d.column == 23);
  expect_problem(replace(kValidSpec, "  maxTrialCount: 12\n", "  maxTrialCount: 1.5\n"),
                 "spec.maxTrialCount", "expected an integer, found number 1.5", 14);
  auto params = kValidSpec.substr(0, kValidSpec.find("  parameters:\n")) + "  parameters: lr\n" +
                kValidSpec.substr(kValidSpec.find("  trialTemplate:\n"));
  expect_problem(params, "spec.parameters", "expected a list, found string \"lr\"", 16);
  expect_problem(replace(kValidSpec, "    primaryContainerName: training\n",
                         "    primaryContainerName: training\n    retain: yes\n"),
                 "spec.trialTemplate.retain", "expected true or false, found string \"yes\"", 34);
}
