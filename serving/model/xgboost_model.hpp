// XGBoost models (JSON, UBJ or the legacy binary format) through libxgboost's C API.
#pragma once

#include <filesystem>
#include <memory>

#include "serving/model/served_model.hpp"

namespace sextant::serving {

// The files of an XGBoost artifact directory:
//   model.json | model.ubj | model.bst   the booster, as XGBoost saved it
//   model-settings.json (optional)       {"format": "xgboost", "model_file": "model.ubj",
//                                         "input": {"name": "features", "features": 30},
//                                         "classes": ["malignant", "benign"],
//                                         "example": [30 numbers], "example_label": "benign",
//                                         "description": "..."}
// Outputs: "predict" FP32, [-1] (binary or regression) or [-1, classes] (multi:softprob), what
// XGBoost's predict() returns; and "label" BYTES [-1] when the settings name the classes
// (probability above 0.5 for binary models, the largest probability otherwise).
// Throws Error(kInvalidArgument) when the files are missing or libxgboost refuses them.
std::unique_ptr<ServedModel> load_xgboost_model(const std::filesystem::path& directory);

// The booster file of an XGBoost artifact directory, or "" when there is none.
std::filesystem::path xgboost_model_file(const std::filesystem::path& directory);

}  // namespace sextant::serving
