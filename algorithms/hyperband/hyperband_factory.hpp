// `hyperband`: brackets of successive halving over random configurations, each rung training
// the best 1/eta of the previous rung with eta times the resource (Katib's hyperband service).
//
// Settings (spec.algorithm.algorithmSettings):
// | name          | default               | values             | meaning                         |
// |---------------|-----------------------|--------------------|---------------------------------|
// | r_l           | required              | number > 0         | the maximum resource R (epochs, |
// |               |                       |                    | steps, ...) of the last rung    |
// | resource_name | required              | an int or double   | the parameter that receives the |
// |               |                       | parameter's name   | rung's resource                 |
// | eta           | 3                     | integer >= 2;      | the cut factor between rungs    |
// |               |                       | <= 0 means 3       |                                 |
// | random_state  | none: a seed is drawn | integer >= 0       | seed of the rung-0 draws        |
// |               | once and kept in state|                    | (sextant extension)             |
// Any other setting name is rejected with this list. eta <= 0 is replaced by 3, as Katib's
// service does (validation accepts it); eta 1, a fractional eta or a text is rejected. Katib's
// extra rule parallelTrialCount >= ceil(eta^s_max) is NOT applied: brackets here do not need
// all their trials at once (they are proposed as workers free up, see Scheduling). A first
// bracket of more than 10^6 configurations (eta^s_max) is rejected.
//
// Brackets (Li et al., Algorithm 1): s_max = floor(log_eta r_l) (computed exactly: r_l 27, eta 3
// gives 3; r_l < 1 gives 0). Bracket s = s_max, ..., 0 draws n = ceil((s_max+1) eta^s / (s+1))
// configurations for rung 0 at resource r = r_l eta^-s; rung i = 1..s holds the best
// floor(n eta^-i) (at least 1) of rung i-1 at resource r eta^i. For r_l 27, eta 3: 27/9/3/1
// trials at 1/3/9/27, 12/4/1 at 3/9/27, 6/2 at 9/27, 4 at 27.
//
// Configurations: rung 0 draws every parameter except the resource uniformly in the unit cube
// (algorithms/common/unit_cube.hpp: every type and distribution honoured, normal priors clipped),
// never repeating a configuration of the history or the batch (FreshPoints). When a finite space
// has no unused configuration left, rung 0 closes with the m it has and its later rungs shrink
// with it: floor(m eta^-i), at least 1 once rung 1 has one, and none at all when m < eta (not
// one of them is in the top 1/eta); brackets opened after that are empty.
// The resource parameter's value is the rung's resource: an int parameter gets it rounded to the
// nearest integer (at least 1), a double its shortest decimal form. Its feasibleSpace is NOT
// used (Katib's own example hp-tuning_hyperband.yaml declares num-epochs min 1 max 1 with r_l 2
// and trains the promoted trial with 2); it must still be a valid range for the spec loader.
//
// Promotion (synchronous successive halving): rung i+1 of a bracket is formed once every trial of
// rung i is completed, from rung i's best by objective (spec.objective.type); Failed, Killed,
// MetricsUnavailable trials and trials without a numeric objective rank last (they are promoted
// only when a rung has fewer results than promotions); ties go to the earlier trial. A promoted
// trial keeps the assignment except the resource and carries engine::kResumeFromLabel = the name
// of the trial it continues, so the controller hands it that trial's checkpoint. Every trial
// carries sextant.hyperband/bracket (s) and sextant.hyperband/rung (i). Katib instead promotes the
// last ceil(n_i/eta) trials by start time and raises while any of them is not Succeeded.
//
// Scheduling: brackets are opened in Katib's order (s_max first) and older brackets are served
// first; while the open brackets wait for running trials, the next bracket's rung 0 starts, so
// several brackets run at once and no worker idles. When nothing can be proposed now, suggest()
// returns fewer suggestions (or none) with exhausted = false. exhausted becomes true with the
// batch that proposes the last trial of the last rung (nothing is ever proposed after it; the
// experiment ends once the running trials finish).
//
// State: none beyond the seed. Every call replays the history (bracket and rung labels,
// resume-from labels, assignments, states); rung-0 draw p of the experiment uses a generator
// derived from (seed, p). A restarted engine therefore continues exactly. Trials without the
// labels (another algorithm's) belong to no bracket, but rung 0 does not repeat their points.
//
// References: L. Li, K. Jamieson, G. DeSalvo, A. Rostamizadeh, A. Talwalkar, "Hyperband: A Novel
// Bandit-Based Approach to Hyperparameter Optimization", JMLR 18(185), 2018. Katib:
// reference/katib.md section 3.5.
#pragma once

#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class HyperbandFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "hyperband"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
