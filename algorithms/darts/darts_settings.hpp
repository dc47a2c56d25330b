// Katib's DARTS settings and search space, as the single DARTS trial receives them.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/spec/diagnostic.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::algorithms {

// Assignment names of Katib's DARTS trial.
inline constexpr const char* kDartsSettingsAssignment = "algorithm-settings";
inline constexpr const char* kDartsSearchSpaceAssignment = "search-space";
inline constexpr const char* kDartsNumLayersAssignment = "num-layers";

// The setting names with defaults, in Katib's order.
std::vector<std::string> darts_setting_names();

// Katib's validate_algorithm_settings: num_epochs an integer > 0; w_lr, w_lr_min, alpha_lr,
// w_weight_decay, alpha_weight_decay, w_momentum, w_grad_clip numbers >= 0; batch_size an integer
// >= 1 or "None"; num_workers an integer >= 0; init_channels, print_step, num_nodes and
// stem_multiplier integers >= 1. Other names are accepted (and passed on), as by Katib.
std::vector<engine::SpecProblem> darts_setting_problems(const engine::AlgorithmSpec& algorithm);

// `algorithm-settings`: json.dumps of the defaults dict (num_epochs 50, w_lr 0.025, w_lr_min
// 0.001, w_momentum 0.9, w_weight_decay 0.0003, w_grad_clip 5.0, alpha_lr 0.0003,
// alpha_weight_decay 0.001, batch_size 128, num_workers 4, init_channels 16, print_step 50,
// num_nodes 4, stem_multiplier 3) where each spec setting replaces its entry in place with the
// value as a string ("None" -> null) and unknown names are appended; '"' -> '\''.
std::string darts_settings_text(const engine::AlgorithmSpec& algorithm);

// `search-space`: json.dumps of the operations' names: "skip_connection" as is, any other
// operationType once per value f of its first parameter's list, as "<type>_<f>x<f>"; '"' -> '\''.
std::string darts_search_space_text(const nlohmann::json& nas_config);

// `num-layers`: str(graphConfig.numLayers) ("0" when absent, as Katib's proto default).
std::string darts_num_layers_text(const nlohmann::json& nas_config);

}  // namespace sextant::algorithms
