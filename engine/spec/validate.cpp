// Cross-section rules and catalog checks.
#include "engine/spec/validate.hpp"

#include <algorithm>
#include <set>

#include "engine/spec/field_path.hpp"
#include "engine/spec/trial_template.hpp"

namespace sextant::engine {

namespace {

using nlohmann::json;

const json* find_path(const json& document, std::initializer_list<const char*> keys) {
  const json* at = &document;
  for (const char* key : keys) {
    if (!at->is_object()) return nullptr;
    auto it = at->find(key);
    if (it == at->end() || it->is_null()) return nullptr;
    at = &*it;
  }
  return at;
}

void check_counts(const ExperimentSpec& spec, ProblemList& problems) {
  const std::string parallel = "spec.parallelTrialCount", max = "spec.maxTrialCount",
                    max_failed = "spec.maxFailedTrialCount";
  bool parallel_ok = !problems.has_under(parallel), max_ok = !problems.has_under(max),
       failed_ok = !problems.has_under(max_failed);
  if (parallel_ok && spec.parallel_trial_count <= 0) {
    problems.add(parallel,
                 "must be greater than 0, found " + std::to_string(spec.parallel_trial_count));
    parallel_ok = false;
  }
  if (max_ok && spec.max_trial_count && *spec.max_trial_count <= 0) {
    problems.add(max, "must be greater than 0, found " + std::to_string(*spec.max_trial_count));
    max_ok = false;
  }
  if (failed_ok && spec.max_failed_trial_count && *spec.max_failed_trial_count < 0) {
    problems.add(max_failed,
                 "must not be negative, found " + std::to_string(*spec.max_failed_trial_count));
    failed_ok = false;
  }
  if (!max_ok || !spec.max_trial_count) return;
  if (failed_ok && spec.max_failed_trial_count &&
      *spec.max_failed_trial_count > *spec.max_trial_count)
    problems.add(max_failed, "(" + std::to_string(*spec.max_failed_trial_count) +
                                 ") must not exceed maxTrialCount (" +
                                 std::to_string(*spec.max_trial_count) + ")");
  if (parallel_ok && spec.parallel_trial_count > *spec.max_trial_count)
    problems.add(parallel, "(" + std::to_string(spec.parallel_trial_count) +
                               ") must not exceed maxTrialCount (" +
                               std::to_string(*spec.max_trial_count) + ")");
}

void check_search_space_source(const ExperimentSpec& spec, ProblemList& problems) {
  const json* parameters = find_path(spec.document, {"spec", "parameters"});
  const json* nas = find_path(spec.document, {"spec", "nasConfig"});
  bool has_parameters = parameters != nullptr && !(parameters->is_array() && parameters->empty());
  if (!has_parameters && nas == nullptr)
    problems.add("spec.parameters",
                 "is required (or spec.nasConfig for neural architecture search)");
  if (has_parameters && nas != nullptr)
    problems.add("spec.nasConfig", "must not be set together with spec.parameters");
}

void check_references(const ExperimentSpec& spec, ProblemList& problems) {
  const json* list = find_path(spec.document, {"spec", "trialTemplate", "trialParameters"});
  if (list == nullptr || !list->is_array() || spec.parameters.empty()) return;
  std::vector<std::string> names;
  for (const auto& p : spec.parameters.parameters) names.push_back(p.name);
  std::set<std::string> referenced;
  const std::string base = "spec.trialTemplate.trialParameters";
  for (size_t i = 0; i < list->size(); ++i) {
    const json& entry = (*list)[i];
    if (!entry.is_object() || !entry.contains("reference") || !entry["reference"].is_string())
      continue;
    auto reference = entry["reference"].get<std::string>();
    if (reference.empty() || reference.rfind("${trialSpec.", 0) == 0) continue;
    if (std::find(names.begin(), names.end(), reference) != names.end()) {
      referenced.insert(reference);
      continue;
    }
    problems.add(path_key(path_index(base, i), "reference"),
                 "reference " + quote(reference) + " is neither a spec.parameters name (" +
                     join_names(names) + ") nor a ${trialSpec.<field>} reference");
  }
  for (size_t i = 0; i < spec.parameters.parameters.size(); ++i) {
    const auto& name = spec.parameters.parameters[i].name;
    if (name.empty() || referenced.count(name)) continue;
    problems.add(path_key(path_index("spec.parameters", i), "name"),
                 "parameter " + quote(name) +
                     " is not referenced by any spec.trialTemplate.trialParameters entry; "
                     "every trial must receive every parameter");
  }
}

std::string not_available(const char* what, const std::string& name,
                          const std::vector<std::string>& katib_names,
                          const std::vector<std::string>& available) {
  bool katib = std::find(katib_names.begin(), katib_names.end(), name) != katib_names.end();
  if (katib)
    return std::string(what) + " " + quote(name) +
           " is not implemented yet in this build; available: " + join_names(available);
  return std::string("unknown ") + what + " " + quote(name) +
         "; available: " + join_names(available);
}

}  // namespace

void check_cross_fields(const ExperimentSpec& spec, ProblemList& problems) {
  check_counts(spec, problems);
  check_search_space_source(spec, problems);
  check_references(spec, problems);
}

void check_against_catalog(const ExperimentSpec& spec, const SpecCatalog& catalog,
                           ProblemList& problems) {
  const std::string name_path = "spec.algorithm.algorithmName";
  const auto& name = spec.algorithm.algorithm_name;
  if (!name.empty() && !problems.has_under(name_path)) {
    const AlgorithmFactory* factory =
        catalog.algorithms != nullptr ? catalog.algorithms->find(name) : nullptr;
    if (factory == nullptr) {
      auto available =
          catalog.algorithms != nullptr ? catalog.algorithms->names() : std::vector<std::string>{};
      problems.add(name_path, not_available("algorithm", name, katib_algorithm_names(), available));
    } else if (!problems.has_under("spec.parameters") && !problems.has_under("spec.nasConfig") &&
               !problems.has_under("spec.algorithm")) {
      try {
        problems.add_all(factory->validate(spec));
      } catch (const std::exception& e) {
        problems.add("spec.algorithm",
                     "algorithm " + quote(name) + " could not check this experiment: " + e.what());
      }
    } else {
      // The space is broken, so the algorithm cannot judge it; setting names it can.
      problems.add_all(unknown_setting_problems(spec.algorithm, factory->known_settings(),
                                                "spec.algorithm.algorithmSettings"));
    }
  }
  if (!spec.early_stopping) return;
  const std::string es_path = "spec.earlyStopping.algorithmName";
  const auto& es_name = spec.early_stopping->algorithm_name;
  if (es_name.empty() || problems.has_under(es_path)) return;
  const EarlyStopperFactory* rule =
      catalog.early_stopping != nullptr ? catalog.early_stopping->find(es_name) : nullptr;
  if (rule == nullptr) {
    auto available = catalog.early_stopping != nullptr ? catalog.early_stopping->names()
                                                       : std::vector<std::string>{};
    problems.add(es_path,
                 not_available("early stopping algorithm", es_name, {"medianstop"}, available));
  } else if (!problems.has_under("spec.parameters") && !problems.has_under("spec.objective")) {
    try {
      problems.add_all(rule->validate(spec));
    } catch (const std::exception& e) {
      problems.add("spec.earlyStopping", "early stopping algorithm " + quote(es_name) +
                                             " could not check this experiment: " + e.what());
    }
  } else {
    problems.add_all(unknown_setting_problems(*spec.early_stopping, rule->known_settings(),
                                              "spec.earlyStopping.algorithmSettings"));
  }
}

}  // namespace sextant::engine
