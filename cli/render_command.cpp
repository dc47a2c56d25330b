// `sextant render`: the trial object the first trial of a spec would run, after Katib's
// substitution, without running anything.
#include <algorithm>
#include <iostream>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/wiring.hpp"
#include "engine/controller/trial_names.hpp"
#include "engine/error.hpp"
#include "engine/spec/spec_loader.hpp"
#include "orchestration/kubernetes/trial_object.hpp"

namespace sextant::cli {
namespace {

// The assignment of the first trial: the algorithm's first suggestion, then the --set values.
engine::Assignment first_assignment(const Builtins& builtins, const engine::ExperimentSpec& spec,
                                    const std::vector<std::string>& sets) {
  auto algorithm = builtins.algorithms.find(spec.algorithm.algorithm_name)->create(spec);
  auto first = algorithm->suggest({}, 1);
  if (first.suggestions.empty())
    throw Error(ErrorCode::kInvalidArgument, "algorithm \"" + spec.algorithm.algorithm_name +
                                                 "\" proposes no trial for this spec");
  engine::Assignment assignment = std::move(first.suggestions.front().assignment);
  for (const auto& set : sets) {
    auto eq = set.find('=');
    if (eq == std::string::npos || eq == 0)
      throw Error(ErrorCode::kInvalidArgument, "--set " + set + ": expected name=value");
    const std::string name = set.substr(0, eq);
    auto it = std::find_if(assignment.begin(), assignment.end(),
                           [&](const engine::ParameterAssignment& a) { return a.name == name; });
    if (it == assignment.end()) {
      std::string known;
      for (const auto& a : assignment) known += (known.empty() ? "" : ", ") + a.name;
      throw Error(
          ErrorCode::kInvalidArgument,
          "--set " + name + ": not a value the trials receive (they receive: " + known + ")");
    }
    it->value = set.substr(eq + 1);
  }
  return assignment;
}

}  // namespace

int render_command(const GlobalOptions& global, const RenderOptions& options) {
  auto format = parse_output_format(global.output == "table" ? "yaml" : global.output);
  if (format != OutputFormat::kYaml && format != OutputFormat::kJson)
    throw Error(ErrorCode::kInvalidArgument, "render prints -o yaml (the default) or -o json");
  auto builtins = make_builtins();
  auto spec = engine::load_experiment_file(options.file, builtins->catalog());
  auto assignment = first_assignment(*builtins, spec, options.sets);
  // The object as the Kubernetes backend creates it: Katib's substitution, name and namespace,
  // plus the experiment and trial labels and the worker environment of the primary container.
  auto object = orchestration::cluster_trial_object(spec, engine::trial_name(spec.name, 1),
                                                    assignment, {}, {});
  print_document(std::cout, object, format);
  return 0;
}

}  // namespace sextant::cli
