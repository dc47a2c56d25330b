// Recognizes a model directory's format and loads it, verified by a smoke inference.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "serving/model/served_model.hpp"

namespace sextant::serving {

// "sextant-mlp" (sextant-mlp.json), "sextant-svm" (sextant-svm.json), "xgboost" (model.ubj,
// model.json or model.bst), or "" when the directory holds none of them.
std::string detect_model_format(const std::filesystem::path& directory);

// Loads the model in `directory` and runs smoke_test() on it. Throws Error(kInvalidArgument)
// that names the directory when it is missing, holds no known model, or the model is refused.
std::shared_ptr<const ServedModel> load_model(const std::filesystem::path& directory);

}  // namespace sextant::serving
