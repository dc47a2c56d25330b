// Small real models made inside the tests: XGBoost boosters trained through the C API, and
// sextant-mlp files whose outputs are known by construction.
#pragma once

#include <xgboost/c_api.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "serving/model/served_model.hpp"
#include "tests/e2e/process.hpp"

namespace sextant::testing {

inline void xgb_check(int rc) {
  if (rc != 0) throw std::runtime_error(std::string("libxgboost: ") + XGBGetLastError());
}

// Synthetic rows: 4 features uniform in [0, 1); class 1 when x0 + x1 > 1.
struct Synthetic {
  size_t rows = 0, cols = 4;
  std::vector<float> x;
  std::vector<float> y;
};

inline Synthetic synthetic_data(size_t rows, unsigned seed = 1) {
  Synthetic d;
  d.rows = rows;
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0, 1);
  for (size_t r = 0; r < rows; ++r) {
    for (size_t c = 0; c < d.cols; ++c) d.x.push_back(u(rng));
    d.y.push_back(d.x[r * d.cols] + d.x[r * d.cols + 1] > 1 ? 1.0f : 0.0f);
  }
  return d;
}

// Trains `rounds` rounds of binary:logistic (or multi:softprob with 3 classes) and saves the
// booster to `file` (the extension picks JSON, UBJ or the legacy binary format).
inline void train_xgboost(const std::filesystem::path& file, int rounds = 8,
                          bool multiclass = false) {
  auto d = synthetic_data(200);
  if (multiclass)
    for (size_t r = 0; r < d.rows; ++r)
      d.y[r] = d.x[r * d.cols] < 0.33f ? 0 : d.x[r * d.cols] < 0.66f ? 1 : 2;
  DMatrixHandle dm;
  xgb_check(XGDMatrixCreateFromMat(d.x.data(), d.rows, d.cols, NAN, &dm));
  xgb_check(XGDMatrixSetFloatInfo(dm, "label", d.y.data(), d.rows));
  BoosterHandle b;
  xgb_check(XGBoosterCreate(&dm, 1, &b));
  xgb_check(XGBoosterSetParam(b, "objective", multiclass ? "multi:softprob" : "binary:logistic"));
  if (multiclass) xgb_check(XGBoosterSetParam(b, "num_class", "3"));
  xgb_check(XGBoosterSetParam(b, "max_depth", "3"));
  xgb_check(XGBoosterSetParam(b, "nthread", "1"));
  xgb_check(XGBoosterSetParam(b, "seed", "0"));
  for (int i = 0; i < rounds; ++i) xgb_check(XGBoosterUpdateOneIter(b, i, dm));
  std::filesystem::create_directories(file.parent_path());
  xgb_check(XGBoosterSaveModel(b, file.c_str()));
  XGBoosterFree(b);
  XGDMatrixFree(dm);
}

// libxgboost's own prediction through a DMatrix: the oracle for the server's in-place one.
inline std::vector<float> xgboost_reference(const std::filesystem::path& file,
                                            const std::vector<float>& x, size_t rows, size_t cols) {
  BoosterHandle b;
  xgb_check(XGBoosterCreate(nullptr, 0, &b));
  xgb_check(XGBoosterLoadModel(b, file.c_str()));
  DMatrixHandle dm;
  xgb_check(XGDMatrixCreateFromMat(x.data(), rows, cols, NAN, &dm));
  const bst_ulong* shape;
  bst_ulong dim;
  const float* out;
  xgb_check(XGBoosterPredictFromDMatrix(b, dm,
                                        "{\"type\": 0, \"training\": false, \"iteration_begin\": "
                                        "0, \"iteration_end\": 0, \"strict_shape\": false}",
                                        &shape, &dim, &out));
  size_t n = 1;
  for (bst_ulong i = 0; i < dim; ++i) n *= shape[i];
  std::vector<float> result(out, out + n);
  XGDMatrixFree(dm);
  XGBoosterFree(b);
  return result;
}

inline void write_json(const std::filesystem::path& file, const nlohmann::json& doc) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << doc.dump();
}

// A sextant-mlp whose "predict" output is the constant `value` in every column: one identity
// layer with zero weights and the bias `value` (2 inputs, `width` outputs). Each version of a
// model in the swap tests answers with its own number.
inline nlohmann::json constant_mlp(double value, int width = 2) {
  nlohmann::json weights = nlohmann::json::array();
  for (int i = 0; i < 2; ++i) weights.push_back(std::vector<double>(width, 0.0));
  return {{"format", "sextant-mlp"},
          {"version", 1},
          {"input", {{"name", "x"}, {"features", 2}}},
          {"layers",
           {{{"weights", weights},
             {"bias", std::vector<double>(width, value)},
             {"activation", "identity"}}}}};
}

// A two-layer classifier with hand-picked weights: hidden = relu(x0 - x1, x1 - x0), then
// softmax over (h0, h1): class "left" when x0 > x1, "right" otherwise.
inline nlohmann::json tiny_classifier() {
  return {
      {"format", "sextant-mlp"},
      {"version", 1},
      {"input", {{"name", "point"}, {"features", 2}}},
      {"standardize", {{"mean", {0.0, 0.0}}, {"scale", {1.0, 1.0}}}},
      {"layers",
       {{{"weights", {{1.0, -1.0}, {-1.0, 1.0}}}, {"bias", {0.0, 0.0}}, {"activation", "relu"}},
        {{"weights", {{1.0, 0.0}, {0.0, 1.0}}}, {"bias", {0.0, 0.0}}, {"activation", "softmax"}}}},
      {"classes", {"left", "right"}},
      {"example", {1.0, 0.0}}};
}

// How many of scikit-learn's labels (`expected`: {"pixels": rows of 64, "labels": [...]}, as
// the digits tests print them) the served model's "label" output (its second) disagrees with.
inline size_t labels_differing(const serving::ServedModel& model, const nlohmann::json& expected,
                               serving::DataType datatype) {
  const auto& pixels = expected.at("pixels");
  serving::Tensor x{"pixels", datatype, {static_cast<int64_t>(pixels.size()), 64}, {}, {}};
  for (const auto& row : pixels)
    for (const auto& v : row) x.numbers.push_back(v.get<double>());
  auto out = model.predict(x);
  if (out.size() < 2 || out[1].numbers.size() != pixels.size())
    throw std::runtime_error("the model's label output does not have one label per row");
  size_t differ = 0;
  for (size_t i = 0; i < pixels.size(); ++i)
    differ += out[1].numbers[i] != expected.at("labels")[i].get<double>();
  return differ;
}

}  // namespace sextant::testing
