// darts: Katib's assignments byte for byte (expected strings printed by Katib's
// get_algorithm_settings / get_search_space run with /usr/bin/python3) and Katib's checks.
#include <catch2/catch.hpp>

#include "algorithms/darts/darts.hpp"
#include "algorithms/darts/darts_settings.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"
#include "tests/algorithms/nas_test_support.hpp"

namespace sextant::test {
namespace {

const algorithms::DartsFactory kFactory;

// Katib's examples/v1beta1/nas/darts-cpu.yaml (nas_darts-cpu.yaml), minus the metrics collector.
const std::string kDartsSpec = R"(apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: darts-cpu
spec:
  parallelTrialCount: 1
  maxTrialCount: 1
  maxFailedTrialCount: 1
  objective:
    type: maximize
    objectiveMetricName: Best-Genotype
  algorithm:
    algorithmName: darts
    algorithmSettings:
      - name: num_epochs
        value: "1"
      - name: num_nodes
        value: "1"
      - name: init_channels
        value: "1"
      - name: stem_multiplier
        value: "1"
  nasConfig:
    graphConfig:
      numLayers: 1
    operations:
      - operationType: max_pooling
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list:
                - "3"
  trialTemplate:
    primaryContainerName: training-container
    trialParameters:
      - name: algorithmSettings
        reference: algorithm-settings
      - name: searchSpace
        reference: search-space
      - name: numberLayers
        reference: num-layers
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: training-container
                image: python:3
                command:
                  - python3
                  - run_trial.py
                  - --algorithm-settings="${trialParameters.algorithmSettings}"
                  - --search-space="${trialParameters.searchSpace}"
                  - --num-layers="${trialParameters.numberLayers}"
            restartPolicy: Never
)";

engine::ExperimentSpec darts_spec(std::vector<engine::AlgorithmSetting> settings) {
  auto spec = parse_nas_spec(kDartsSpec, "darts");
  spec.algorithm.settings = std::move(settings);
  return spec;
}

const std::string kDefaults =
    "{'num_epochs': 50, 'w_lr': 0.025, 'w_lr_min': 0.001, 'w_momentum': 0.9, "
    "'w_weight_decay': 0.0003, 'w_grad_clip': 5.0, 'alpha_lr': 0.0003, 'alpha_weight_decay': "
    "0.001, 'batch_size': 128, 'num_workers': 4, 'init_channels': 16, 'print_step': 50, "
    "'num_nodes': 4, 'stem_multiplier': 3}";

}  // namespace

TEST_CASE("darts: Katib's darts-cpu example gets Katib's exact assignments", "[darts]") {
  auto spec = parse_nas_spec(kDartsSpec, "darts");
  REQUIRE(kFactory.validate(spec).empty());
  auto algorithm = kFactory.create(spec);
  auto result = algorithm->suggest({}, 1);
  REQUIRE(result.suggestions.size() == 1);
  CHECK_FALSE(result.exhausted);
  const auto& a = result.suggestions[0].assignment;
  REQUIRE(a.size() == 3);
  CHECK(a[0].name == "algorithm-settings");
  CHECK(a[0].value ==
        "{'num_epochs': '1', 'w_lr': 0.025, 'w_lr_min': 0.001, 'w_momentum': 0.9, "
        "'w_weight_decay': 0.0003, 'w_grad_clip': 5.0, 'alpha_lr': 0.0003, "
        "'alpha_weight_decay': 0.001, 'batch_size': 128, 'num_workers': 4, 'init_channels': "
        "'1', 'print_step': 50, 'num_nodes': '1', 'stem_multiplier': '1'}");
  CHECK(a[1].name == "search-space");
  CHECK(a[1].value == "['max_pooling_3x3']");
  CHECK(a[2].name == "num-layers");
  CHECK(a[2].value == "1");
}

TEST_CASE("darts: defaults, None, and unknown settings appended as Katib does", "[darts]") {
  CHECK(algorithms::darts_settings_text({}) == kDefaults);
  engine::AlgorithmSpec algorithm;
  algorithm.settings = {
      {"batch_size", "None"}, {"my_flag", "x"}, {"w_lr", "0.1"}, {"quote", "a\"b"}};
  CHECK(algorithms::darts_settings_text(algorithm) ==
        "{'num_epochs': 50, 'w_lr': '0.1', 'w_lr_min': 0.001, 'w_momentum': 0.9, "
        "'w_weight_decay': 0.0003, 'w_grad_clip': 5.0, 'alpha_lr': 0.0003, "
        "'alpha_weight_decay': 0.001, 'batch_size': null, 'num_workers': 4, 'init_channels': 16, "
        "'print_step': 50, 'num_nodes': 4, 'stem_multiplier': 3, 'my_flag': 'x', 'quote': "
        "'a\\'b'}");
  CHECK(algorithms::darts_setting_names().size() == 14);
}

TEST_CASE("darts: the search space lists every filter size, skip_connection once", "[darts]") {
  auto text = spec_test::replace(kDartsSpec, R"(      - operationType: max_pooling
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list:
                - "3")",
                                 R"(      - operationType: separable_convolution
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3", "5"]
          - name: stride
            parameterType: categorical
            feasibleSpace:
              list: ["1", "2"]
      - operationType: dilated_convolution
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3", "5"]
      - operationType: avg_pooling
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3"]
      - operationType: max_pooling
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3"]
      - operationType: skip_connection
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3"])");
  text = spec_test::replace(text, "numLayers: 1", "numLayers: 8");
  auto spec = parse_nas_spec(text, "darts");
  REQUIRE(kFactory.validate(spec).empty());
  auto a = algorithms::darts_assignment(spec);
  CHECK(a[1].value ==
        "['separable_convolution_3x3', 'separable_convolution_5x5', 'dilated_convolution_3x3', "
        "'dilated_convolution_5x5', 'avg_pooling_3x3', 'max_pooling_3x3', 'skip_connection']");
  CHECK(a[2].value == "8");
}

TEST_CASE("darts: settings are checked as Katib's validate_algorithm_settings", "[darts]") {
  struct Case {
    std::string name;
    std::string value;
    std::string expected;  // "" when accepted
  };
  const std::vector<Case> cases = {
      {"num_epochs", "0", "an integer > 0"},
      {"num_epochs", "abc", "an integer > 0"},
      {"num_epochs", "1.5", "an integer > 0"},
      {"num_epochs", "3", ""},
      {"w_lr", "-0.1", "a number >= 0"},
      {"w_lr", "0", ""},
      {"w_lr_min", "x", "a number >= 0"},
      {"alpha_lr", "1e-3", ""},
      {"w_weight_decay", "-1e-4", "a number >= 0"},
      {"alpha_weight_decay", "0.5", ""},
      {"w_momentum", "-0.9", "a number >= 0"},
      {"w_grad_clip", "None", "a number >= 0"},
      {"batch_size", "0", "an integer >= 1 or \"None\""},
      {"batch_size", "None", ""},
      {"batch_size", "64", ""},
      {"num_workers", "-1", "an integer >= 0"},
      {"num_workers", "0", ""},
      {"init_channels", "0", "an integer >= 1"},
      {"print_step", "0", "an integer >= 1"},
      {"num_nodes", "0", "an integer >= 1"},
      {"stem_multiplier", "2.5", "an integer >= 1"},
      {"stem_multiplier", "2", ""},
      {"anything_else", "whatever", ""},  // Katib accepts and passes unknown names
  };
  for (const auto& c : cases) {
    INFO(c.name << "=" << c.value);
    auto problems = kFactory.validate(darts_spec({{"num_epochs", "2"}, {c.name, c.value}}));
    if (c.expected.empty()) {
      CHECK(problems.empty());
      continue;
    }
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == "spec.algorithm.algorithmSettings[1].value");
    CHECK(problems[0].message ==
          c.name + " must be " + c.expected + " (Katib's DARTS); found \"" + c.value + "\"");
  }
}

TEST_CASE("darts: needs a nasConfig with valid operations, not the graph sizes", "[darts]") {
  auto parameters_only = make_spec("darts", {int_param("layers", 1, 4)});
  auto problems = kFactory.validate(parameters_only);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.nasConfig");
  CHECK_THAT(problems[0].message, Catch::Contains("is required"));

  auto spec = parse_nas_spec(kDartsSpec, "darts");
  (*spec.nas_config)["operations"][0]["parameters"][0]["feasibleSpace"].erase("list");
  auto broken = kFactory.validate(spec);
  REQUIRE(broken.size() == 1);
  CHECK(broken[0].path == "spec.nasConfig.operations[0].parameters[0].feasibleSpace.list");
}

TEST_CASE("darts: every suggestion is the same, whatever the history, never exhausted", "[darts]") {
  auto spec = parse_nas_spec(kDartsSpec, "darts");
  auto algorithm = kFactory.create(spec);
  auto three = algorithm->suggest({}, 3);
  REQUIRE(three.suggestions.size() == 3);
  CHECK_FALSE(three.exhausted);
  std::vector<engine::Trial> history;
  append(history, three, engine::TrialState::kSucceeded);
  auto more = algorithm->suggest(history, 2);
  REQUIRE(more.suggestions.size() == 2);
  CHECK_FALSE(more.exhausted);
  for (const auto& s : more.suggestions) CHECK(s.assignment == algorithms::darts_assignment(spec));
  CHECK(key_of(three.suggestions[0].assignment) == key_of(three.suggestions[2].assignment));
}

}  // namespace sextant::test
