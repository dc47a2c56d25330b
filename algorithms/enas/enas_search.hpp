// The `enas` algorithm over a NAS space: learns from new results, then samples fresh
// architectures from the controller (the settings table is in enas_factory.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "algorithms/enas/enas_controller.hpp"
#include "algorithms/enas/enas_settings.hpp"
#include "algorithms/nas/fresh_architectures.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "engine/ports/algorithm.hpp"

namespace sextant::algorithms {

class EnasSearch final : public engine::Algorithm {
 public:
  EnasSearch(NasSpace space, engine::ObjectiveType type, const EnasSettings& settings);
  EnasSearch(const EnasSearch&) = delete;  // fresh_ refers to space_
  EnasSearch& operator=(const EnasSearch&) = delete;

  engine::SuggestResult suggest(const std::vector<engine::Trial>& history, int count) override;
  std::string save_state() const override;
  void restore_state(const std::string& state) override;

  const EnasController& controller() const { return controller_; }
  std::optional<double> baseline() const { return baseline_; }
  size_t results_learned() const { return learned_.size(); }
  // How many times the controller's step count reached a multiple of controller_log_every_steps.
  int64_t log_points() const { return log_points_; }
  uint64_t seed() const { return seed_; }

 private:
  void learn(const std::vector<engine::Trial>& history);
  Architecture fresh_architecture(Rng& rng, const std::vector<engine::Trial>& history,
                                  const std::vector<Architecture>& batch);

  NasSpace space_;
  engine::ObjectiveType type_;
  EnasSettings settings_;
  uint64_t seed_;
  bool seed_fixed_;  // random_state given: a saved state does not override it
  EnasController controller_;
  FreshArchitectures fresh_;
  std::optional<double> baseline_;
  std::set<int64_t> learned_;  // sequence numbers of the trials learned from
  uint64_t sample_calls_ = 0;  // calls that drew architectures: the stream of the next one
  int64_t log_points_ = 0;
};

}  // namespace sextant::algorithms
