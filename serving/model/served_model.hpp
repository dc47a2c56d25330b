// A loaded model as the inference server sees it: its signature and a thread-safe predict().
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "serving/model/tensor.hpp"

namespace sextant::serving {

struct ModelSignature {
  std::string platform;  // OIP "platform": "xgboost_json", "xgboost_ubj", "sextant_mlp"
  TensorMeta input;      // every model here takes one 2-D input [-1, features]
  std::vector<TensorMeta> outputs;
  nlohmann::json example;  // one input row (array of numbers) for the smoke inference, or null
  // The "label" the training library predicted for `example` (null: unknown): a model whose
  // own answer differs was exported or read wrongly.
  nlohmann::json example_label;
};

// Contract: predict() may be called from many threads at once and never changes what later
// calls return. `input` has passed check_shape() against signature().input and is numeric;
// rows = input.shape[0]. It returns every output of signature().outputs, in that order, with
// concrete shapes. Throws Error(kInternal) when the model itself fails.
class ServedModel {
 public:
  virtual ~ServedModel() = default;
  virtual const ModelSignature& signature() const = 0;
  virtual std::vector<Tensor> predict(const Tensor& input) const = 0;
};

// Runs one inference on the signature's example row (zeros when there is none) and checks that
// every output has the declared datatype, one row, and finite numbers, and that the label is
// the signature's example_label when it has one. Throws
// Error(kInvalidArgument) describing the failure: a model that fails this is not served.
void smoke_test(const ServedModel& model);

}  // namespace sextant::serving
