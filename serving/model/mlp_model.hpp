// sextant-mlp: the project's own small JSON format for dense neural networks (examples/mlp-digits).
#pragma once

#include <filesystem>
#include <memory>

#include "serving/model/served_model.hpp"

namespace sextant::serving {

inline constexpr const char* kMlpFile = "sextant-mlp.json";

// The file sextant-mlp.json, version 1 (documented in examples/mlp-digits/README.md):
//   {"format": "sextant-mlp", "version": 1,
//    "input": {"name": "pixels", "features": 64},
//    "standardize": {"mean": [64 numbers], "scale": [64 numbers]},       optional: (x - mean) /
//    scale "layers": [{"weights": [[out numbers] x in], "bias": [out numbers],
//                "activation": "relu" | "tanh" | "logistic" | "identity" | "softmax"}, ...],
//    "classes": [0, 1, ...] or ["a", "b", ...],                          optional
//    "example": [64 numbers],                                            optional, smoke input
//    "example_label": 3}                       optional, the trainer's label for the example
// Outputs: "probabilities" FP32 [-1, out] (last activation softmax or logistic) or "predict"
// FP32 [-1, out] (any other); "label" INT64 (integer classes) or BYTES (strings) [-1] when
// classes are given: the largest output, or output > 0.5 for a single logistic unit.
// Throws Error(kInvalidArgument) naming what is wrong with the file.
std::unique_ptr<ServedModel> load_mlp_model(const std::filesystem::path& directory);

}  // namespace sextant::serving
