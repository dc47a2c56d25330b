// What the project's own JSON model formats (sextant-mlp, sextant-svm) share: the file and its
// header, arrays of numbers, input standardization, and class labels.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "serving/model/tensor.hpp"

namespace sextant::serving {

// Parses `path` and checks {"format": format, "version": 1}. Throws Error(kInvalidArgument)
// naming the file.
nlohmann::json read_model_file(const std::filesystem::path& path, const std::string& format);

// An array of numbers as float (network weights) or double (SVM support vectors); throws
// Error(kInvalidArgument) "<where> must ..." otherwise.
template <class Number>
std::vector<Number> model_numbers(const nlohmann::json& array, const std::string& where);

// Optional "standardize": {"mean": [features numbers], "scale": [features numbers]}: the model
// sees (x - mean) / scale, as scikit-learn's StandardScaler gives it.
class Standardize {
 public:
  Standardize() = default;
  Standardize(const nlohmann::json& doc, size_t features, const std::string& where);
  // Scales `x` (`features` values) in place; nothing without a "standardize" object.
  template <class Number>
  void apply(Number* x) const {
    for (size_t i = 0; i < mean_.size(); ++i) x[i] = (x[i] - mean_[i]) / scale_[i];
  }

 private:
  std::vector<float> mean_, scale_;
};

// Optional "classes": [integers] or [strings], one per class index: the "label" output, INT64 or
// BYTES [-1].
class ClassLabels {
 public:
  ClassLabels() = default;
  // `count` classes are needed; throws Error(kInvalidArgument) otherwise.
  ClassLabels(const nlohmann::json& doc, size_t count, const std::string& where);
  bool empty() const { return classes_.is_null(); }
  TensorMeta output() const;
  // The label tensor of one class index per row.
  Tensor labels(const std::vector<size_t>& indices) const;

 private:
  nlohmann::json classes_;
  bool strings_ = false;
};

}  // namespace sextant::serving
