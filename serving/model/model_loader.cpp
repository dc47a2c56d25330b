// Format detection by file name, then the format's loader and the smoke inference.
#include "serving/model/model_loader.hpp"

#include "engine/error.hpp"
#include "serving/model/mlp_model.hpp"
#include "serving/model/svm_model.hpp"
#include "serving/model/xgboost_model.hpp"

namespace sextant::serving {

std::string detect_model_format(const std::filesystem::path& directory) {
  if (std::filesystem::exists(directory / kMlpFile)) return "sextant-mlp";
  if (std::filesystem::exists(directory / kSvmFile)) return "sextant-svm";
  if (!xgboost_model_file(directory).empty()) return "xgboost";
  return "";
}

std::shared_ptr<const ServedModel> load_model(const std::filesystem::path& directory) {
  if (!std::filesystem::is_directory(directory))
    throw Error(ErrorCode::kInvalidArgument, "no model directory at " + directory.string());
  auto format = detect_model_format(directory);
  std::unique_ptr<ServedModel> model;
  try {
    if (format == "sextant-mlp")
      model = load_mlp_model(directory);
    else if (format == "sextant-svm")
      model = load_svm_model(directory);
    else if (format == "xgboost")
      model = load_xgboost_model(directory);
    else
      throw Error(ErrorCode::kInvalidArgument, "no model found (expected " + std::string(kMlpFile) +
                                                   ", " + kSvmFile +
                                                   ", model.ubj, model.json or model.bst)");
    smoke_test(*model);
  } catch (const Error& e) {
    throw Error(ErrorCode::kInvalidArgument, directory.string() + ": " + e.message());
  }
  return model;
}

}  // namespace sextant::serving
