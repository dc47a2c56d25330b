// Hyperparameter importance by PED-ANOVA (Watanabe, Bansal and Hutter, "PED-ANOVA: Efficiently
// Quantifying Hyperparameter Importance in Arbitrary Subspaces", IJCAI 2023), in plain C++.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "engine/model/search_space.hpp"
#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::engine {

inline constexpr const char* kImportanceMethod = "PED-ANOVA";
// What the dashboard and the API say about the method, next to the numbers.
inline constexpr const char* kImportanceDescription =
    "PED-ANOVA (Watanabe et al., IJCAI 2023): for each parameter, the Pearson divergence between "
    "the density of the top 10% of the trials and the density of all the trials shown (Parzen "
    "estimators over the parameter's range, log scale for log parameters), normalized to sum to "
    "1. A parameter whose values in the best trials look like its values everywhere scores 0.";

struct ImportanceOptions {
  double target_quantile = 0.1;  // the "top" set: this fraction of the trials, at least 2
  int grid_points = 50;          // numeric parameters: densities compared on this many points
};

struct ParameterImportance {
  std::string parameter;
  double importance = 0;  // share of the total, in [0, 1]
};

struct ImportanceResult {
  std::vector<ParameterImportance> importances;  // every parameter of the space, highest first
  size_t trials_used = 0;                        // trials with a numeric objective
  size_t top_trials = 0;                         // size of the top set
  std::string note;  // why the importances are empty or all zero ("" when they are not)
};

// One evaluated point: its assignment and its numeric objective value.
struct ScoredAssignment {
  const Assignment* assignment = nullptr;
  double objective = 0;
};

// Contract: deterministic (same input, same output); every parameter of `space` appears once in
// the result; importances sum to 1 unless every one is 0 (then `note` says why). Needs at least
// 3 points; with fewer the importances are all 0 and `note` says so. Values that do not parse
// for a parameter (or are outside a categorical list) leave that point out of that parameter
// only. The caller picks the points (a state filter, a top-k% region): PED-ANOVA's importance
// is local to the region it is given.
ImportanceResult ped_anova_importance(const SearchSpace& space, ObjectiveType type,
                                      const std::vector<ScoredAssignment>& points,
                                      const ImportanceOptions& options = {});

}  // namespace sextant::engine
