// Shared fixtures for the spec loader tests: a valid Katib spec, a catalog, and helpers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "engine/ports/algorithm.hpp"
#include "engine/spec/spec_loader.hpp"

namespace sextant::spec_test {

// A complete, valid Experiment: every test changes one thing in it.
inline const std::string kValidSpec = R"(apiVersion: kubeflow.org/v1beta1
kind: Experiment
metadata:
  name: demo
spec:
  objective:
    type: minimize
    goal: 0.001
    objectiveMetricName: loss
    additionalMetricNames:
      - accuracy
  algorithm:
    algorithmName: random
  maxTrialCount: 12
  maxFailedTrialCount: 3
  parameters:
    - name: lr
      parameterType: double
      feasibleSpace:
        min: "0.01"
        max: "0.05"
    - name: batch
      parameterType: int
      feasibleSpace:
        min: "16"
        max: "128"
        step: "16"
    - name: optimizer
      parameterType: categorical
      feasibleSpace:
        list: ["sgd", "adam"]
  trialTemplate:
    primaryContainerName: training
    trialParameters:
      - name: learningRate
        reference: lr
      - name: batchSize
        reference: batch
      - name: optimizer
        reference: optimizer
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
                  - --lr=${trialParameters.learningRate}
                  - --batch=${trialParameters.batchSize}
                  - --optimizer=${trialParameters.optimizer}
            restartPolicy: Never
)";

// Stands in for the real `random` factory: knows the setting random_state (an integer >= 0),
// so that the loader's use of factory problems can be tested without the algorithms library.
class TestRandomFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "random"; }
  std::vector<std::string> known_settings() const override { return {"random_state"}; }
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override {
    auto problems = engine::unknown_setting_problems(spec.algorithm, known_settings(),
                                                     "spec.algorithm.algorithmSettings");
    for (size_t i = 0; i < spec.algorithm.settings.size(); ++i) {
      const auto& s = spec.algorithm.settings[i];
      if (s.name != "random_state") continue;
      bool digits =
          !s.value.empty() && s.value.find_first_not_of("0123456789") == std::string::npos;
      if (!digits)
        problems.push_back({"spec.algorithm.algorithmSettings[" + std::to_string(i) + "].value",
                            "random_state must be an integer >= 0, found \"" + s.value + "\""});
    }
    return problems;
  }
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec&) const override {
    throw Error(ErrorCode::kInternal, "the spec tests never create algorithms");
  }
};

inline const engine::AlgorithmRegistry& test_registry() {
  static const engine::AlgorithmRegistry registry = [] {
    engine::AlgorithmRegistry r;
    r.add(std::make_unique<TestRandomFactory>());
    return r;
  }();
  return registry;
}

// An early-stopping rule named "medianstop" that accepts any setting.
struct TestMedianStopFactory : engine::EarlyStopperFactory {
  std::string name() const override { return "medianstop"; }
  std::vector<std::string> known_settings() const override { return {}; }
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec&) const override {
    return {};
  }
  std::unique_ptr<engine::EarlyStopper> create(const engine::ExperimentSpec&) const override {
    throw Error(ErrorCode::kInternal, "the spec tests never create early-stopping rules");
  }
};

// The catalog of the spec tests: the test "random", and "medianstop" when with_rules.
inline engine::SpecCatalog test_catalog(bool with_rules = false) {
  static const engine::EarlyStopperRegistry rules = [] {
    engine::EarlyStopperRegistry r;
    r.add(std::make_unique<TestMedianStopFactory>());
    return r;
  }();
  return {&test_registry(), with_rules ? &rules : nullptr};
}

inline engine::ExperimentSpec parse(const std::string& text,
                                    const engine::SpecCatalog& catalog = test_catalog()) {
  return engine::parse_experiment(text, "exp.yaml", "/code", catalog);
}

// The diagnostics of a spec that must be rejected (fails the test when it is accepted).
inline std::vector<engine::Diagnostic> rejections(
    const std::string& text, const engine::SpecCatalog& catalog = test_catalog()) {
  try {
    parse(text, catalog);
  } catch (const engine::SpecError& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    return e.diagnostics();
  }
  FAIL("the spec was accepted");
  return {};
}

// `text` with the first occurrence of `from` replaced (fails the test when absent).
inline std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// 1-based line of the first occurrence of `needle` (at or after line `after`).
inline int line_of(const std::string& text, const std::string& needle, int after = 0) {
  int line = 1;
  size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    auto row = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
    if (line > after && row.find(needle) != std::string::npos) return line;
    if (end == std::string::npos) break;
    start = end + 1;
    ++line;
  }
  FAIL("no line contains " << needle);
  return 0;
}

// The one diagnostic at `path` (fails the test when there is none, or several).
inline engine::Diagnostic at_path(const std::vector<engine::Diagnostic>& diagnostics,
                                  const std::string& path) {
  std::vector<engine::Diagnostic> found;
  for (const auto& d : diagnostics)
    if (d.path == path) found.push_back(d);
  INFO("diagnostics:\n"
       << [&] {
            std::string all;
            for (const auto& d : diagnostics) all += d.to_string() + "\n";
            return all;
          }());
  REQUIRE(found.size() == 1);
  return found.front();
}

inline std::string render(const std::vector<engine::Diagnostic>& diagnostics) {
  std::string all;
  for (const auto& d : diagnostics) all += d.to_string() + "\n";
  return all;
}

}  // namespace sextant::spec_test
