// TPE suggestions: start points, then candidates from l ranked by log l - log g, with pending
// trials and earlier picks of the batch in g (constant liar).
#include "algorithms/tpe/tpe_search.hpp"

#include <cmath>
#include <limits>

#include "algorithms/common/fresh_points.hpp"
#include "algorithms/common/observations.hpp"
#include "algorithms/common/rng.hpp"
#include "algorithms/common/seed_state.hpp"
#include "algorithms/sobol/direction_numbers.hpp"
#include "algorithms/tpe/multivariate_parzen.hpp"
#include "algorithms/tpe/tpe_groups.hpp"
#include "algorithms/tpe/univariate_parzen.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

namespace {

// Proposals tried before falling back to a random fresh point when they repeat used assignments
// (only happens in small finite spaces).
constexpr int kFreshAttempts = 8;

// Puts cell and category coordinates at their values' centres, where observe() puts trials.
void snap(const std::vector<TpeDimension>& dims, std::vector<double>& point) {
  for (size_t d = 0; d < dims.size(); ++d)
    if (dims[d].kind != TpeDimensionKind::kContinuous)
      point[d] = dims[d].centers[dims[d].index_of(point[d])];
}

// The best of `candidates` draws from l, parameter by parameter (hyperopt and Optuna's default).
std::vector<double> propose_univariate(const std::vector<UnivariateParzen>& good,
                                       const std::vector<UnivariateParzen>& bad, int candidates,
                                       Rng& rng) {
  std::vector<double> point(good.size());
  for (size_t d = 0; d < good.size(); ++d) {
    double best_score = -std::numeric_limits<double>::infinity();
    for (int c = 0; c < candidates; ++c) {
      const double u = good[d].sample(rng);
      const double score = good[d].log_score(u) - bad[d].log_score(u);
      if (c == 0 || score > best_score) {
        best_score = score;
        point[d] = u;
      }
    }
  }
  return point;
}

// The best of `candidates` joint draws from l.
std::vector<double> propose_multivariate(const MultivariateParzen& good,
                                         const MultivariateParzen& bad, int candidates, Rng& rng) {
  std::vector<double> point;
  std::vector<double> best;
  double best_score = -std::numeric_limits<double>::infinity();
  for (int c = 0; c < candidates; ++c) {
    good.sample(rng, point);
    const double score = good.log_score(point) - bad.log_score(point);
    if (c == 0 || score > best_score) {
      best_score = score;
      best = point;
    }
  }
  return best;
}

}  // namespace

size_t good_count(const TpeOptions& options, size_t n) {
  if (n == 0) return 0;
  const double x = static_cast<double>(n);
  const double raw = options.good_rule == GoodCountRule::kSquareRoot
                         ? std::ceil(options.gamma * std::sqrt(x))
                         : std::ceil(options.gamma * x);
  const double capped = std::min(raw, static_cast<double>(options.max_good));
  return static_cast<size_t>(std::clamp(capped, 1.0, x));
}

TpeSearch::TpeSearch(const engine::SearchSpace& space, engine::ObjectiveType objective,
                     TpeOptions options, std::optional<uint64_t> seed, std::string name)
    : space_(space),
      cube_(space),
      dims_(tpe_dimensions(space, cube_)),
      objective_(objective),
      options_(options),
      name_(std::move(name)) {
  seed_ = AlgorithmSeed(seed);
  if (cube_.dimensions() <= kSobolMaxDimensions) sobol_.emplace(cube_.dimensions(), seed_.value());
}

engine::SuggestResult TpeSearch::suggest(const std::vector<engine::Trial>& history, int count) {
  engine::SuggestResult result;
  if (count <= 0) return result;
  const Observations observations = observe(cube_, objective_, history);
  FreshPoints fresh(space_, cube_, history);
  const size_t n_dims = dims_.size();
  const bool use_model = observations.size() >= static_cast<size_t>(std::max(options_.startup, 1));

  // The good group is fixed for the call; the bad one grows with each pick (constant liar).
  TpeGroup good;
  std::vector<const std::vector<double>*> bad_members;
  if (use_model) {
    const auto split =
        split_by_loss(observations.losses, good_count(options_, observations.size()));
    std::vector<const std::vector<double>*> good_members;
    for (size_t i : split.good) good_members.push_back(&observations.points[i]);
    for (size_t i : split.bad) bad_members.push_back(&observations.points[i]);
    good = make_group(good_members, n_dims);
  }
  // Pending trials are bad: worse than anything seen, so the batch spreads away from them.
  std::vector<std::vector<double>> liars = observations.pending;
  liars.reserve(liars.size() + static_cast<size_t>(count));

  const double floor_scale = magic_clip_scale(n_dims);
  std::vector<UnivariateParzen> good_univariate;
  std::optional<MultivariateParzen> good_joint;
  if (use_model && options_.multivariate)
    good_joint.emplace(dims_, good, options_.prior_weight);
  else if (use_model)
    for (size_t d = 0; d < n_dims; ++d)
      good_univariate.emplace_back(dims_[d], good, d, options_.prior_weight, floor_scale);

  for (int j = 0; j < count && !fresh.exhausted(); ++j) {
    const uint64_t position = static_cast<uint64_t>(history.size()) + static_cast<uint64_t>(j);
    Rng rng(derive_seed(seed_.value(), position));
    std::optional<engine::Assignment> assignment;
    std::vector<double> point;
    if (!use_model) {
      if (sobol_) {
        point = sobol_->point(position);  // the trial's place in the sequence
        assignment = fresh.take(point);
      }
    } else {
      auto members = bad_members;
      for (const auto& liar : liars) members.push_back(&liar);
      const TpeGroup bad = make_group(members, n_dims);
      if (options_.multivariate) {
        const MultivariateParzen bad_joint(dims_, bad, options_.prior_weight);
        for (int attempt = 0; attempt < kFreshAttempts && !assignment; ++attempt) {
          point = propose_multivariate(*good_joint, bad_joint, options_.candidates, rng);
          assignment = fresh.take(point);
        }
      } else {
        std::vector<UnivariateParzen> bad_univariate;
        bad_univariate.reserve(n_dims);
        for (size_t d = 0; d < n_dims; ++d)
          bad_univariate.emplace_back(dims_[d], bad, d, options_.prior_weight, floor_scale);
        for (int attempt = 0; attempt < kFreshAttempts && !assignment; ++attempt) {
          point = propose_univariate(good_univariate, bad_univariate, options_.candidates, rng);
          assignment = fresh.take(point);
        }
      }
    }
    if (!assignment) {
      assignment = fresh.take_random(rng);
      auto located = cube_.point_of(*assignment);
      point = located ? *located : std::vector<double>(n_dims, 0.5);
    }
    snap(dims_, point);
    liars.push_back(std::move(point));
    result.suggestions.push_back({std::move(*assignment), {}});
  }
  result.exhausted = fresh.exhausted();
  return result;
}

std::string TpeSearch::save_state() const {
  return seed_.save();
}

void TpeSearch::restore_state(const std::string& state) {
  if (seed_.restore(state, name_) && sobol_) sobol_.emplace(cube_.dimensions(), seed_.value());
}

}  // namespace sextant::algorithms
