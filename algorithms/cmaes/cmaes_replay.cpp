// Generations, tells and restarts of CMA-ES, replayed from the trials.
#include "algorithms/cmaes/cmaes_replay.hpp"

#include <algorithm>
#include <cmath>

namespace sextant::algorithms {

namespace {

// A generation whose completed points are fewer than this teaches nothing reliable (one point
// would move the mean onto itself); after kMaxIdleGenerations such generations in a row (a
// region where every trial fails) the run restarts elsewhere.
constexpr size_t kMinUsable = 2;
constexpr size_t kMaxIdleGenerations = 3;
// tolfun (tutorial B.3): the best losses of the last 10 + 30n/lambda generations and all losses
// of the current one lie within this distance, relative to their size (absolute below 1).
constexpr double kTolFun = 1e-10;

std::vector<double> centre(size_t n) {
  return std::vector<double>(n, 0.5);
}

}  // namespace

CmaesReplay::CmaesReplay(const CmaesLayout& layout, const CmaesOptions& options)
    : layout_(layout),
      options_(options),
      schedule_(options.strategy, options.population, options.sigma0),
      distribution_(centre(layout.gaussian_dimensions()), options.sigma0, {}),
      tolerances_(layout.tolerances()) {
  start_run(schedule_.first(), centre(layout.gaussian_dimensions()));
}

void CmaesReplay::start_run(const RunPlan& plan, std::vector<double> mean) {
  plan_ = plan;
  run_evaluations_ = 0;
  distribution_ =
      CmaDistribution(std::move(mean), plan.sigma, layout_.margin_floors(plan.population));
  // Categorical floor: the margin's alpha, 1 / (n * lambda) over all searched parameters.
  const double n = static_cast<double>(
      std::max<size_t>(layout_.gaussian_dimensions() + layout_.list_parameters(), 1));
  categories_ =
      CategoricalModel(layout_.list_sizes(), 1.0 / (n * static_cast<double>(plan.population)));
  open_.clear();
  recent_best_.clear();
  idle_generations_ = 0;
}

void CmaesReplay::restart() {
  Rng rng(derive_seed(options_.restart_seed, run_ + 1));
  const RunPlan plan = schedule_.next(plan_, run_evaluations_, rng);
  std::vector<double> mean(layout_.gaussian_dimensions());
  for (auto& m : mean) m = rng.uniform();
  ++run_;
  start_run(plan, std::move(mean));
}

size_t CmaesReplay::upcoming_generation() const {
  if (!open_.empty() && open_.back().members.size() < plan_.population) return open_.back().id;
  return next_generation_id_;
}

void CmaesReplay::add(CmaesMember member, std::optional<size_t> asked_in_run) {
  settle();
  if (asked_in_run && *asked_in_run < run_) return;  // drawn by a run that has since ended
  if (open_.empty() || open_.back().members.size() >= plan_.population)
    open_.push_back({next_generation_id_++, {}});
  open_.back().members.push_back(std::move(member));
  ++run_evaluations_;
}

void CmaesReplay::settle() {
  while (oldest_ready()) tell_oldest();
}

bool CmaesReplay::oldest_ready() const {
  if (open_.empty()) return false;
  // Two generations already drawn ahead: stop waiting for the oldest one's stragglers.
  if (open_.size() >= 3) return true;
  // A full generation with half of its results is told without waiting for the rest: with
  // parallel trials, drawing from the updated distribution beats drawing ahead from the old one
  // (measured, 4 parallel trials, 60 seeds: Branin regret at 100 trials 0.029 -> 0.008).
  const auto& members = open_.front().members;
  const auto done = static_cast<size_t>(
      std::count_if(members.begin(), members.end(), [](const CmaesMember& m) { return m.done; }));
  return members.size() >= plan_.population && 2 * done >= plan_.population;
}

void CmaesReplay::tell_oldest() {
  Generation generation = std::move(open_.front());
  open_.pop_front();

  // Ranked: completed with a loss, best first (ties keep creation order), then failures.
  std::vector<const CmaesMember*> ranked;
  for (const auto& m : generation.members)
    if (m.loss) ranked.push_back(&m);
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const CmaesMember* a, const CmaesMember* b) { return *a->loss < *b->loss; });
  const size_t usable = ranked.size();
  for (const auto& m : generation.members)
    if (m.done && !m.loss) ranked.push_back(&m);

  if (usable < kMinUsable) {
    // Only a generation that finished with too few results counts towards giving up on the run;
    // one told early because later generations were asked ahead is merely skipped.
    const bool finished = std::all_of(generation.members.begin(), generation.members.end(),
                                      [](const CmaesMember& m) { return m.done; });
    if (finished && ++idle_generations_ >= kMaxIdleGenerations) restart();
    return;
  }
  idle_generations_ = 0;

  std::vector<std::vector<double>> points;
  std::vector<std::vector<size_t>> choices;
  std::vector<double> losses;
  for (const auto* m : ranked) {
    points.push_back(m->gaussian);
    choices.push_back(m->choices);
    if (m->loss) losses.push_back(*m->loss);
  }
  // The categorical model uses the same positive weights as the mean, over the usable points.
  std::vector<double> weights = recombination_weights(layout_.gaussian_dimensions(), ranked.size());
  double positive = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (i >= usable) weights[i] = 0;
    positive += std::max(weights[i], 0.0);
  }
  for (auto& w : weights) w = w > 0 ? w / positive : 0.0;

  distribution_.tell(points, usable);
  categories_.update(choices, weights);
  if (record_and_check_convergence(losses)) restart();
}

bool CmaesReplay::record_and_check_convergence(const std::vector<double>& losses) {
  if (distribution_.stop_reason(tolerances_)) return true;
  auto& recent = recent_best_;
  recent.push_back(losses.front());
  const size_t n = std::max<size_t>(layout_.gaussian_dimensions(), 1);
  const size_t window =
      10 + (30 * n + plan_.population - 1) / std::max<size_t>(plan_.population, 1);
  while (recent.size() > window) recent.pop_front();
  if (recent.size() < window) return false;
  double low = losses.front(), high = losses.back();
  for (double b : recent) {
    low = std::min(low, b);
    high = std::max(high, b);
  }
  return high - low <= kTolFun * std::max(1.0, std::max(std::fabs(low), std::fabs(high)));
}

}  // namespace sextant::algorithms
