// Specs for the architecture-search tests, parsed from YAML by the engine's own loader so that
// spec.nasConfig is filled exactly as in real runs.
#pragma once

#include <memory>
#include <string>

#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/spec/spec_loader.hpp"
#include "tests/engine/spec_test_support.hpp"  // spec_test::replace

namespace sextant::test {

// Katib's nas_enas-cpu.yaml (examples/v1beta1/nas/enas-cpu.yaml), reduced to what the loader
// needs: the same graphConfig and operations, the same trial parameters.
inline const std::string kEnasSpec = R"(apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: enas-cpu
spec:
  parallelTrialCount: 2
  maxTrialCount: 3
  objective:
    type: maximize
    goal: 0.99
    objectiveMetricName: Validation-Accuracy
  algorithm:
    algorithmName: enas
  nasConfig:
    graphConfig:
      numLayers: 1
      inputSizes: [32, 32, 3]
      outputSizes: [10]
    operations:
      - operationType: convolution
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3", "5", "7"]
          - name: num_filter
            parameterType: categorical
            feasibleSpace:
              list: ["32", "48", "64", "96", "128"]
          - name: stride
            parameterType: categorical
            feasibleSpace:
              list: ["1", "2"]
      - operationType: separable_convolution
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3", "5", "7"]
          - name: num_filter
            parameterType: categorical
            feasibleSpace:
              list: ["32", "48", "64", "96", "128"]
          - name: stride
            parameterType: categorical
            feasibleSpace:
              list: ["1", "2"]
          - name: depth_multiplier
            parameterType: categorical
            feasibleSpace:
              list: ["1", "2"]
      - operationType: depthwise_convolution
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3", "5", "7"]
          - name: stride
            parameterType: categorical
            feasibleSpace:
              list: ["1", "2"]
          - name: depth_multiplier
            parameterType: categorical
            feasibleSpace:
              list: ["1", "2"]
      - operationType: reduction
        parameters:
          - name: reduction_type
            parameterType: categorical
            feasibleSpace:
              list: [max_pooling, avg_pooling]
          - name: pool_size
            parameterType: int
            feasibleSpace:
              min: "2"
              max: "3"
              step: "1"
  trialTemplate:
    primaryContainerName: training-container
    trialParameters:
      - name: neuralNetworkArchitecture
        reference: architecture
      - name: neuralNetworkConfig
        reference: nn_config
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
                  - RunTrial.py
                  - --architecture="${trialParameters.neuralNetworkArchitecture}"
                  - --nn_config="${trialParameters.neuralNetworkConfig}"
            restartPolicy: Never
)";

// A small space for search tests: `layers` layers over 3 operations (ids 0, 1, 2).
inline std::string small_nas_spec(int layers) {
  return R"(apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: small-nas
spec:
  objective:
    type: maximize
    objectiveMetricName: accuracy
  algorithm:
    algorithmName: enas
  nasConfig:
    graphConfig:
      numLayers: )" +
         std::to_string(layers) + R"(
      inputSizes: [8, 8, 1]
      outputSizes: [10]
    operations:
      - operationType: convolution
        parameters:
          - name: filter_size
            parameterType: categorical
            feasibleSpace:
              list: ["3", "5"]
      - operationType: pooling
        parameters:
          - name: pool_size
            parameterType: int
            feasibleSpace:
              min: "2"
              max: "2"
  trialTemplate:
    primaryContainerName: training
    trialParameters:
      - name: arch
        reference: architecture
      - name: config
        reference: nn_config
    trialSpec:
      apiVersion: batch/v1
      kind: Job
      spec:
        template:
          spec:
            containers:
              - name: training
                image: python:3
                command:
                  - python3
                  - train.py
                  - --architecture=${trialParameters.arch}
                  - --nn_config=${trialParameters.config}
            restartPolicy: Never
)";
}

// An algorithm factory that accepts any spec: lets the loader read a spec for an algorithm whose
// own checks the test then calls itself.
class AcceptingFactory final : public engine::AlgorithmFactory {
 public:
  explicit AcceptingFactory(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  std::vector<std::string> known_settings() const override { return {}; }
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec&) const override {
    return {};
  }
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec&) const override {
    throw Error(ErrorCode::kInternal, "the accepting factory never creates algorithms");
  }

 private:
  std::string name_;
};

// The spec of `text` with its algorithmName set to `algorithm`, read by the loader with no
// algorithm checks (the loader's own checks of nasConfig still apply).
inline engine::ExperimentSpec parse_nas_spec(const std::string& text,
                                             const std::string& algorithm = "enas") {
  engine::AlgorithmRegistry registry;
  registry.add(std::make_unique<AcceptingFactory>(algorithm));
  std::string renamed = text;
  const std::string key = "algorithmName: ";
  const auto at = renamed.find(key);
  REQUIRE(at != std::string::npos);
  const auto end = renamed.find('\n', at);
  renamed.replace(at + key.size(), end - at - key.size(), algorithm);
  return engine::parse_experiment(renamed, "nas.yaml", "/code", {&registry, nullptr});
}

}  // namespace sextant::test
