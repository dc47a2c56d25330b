// Replays ASHA's rungs from the history and picks promotions (Li et al. 2020, Algorithm 2).
#include "algorithms/asha/asha_ladder.hpp"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "algorithms/common/values.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::algorithms {

namespace {

// Resources are written to the trials as text and read back: equal within rounding.
bool same_resource(double a, double b) {
  return std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b));
}

std::optional<size_t> rung_index(const std::vector<double>& rungs, double resource) {
  for (size_t k = 0; k < rungs.size(); ++k)
    if (same_resource(rungs[k], resource)) return k;
  return std::nullopt;
}

// What Katib feeds its algorithms as results: Succeeded and EarlyStopped trials with an
// objective. An early-stopped trial ranks with the value it had when stopped.
bool has_result(const engine::Trial& t) {
  return (t.state == engine::TrialState::kSucceeded ||
          t.state == engine::TrialState::kEarlyStopped) &&
         t.objective && std::isfinite(*t.objective);
}

}  // namespace

AshaLadder::AshaLadder(const AshaSettings& settings, engine::ObjectiveType type,
                       const engine::SearchSpace& configs, const UnitCube& cube,
                       const std::vector<engine::Trial>& history)
    : eta_(settings.reduction_factor) {
  for (int64_t b = 0; b < settings.brackets; ++b) {
    rungs_.push_back(settings.rungs(b));
    results_.emplace_back(rungs_.back().size());
  }
  config_count_.assign(rungs_.size(), 0);

  // The trials of each configuration, configurations in order of first appearance. Trials
  // that are not a point of the space (an edited spec) or carry no number as resource are
  // left out: nothing sound can be continued from them.
  std::unordered_map<std::string, size_t> index;
  std::vector<std::vector<std::pair<size_t, double>>> groups;
  for (size_t i = 0; i < history.size(); ++i) {
    const auto& t = history[i];
    const std::string* value = engine::find_value(t.assignment, settings.resource_name);
    if (value == nullptr) continue;
    auto resource = engine::parse_finite_number(*value);
    if (!resource || !cube.point_of(t.assignment)) continue;
    auto [it, inserted] = index.emplace(assignment_key(configs, t.assignment), groups.size());
    if (inserted) groups.emplace_back();
    groups[it->second].push_back({i, *resource});
  }

  const bool minimize = type == engine::ObjectiveType::kMinimize;
  for (const auto& group : groups) {
    // A configuration starts at its bracket's first rung and only goes up from there.
    double lowest = group.front().second;
    for (const auto& [i, r] : group) lowest = std::min(lowest, r);
    std::optional<int64_t> bracket;
    for (size_t b = 0; b < rungs_.size() && !bracket; ++b)
      if (same_resource(rungs_[b].front(), lowest)) bracket = static_cast<int64_t>(b);
    if (!bracket) continue;
    Config config{*bracket, std::vector<Cell>(rungs_[*bracket].size())};
    for (const auto& [i, r] : group) {
      auto k = rung_index(rungs_[*bracket], r);
      if (!k) continue;
      Cell& cell = config.cells[*k];
      const auto& t = history[i];
      cell.present = true;
      if (has_result(t) && !cell.scored) {
        cell.scored = true;
        const double loss = minimize ? *t.objective : -*t.objective;
        results_[*bracket][*k].push_back({loss, i, configs_.size()});
      } else if (engine::is_active(t.state)) {
        cell.pending = true;
      }
    }
    for (auto& cell : config.cells)
      if (cell.scored) cell.pending = false;
    configs_.push_back(std::move(config));
    ++config_count_[*bracket];
  }
  for (auto& bracket : results_)
    for (auto& rung : bracket)
      std::sort(rung.begin(), rung.end(), [](const Result& a, const Result& b) {
        return a.loss != b.loss ? a.loss < b.loss : a.trial < b.trial;
      });
}

std::optional<AshaLadder::Promotion> AshaLadder::next_promotion() const {
  std::optional<Promotion> best;
  for (size_t b = 0; b < rungs_.size(); ++b) {
    const auto& rungs = rungs_[b];
    // From the top down: within a bracket, the first rung with a promotable configuration is
    // the highest; other brackets may still offer a higher resource.
    for (size_t k = rungs.size() - 1; k-- > 0;) {
      if (best && rungs[k + 1] <= best->resource) break;
      const auto& results = results_[b][k];
      const size_t quota = results.size() / static_cast<size_t>(eta_);
      std::optional<Promotion> found;
      for (size_t i = 0; i < quota && !found; ++i)
        if (!configs_[results[i].config].cells[k + 1].present)
          found = Promotion{results[i].trial, static_cast<int64_t>(b), k + 1, rungs[k + 1]};
      if (found) {
        best = found;
        break;
      }
    }
  }
  return best;
}

void AshaLadder::promote(const Promotion& promotion) {
  for (const auto& result : results_[promotion.bracket][promotion.rung - 1]) {
    if (result.trial != promotion.trial) continue;
    Cell& cell = configs_[result.config].cells[promotion.rung];
    cell.present = true;
    cell.pending = true;
    return;
  }
}

int64_t AshaLadder::next_bracket() const {
  return static_cast<int64_t>(std::min_element(config_count_.begin(), config_count_.end()) -
                              config_count_.begin());
}

void AshaLadder::start(int64_t bracket) {
  Config config{bracket, std::vector<Cell>(rungs_[bracket].size())};
  config.cells[0].present = true;
  config.cells[0].pending = true;
  configs_.push_back(std::move(config));
  ++config_count_[bracket];
}

bool AshaLadder::may_promote_later() const {
  const auto eta = static_cast<size_t>(eta_);
  for (size_t b = 0; b < rungs_.size(); ++b) {
    const size_t top = rungs_[b].size() - 1;
    // arriving: configurations that may still get a result at rung k (pending there, or
    // promotable into it later). A rung whose results can change may promote again; one whose
    // results cannot never will (nothing is promotable now) and sends nobody up.
    size_t arriving = 0;
    for (size_t k = 0; k < top; ++k) {
      size_t scored = 0, pending = 0, unpromoted = 0;
      for (const auto& config : configs_) {
        if (config.bracket != static_cast<int64_t>(b)) continue;
        const Cell& cell = config.cells[k];
        scored += cell.scored;
        pending += cell.pending;
        unpromoted += cell.scored && !config.cells[k + 1].present;
      }
      const size_t future = pending + arriving;
      if (future > 0 && (scored + future) / eta >= 1) return true;
      arriving = future > 0 ? unpromoted + future : 0;
    }
  }
  return false;
}

}  // namespace sextant::algorithms
