// Builds small Experiment specs for end-to-end tests: a batch/v1 Job whose command is given.
#pragma once

#include <string>
#include <vector>

namespace sextant::testing {

struct SpecOptions {
  std::string name = "e2e";
  std::string algorithm = "random";
  std::string settings;  // YAML lines under algorithmSettings, already indented, or ""
  std::string early_stopping;  // YAML block for earlyStopping (indented 2) or ""
  std::string objective_type = "minimize";
  std::string goal;      // "" = none
  std::string extra_objective;  // extra YAML lines under objective (indented 4)
  int parallel = 2;
  int max_trials = 6;    // < 0: omit
  int max_failed = -1;   // < 0: omit
  std::string collector; // YAML block for metricsCollectorSpec (indented 2) or ""
  std::string deadline;  // activeDeadlineSeconds or ""
  // Parameters as YAML (indented 4); default: x double [0, 1].
  std::string parameters =
      "    - name: x\n      parameterType: double\n      feasibleSpace:\n        min: \"0\"\n        max: \"1\"\n";
  std::vector<std::string> trial_parameters = {"x"};
  std::vector<std::string> command;  // each element a YAML scalar (quoted by the builder)
};

inline std::string yaml_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "''";
    else out += c;
  }
  return out + "'";
}

inline std::string build_spec(const SpecOptions& o) {
  std::string y;
  y += "apiVersion: kubeflow.org/v1beta1\nkind: Experiment\nmetadata:\n  name: " + o.name + "\nspec:\n";
  y += "  objective:\n    type: " + o.objective_type + "\n    objectiveMetricName: loss\n";
  if (!o.goal.empty()) y += "    goal: " + o.goal + "\n";
  y += o.extra_objective;
  y += "  algorithm:\n    algorithmName: " + o.algorithm + "\n";
  if (!o.settings.empty()) y += "    algorithmSettings:\n" + o.settings;
  y += o.early_stopping;
  y += "  parallelTrialCount: " + std::to_string(o.parallel) + "\n";
  if (o.max_trials >= 0) y += "  maxTrialCount: " + std::to_string(o.max_trials) + "\n";
  if (o.max_failed >= 0) y += "  maxFailedTrialCount: " + std::to_string(o.max_failed) + "\n";
  y += o.collector;
  y += "  parameters:\n" + o.parameters;
  y += "  trialTemplate:\n    primaryContainerName: main\n    trialParameters:\n";
  for (const auto& p : o.trial_parameters) y += "      - name: " + p + "\n        reference: " + p + "\n";
  y += "    trialSpec:\n      apiVersion: batch/v1\n      kind: Job\n      spec:\n";
  if (!o.deadline.empty()) y += "        activeDeadlineSeconds: " + o.deadline + "\n";
  y += "        template:\n          spec:\n            restartPolicy: Never\n            containers:\n";
  y += "              - name: main\n                image: local\n                command:\n";
  for (const auto& c : o.command) y += "                  - " + yaml_quote(c) + "\n";
  return y;
}

}  // namespace sextant::testing
