// The speed table's engine side: time per suggestion at a given history size.
//
// For (algorithm, d, n): a history of n - warmup completed trials at uniform random points of
// [0,1]^d (objective: a Hartmann-like sum of 4 Gaussian bumps, so models have structure to
// fit), then `warmup` untimed suggest+complete rounds (they absorb a cold start that a running
// controller would have paid long before n), then `window` timed rounds starting at exactly n
// completed trials. One round = suggest(history, 1) + save_state() (the controller stores the
// state after every suggest) + recording the trial and its result. A window of 10 consecutive
// rounds amortises periodic work such as a model refit every k trials.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/spec/experiment_spec.hpp"

namespace sextant::bench {

struct TimingRequest {
  std::string algorithm;
  int dimensions = 6;
  int completed = 100;
  int window = 10;
  int warmup = 1;
  uint64_t seed = 1;
  std::vector<engine::AlgorithmSetting> settings;  // random_state = seed is added when known
};

// {"ok":true, "algorithm", "dimensions", "completed", "window", "warmup",
//  "round_seconds":[...], "suggest_seconds":[...], "median_seconds", "mean_seconds",
//  "max_seconds", "suggest_median_seconds", "suggest_mean_seconds"}
// or {"ok":false,"error":...}. Never throws.
nlohmann::json time_suggestions(const TimingRequest& request);

}  // namespace sextant::bench
