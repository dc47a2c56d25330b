// XGBoost through the C API: load, probe the output shape, predict in place from dense rows.
#include "serving/model/xgboost_model.hpp"

#include <xgboost/c_api.h>

#include <cmath>
#include <fstream>
#include <mutex>
#include <sstream>

#include "engine/error.hpp"

namespace sextant::serving {
namespace {

using nlohmann::json;

constexpr const char* kSettingsFile = "model-settings.json";

json read_settings(const std::filesystem::path& directory) {
  auto path = directory / kSettingsFile;
  if (!std::filesystem::exists(path)) return json::object();
  std::ifstream in(path);
  try {
    auto settings = json::parse(in);
    if (!settings.is_object()) throw std::runtime_error("not a JSON object");
    return settings;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, path.string() + ": " + e.what());
  }
}

// Frees the booster even when the model's constructor throws half-way.
struct Booster {
  BoosterHandle handle = nullptr;
  ~Booster() {
    if (handle) XGBoosterFree(handle);
  }
};

class XgboostModel : public ServedModel {
 public:
  XgboostModel(const std::filesystem::path& directory) {
    auto settings = read_settings(directory);
    std::filesystem::path file = settings.contains("model_file")
                                     ? directory / settings["model_file"].get<std::string>()
                                     : xgboost_model_file(directory);
    if (file.empty() || !std::filesystem::exists(file))
      throw Error(
          ErrorCode::kInvalidArgument,
          directory.string() + " holds no XGBoost model (model.json, model.ubj or model.bst)");
    check(XGBoosterCreate(nullptr, 0, &booster_.handle), "creating a booster");
    check(XGBoosterLoadModel(booster_.handle, file.c_str()), "loading " + file.string());
    // One thread per prediction: requests are single rows or small batches, and OpenMP's
    // fork-join costs more than it saves there; concurrency comes from the server's threads.
    check(XGBoosterSetParam(booster_.handle, "nthread", "1"), "setting nthread");
    bst_ulong features = 0;
    check(XGBoosterGetNumFeature(booster_.handle, &features), "reading the feature count");
    if (features == 0)
      throw Error(ErrorCode::kInvalidArgument, file.string() + " declares no features");

    std::string ext = file.extension().string();
    signature_.platform = ext == ".ubj"    ? "xgboost_ubj"
                          : ext == ".json" ? "xgboost_json"
                                           : "xgboost_bst";
    std::string input_name = "input-0";
    if (auto input = settings.find("input"); input != settings.end() && input->is_object()) {
      input_name = input->value("name", input_name);
      if (input->contains("features") && (*input)["features"].get<bst_ulong>() != features)
        throw Error(ErrorCode::kInvalidArgument,
                    std::string(kSettingsFile) + " says " + (*input)["features"].dump() +
                        " features, the booster has " + std::to_string(features));
    }
    signature_.input = {input_name, DataType::kFp32, {-1, static_cast<int64_t>(features)}};
    if (settings.contains("example")) signature_.example = settings["example"];
    if (settings.contains("example_label")) signature_.example_label = settings["example_label"];
    if (settings.contains("classes") && settings["classes"].is_array())
      for (const auto& c : settings["classes"])
        classes_.push_back(c.is_string() ? c.get<std::string>() : c.dump());

    // XGBoost knows its output width only from a prediction: probe with one row of zeros.
    std::vector<float> zeros(features, 0.0f);
    auto [values, shape] = run(zeros.data(), 1, features);
    columns_ = shape.size() >= 2 ? static_cast<int64_t>(shape[1]) : 1;
    if (columns_ > 1)
      signature_.outputs.push_back({"predict", DataType::kFp32, {-1, columns_}});
    else
      signature_.outputs.push_back({"predict", DataType::kFp32, {-1}});
    if (!classes_.empty()) {
      size_t needed = columns_ > 1 ? static_cast<size_t>(columns_) : 2;
      if (classes_.size() != needed)
        throw Error(ErrorCode::kInvalidArgument,
                    std::string(kSettingsFile) + " names " + std::to_string(classes_.size()) +
                        " classes, the model predicts " + std::to_string(needed));
      signature_.outputs.push_back({"label", DataType::kBytes, {-1}});
    }
  }

  const ModelSignature& signature() const override { return signature_; }

  std::vector<Tensor> predict(const Tensor& input) const override {
    size_t rows = static_cast<size_t>(input.shape[0]);
    size_t cols = static_cast<size_t>(input.shape[1]);
    std::vector<float> data(input.numbers.begin(), input.numbers.end());
    std::vector<Tensor> out;
    Tensor predict{"predict", DataType::kFp32, {}, {}, {}};
    {
      auto [values, shape] = run(data.data(), rows, cols);
      predict.numbers = std::move(values);
    }
    predict.shape = columns_ > 1 ? Shape{static_cast<int64_t>(rows), columns_}
                                 : Shape{static_cast<int64_t>(rows)};
    if (!classes_.empty()) {
      Tensor label{"label", DataType::kBytes, {static_cast<int64_t>(rows)}, {}, {}};
      for (size_t r = 0; r < rows; ++r) {
        size_t best = 0;
        if (columns_ > 1) {
          for (int64_t c = 1; c < columns_; ++c)
            if (predict.numbers[r * columns_ + c] > predict.numbers[r * columns_ + best]) best = c;
        } else {
          best = predict.numbers[r] > 0.5 ? 1 : 0;
        }
        label.strings.push_back(classes_[best]);
      }
      out.push_back(std::move(predict));
      out.push_back(std::move(label));
    } else {
      out.push_back(std::move(predict));
    }
    return out;
  }

 private:
  static void check(int rc, const std::string& what) {
    if (rc != 0)
      throw Error(ErrorCode::kInvalidArgument,
                  "libxgboost: " + what + ": " + std::string(XGBGetLastError()));
  }

  // In-place prediction; the booster owns its output buffer until its next call, so calls are
  // serialized and the result copied out under the lock.
  std::pair<std::vector<double>, std::vector<bst_ulong>> run(const float* data, size_t rows,
                                                             size_t cols) const {
    char array[192];
    std::snprintf(array, sizeof array,
                  "{\"data\": [%llu, true], \"shape\": [%zu, %zu], \"typestr\": \"<f4\", "
                  "\"version\": 3}",
                  static_cast<unsigned long long>(reinterpret_cast<uintptr_t>(data)), rows, cols);
    // 1.7.4 needs cache_id and missing in the in-place config.
    static const char* kConfig =
        "{\"type\": 0, \"training\": false, \"iteration_begin\": 0, \"iteration_end\": 0, "
        "\"strict_shape\": false, \"cache_id\": 0, \"missing\": NaN}";
    std::lock_guard lock(mutex_);
    const bst_ulong* shape = nullptr;
    bst_ulong dim = 0;
    const float* result = nullptr;
    if (XGBoosterPredictFromDense(booster_.handle, array, kConfig, nullptr, &shape, &dim,
                                  &result) != 0)
      throw Error(ErrorCode::kInternal,
                  std::string("libxgboost: prediction failed: ") + XGBGetLastError());
    std::vector<bst_ulong> dims(shape, shape + dim);
    size_t count = 1;
    for (auto d : dims) count *= d;
    return {std::vector<double>(result, result + count), dims};
  }

  Booster booster_;
  ModelSignature signature_;
  std::vector<std::string> classes_;
  int64_t columns_ = 1;
  mutable std::mutex mutex_;
};

}  // namespace

std::filesystem::path xgboost_model_file(const std::filesystem::path& directory) {
  for (const char* name : {"model.ubj", "model.json", "model.bst"})
    if (std::filesystem::exists(directory / name)) return directory / name;
  return {};
}

std::unique_ptr<ServedModel> load_xgboost_model(const std::filesystem::path& directory) {
  return std::make_unique<XgboostModel>(directory);
}

}  // namespace sextant::serving
