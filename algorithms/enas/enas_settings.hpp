// ENAS settings (Katib's controller_* names and defaults, plus random_state): checked with field
// paths, then read into the controller's configuration.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/enas/enas_controller.hpp"
#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

inline constexpr const char* kEnasHiddenSize = "controller_hidden_size";
inline constexpr const char* kEnasTemperature = "controller_temperature";
inline constexpr const char* kEnasTanhConst = "controller_tanh_const";
inline constexpr const char* kEnasEntropyWeight = "controller_entropy_weight";
inline constexpr const char* kEnasBaselineDecay = "controller_baseline_decay";
inline constexpr const char* kEnasLearningRate = "controller_learning_rate";
inline constexpr const char* kEnasSkipTarget = "controller_skip_target";
inline constexpr const char* kEnasSkipWeight = "controller_skip_weight";
inline constexpr const char* kEnasTrainSteps = "controller_train_steps";
inline constexpr const char* kEnasLogEverySteps = "controller_log_every_steps";
// Ours: Katib has no upper bounds. The weights and Adam moments go into the saved state after
// every suggestion, and every suggestion runs the training steps.
inline constexpr int64_t kEnasMaxHiddenSize = 512;
inline constexpr int64_t kEnasMaxTrainSteps = 10000;

struct EnasSettings {
  EnasControllerConfig controller;
  double baseline_decay = 0.999;
  int train_steps = 50;
  int64_t log_every_steps = 10;
  std::optional<uint64_t> seed;  // random_state
};

std::vector<std::string> enas_known_settings();
// Setting problems only (names, values, random_state); the nasConfig is checked by the factory.
std::vector<engine::SpecProblem> enas_setting_problems(const engine::ExperimentSpec& spec);
// Throws Error(kInvalidArgument) at the first problem's field path.
EnasSettings read_enas_settings(const engine::ExperimentSpec& spec);

}  // namespace sextant::algorithms
