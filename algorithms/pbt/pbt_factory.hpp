// `pbt`: Population Based Training. A population of trials trains in generations; after each,
// the worst members copy a better member (exploit) and the others perturb their own parameters
// (explore), each continuing from its parent's checkpoint (Katib's pbt service).
//
// Settings (spec.algorithm.algorithmSettings):
// | name                 | default              | values        | meaning                       |
// |----------------------|----------------------|---------------|-------------------------------|
// | n_population         | required             | integer in    | members per generation        |
// |                      |                      | [5, 100000]   |                               |
// | truncation_threshold | required             | number in     | fraction of members that      |
// |                      |                      | [0, 1]        | exploit (and that they copy)  |
// | suggestion_trial_dir | required             | any text      | checkpoint dir as the trial's |
// |                      |                      |               | container sees it (runners)   |
// | resample_probability | unset: always perturb| number in     | chance that explore redraws a |
// |                      |                      | [0, 1]        | parameter (else: perturbs it) |
// | random_state         | none: a seed is drawn| integer >= 0  | seed of every draw (sextant   |
// |                      | once, kept in state  |               | extension)                    |
// Any other setting name is rejected with this list. Katib requires the first three, as here.
// Unlike Katib, supplying resample_probability works (Katib compares the text with numbers and
// fails), and when it does not resample a parameter it perturbs it (Katib keeps the value, so
// with the setting Katib never perturbs).
//
// Generations (synchronous): generation 0 is n_population random members (unit cube: every type
// and distribution honoured; distinct while the space has unused points). Generation g+1 is
// formed once every member of generation g has completed: members are ranked by objective
// (spec.objective.type; members without a result last; ties by member index); with
// k = floor(n_population * truncation_threshold), the bottom k (never the best member) exploit:
// they copy the parameters of a uniformly chosen member of the top k (at least 1, never itself),
// and that member is their parent. The others explore from themselves (pbt_explore.hpp: x0.8 or
// x1.2 clamped and snapped to the step grid, one list step, or a resample). Katib instead keeps
// the exploiting member as the parent (its checkpoint then does not match the copied parameters)
// and forms generations asynchronously.
// Doubles without step are sampled and perturbed continuously; Katib requires a step (its
// sampling grid arange(min, max + step/2, step) is what a uniform stepped range gives here).
//
// Labels: pbt.suggestion.katib.kubeflow.org/generation (0, 1, ...), .../parent (the parent trial's
// name; absent in generation 0), engine::kResumeFromLabel = the parent (the controller copies its
// checkpoint into the new trial's), and sextant.pbt/member (0 .. n_population-1), which lets the
// replay tell members apart.
//
// Failures: a member whose trial ends Failed, Killed or MetricsUnavailable is proposed once more
// with the same parameters, generation, member and parent (Katib re-queues Failed and Killed
// without limit). If that attempt fails too the member ranks last, so it exploits next.
//
// suggest() returns fewer suggestions (or none) while the current generation is still running,
// and never reports exhausted: maxTrialCount or the goal ends the experiment.
//
// State: none beyond the seed. Every call replays the history (labels, assignments, states); the
// draws of generation-0 trial p come from (seed, p), the plan of generation g, member j from
// (seed, g, j). A restarted engine therefore continues exactly.
//
// References: M. Jaderberg, V. Dalibard, S. Osindero, W. M. Czarnecki, J. Donahue, A. Razavi,
// O. Vinyals, T. Green, I. Dunning, K. Simonyan, C. Fernando, K. Kavukcuoglu, "Population Based
// Training of Neural Networks", arXiv:1711.09846 (2017). Katib: reference/katib.md section 3.6.
#pragma once

#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class PbtFactory final : public engine::AlgorithmFactory {
 public:
  std::string name() const override { return "pbt"; }
  std::vector<std::string> known_settings() const override;
  std::vector<engine::SpecProblem> validate(const engine::ExperimentSpec& spec) const override;
  std::unique_ptr<engine::Algorithm> create(const engine::ExperimentSpec& spec) const override;
};

}  // namespace sextant::algorithms
