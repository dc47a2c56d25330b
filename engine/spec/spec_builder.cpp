// Building the typed ExperimentSpec from the document, section by section.
#include "engine/spec/spec_builder.hpp"

#include <regex>

#include "engine/spec/algorithm_spec.hpp"
#include "engine/spec/field_reader.hpp"
#include "engine/spec/metrics_collector.hpp"
#include "engine/spec/objective.hpp"
#include "engine/spec/parameters.hpp"
#include "engine/spec/promotion_spec.hpp"
#include "engine/spec/trial_template.hpp"

namespace sextant::engine {

namespace {

constexpr const char* kApiVersion = "kubeflow.org/v1beta1";
constexpr size_t kMaxNameLength = 40;  // Katib: names the suggestion service <name>-<algorithm>

void read_metadata(const FieldReader& root, ExperimentSpec& spec) {
  ProblemList& problems = root.problems();
  FieldReader metadata(root.get("metadata"), root.field("metadata"), problems);
  if (!metadata.ok()) return;
  if (auto name = metadata.name("name")) {
    spec.name = *name;
    static const std::regex kName("^[a-z]([-a-z0-9]*[a-z0-9])?$");
    if (name->size() > kMaxNameLength)
      problems.add(metadata.field("name"),
                   "must be at most 40 characters, found " + std::to_string(name->size()));
    if (!std::regex_match(*name, kName))
      problems.add(metadata.field("name"),
                   "must start with a lowercase letter, contain only lowercase letters, digits "
                   "and '-', and end with a letter or digit; found " +
                       quote(*name));
  }
  if (auto ns = metadata.string("namespace")) {
    static const std::regex kNamespace("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
    if (ns->size() > 63 || !std::regex_match(*ns, kNamespace))
      problems.add(metadata.field("namespace"),
                   "must be a DNS label (lowercase letters, digits and '-', at most 63), found " +
                       quote(*ns));
    else
      spec.namespace_name = *ns;
  }
  spec.labels = metadata.string_map("labels");
  spec.annotations = metadata.string_map("annotations");
}

}  // namespace

ExperimentSpec build_experiment_spec(const nlohmann::json& document, ProblemList& problems) {
  ExperimentSpec spec;
  spec.document = document;
  FieldReader root(&document, "", problems);
  if (!root.ok()) return spec;
  root.reject_unknown({"apiVersion", "kind", "metadata", "spec", "status"});
  if (auto v = root.string("apiVersion", Need::kRequired); v && *v != kApiVersion)
    problems.add("apiVersion", "expected " + quote(kApiVersion) + ", found " + quote(*v));
  if (auto v = root.string("kind", Need::kRequired); v && *v != "Experiment")
    problems.add("kind", "expected \"Experiment\", found " + quote(*v));
  read_metadata(root, spec);

  FieldReader s(root.get("spec"), "spec", problems);
  if (!s.ok()) return spec;
  s.reject_unknown({"parameters", "objective", "algorithm", "earlyStopping", "trialTemplate",
                    "parallelTrialCount", "maxTrialCount", "maxFailedTrialCount",
                    "metricsCollectorSpec", "nasConfig", "resumePolicy",
                    "promotion"});  // promotion: a sextant extension (engine/spec/promotion_spec)
  spec.objective = read_objective(s.get("objective"), s.field("objective"), problems);
  if (auto a = read_algorithm_spec(s.get("algorithm"), s.field("algorithm"), true, problems))
    spec.algorithm = *a;
  spec.early_stopping =
      read_algorithm_spec(s.get("earlyStopping"), s.field("earlyStopping"), false, problems);
  if (auto n = s.integer("parallelTrialCount")) spec.parallel_trial_count = static_cast<int>(*n);
  if (auto n = s.integer("maxTrialCount")) spec.max_trial_count = static_cast<int>(*n);
  if (auto n = s.integer("maxFailedTrialCount")) spec.max_failed_trial_count = static_cast<int>(*n);
  if (auto policy = s.string("resumePolicy")) {
    if (*policy == "Never" || *policy == "LongRunning" || *policy == "FromVolume")
      spec.resume_policy = *policy;
    else if (!policy->empty())
      problems.add(s.field("resumePolicy"), "unknown resumePolicy " + quote(*policy) +
                                                "; expected Never, LongRunning or FromVolume");
  }
  if (const auto* parameters = s.list("parameters"))
    spec.parameters.parameters = read_parameters(*parameters, s.field("parameters"), problems);
  if (const auto* nas = s.get("nasConfig")) {
    check_nas_config(*nas, s.field("nasConfig"), problems);
    if (nas->is_object()) spec.nas_config = *nas;
  }
  spec.trial_template =
      read_trial_template(s.get("trialTemplate"), s.field("trialTemplate"), problems);
  spec.metrics_collector = read_metrics_collector(s.get("metricsCollectorSpec"),
                                                  s.field("metricsCollectorSpec"), problems);
  spec.promotion = read_promotion_spec(s.get("promotion"), s.field("promotion"), problems);
  return spec;
}

}  // namespace sextant::engine
