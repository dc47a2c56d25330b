// sextant-mlp: parse the layers, check their sizes chain, and run the forward pass in floats.
#include "serving/model/mlp_model.hpp"

#include <algorithm>
#include <cmath>

#include "engine/error.hpp"
#include "serving/model/model_file.hpp"

namespace sextant::serving {
namespace {

using nlohmann::json;

enum class Activation { kIdentity, kRelu, kTanh, kLogistic, kSoftmax };

struct Layer {
  size_t in = 0, out = 0;
  std::vector<float> weights;  // in x out, row-major
  std::vector<float> bias;
  Activation activation = Activation::kIdentity;
};

Activation parse_activation(const std::string& name, const std::string& where) {
  if (name == "identity") return Activation::kIdentity;
  if (name == "relu") return Activation::kRelu;
  if (name == "tanh") return Activation::kTanh;
  if (name == "logistic") return Activation::kLogistic;
  if (name == "softmax") return Activation::kSoftmax;
  throw Error(ErrorCode::kInvalidArgument, where + ": unknown activation \"" + name +
                                               "\" (identity, relu, tanh, logistic, softmax)");
}

class MlpModel : public ServedModel {
 public:
  explicit MlpModel(const std::filesystem::path& directory) {
    auto path = directory / kMlpFile;
    json doc = read_model_file(path, "sextant-mlp");
    std::string where = path.string();
    try {
      parse(doc, where);
    } catch (const json::exception& e) {
      throw Error(ErrorCode::kInvalidArgument, where + ": " + e.what());
    }
  }

  const ModelSignature& signature() const override { return signature_; }

  std::vector<Tensor> predict(const Tensor& input) const override {
    size_t rows = static_cast<size_t>(input.shape[0]);
    size_t width = layers_.back().out;
    Tensor main{signature_.outputs[0].name,
                DataType::kFp32,
                {static_cast<int64_t>(rows), static_cast<int64_t>(width)},
                {},
                {}};
    main.numbers.reserve(rows * width);
    std::vector<float> x, y;
    for (size_t r = 0; r < rows; ++r) {
      x.assign(input.numbers.begin() + r * features_, input.numbers.begin() + (r + 1) * features_);
      standardize_.apply(x.data());
      for (const auto& layer : layers_) {
        forward(layer, x, y);
        x.swap(y);
      }
      main.numbers.insert(main.numbers.end(), x.begin(), x.end());
    }
    std::vector<Tensor> out;
    if (!classes_.empty()) {
      std::vector<size_t> best(rows);
      for (size_t r = 0; r < rows; ++r) {
        const double* p = main.numbers.data() + r * width;
        best[r] = width == 1 ? (p[0] > 0.5 ? 1 : 0)
                             : static_cast<size_t>(std::max_element(p, p + width) - p);
      }
      out.push_back(std::move(main));
      out.push_back(classes_.labels(best));
    } else {
      out.push_back(std::move(main));
    }
    return out;
  }

 private:
  void parse(const json& doc, const std::string& where) {
    const auto& input = doc.at("input");
    features_ = input.at("features").get<size_t>();
    if (features_ == 0) throw Error(ErrorCode::kInvalidArgument, where + ": input.features is 0");
    standardize_ = Standardize(doc, features_, where);
    size_t width = features_;
    const auto& layers = doc.at("layers");
    if (!layers.is_array() || layers.empty())
      throw Error(ErrorCode::kInvalidArgument, where + ": \"layers\" must be a non-empty array");
    for (size_t i = 0; i < layers.size(); ++i) {
      std::string at = where + ": layers[" + std::to_string(i) + "]";
      Layer layer;
      const auto& w = layers[i].at("weights");
      if (!w.is_array() || w.size() != width)
        throw Error(
            ErrorCode::kInvalidArgument,
            at + ".weights must have " + std::to_string(width) + " rows (the layer's inputs)");
      layer.in = width;
      layer.bias = model_numbers<float>(layers[i].at("bias"), at + ".bias");
      layer.out = layer.bias.size();
      if (layer.out == 0) throw Error(ErrorCode::kInvalidArgument, at + ".bias is empty");
      for (const auto& row : w) {
        auto values = model_numbers<float>(row, at + ".weights");
        if (values.size() != layer.out)
          throw Error(ErrorCode::kInvalidArgument, at + ".weights rows must have " +
                                                       std::to_string(layer.out) +
                                                       " columns (the bias's size)");
        layer.weights.insert(layer.weights.end(), values.begin(), values.end());
      }
      layer.activation = parse_activation(layers[i].value("activation", "identity"), at);
      width = layer.out;
      layers_.push_back(std::move(layer));
    }
    for (float v : layers_.back().weights)
      if (!std::isfinite(v))
        throw Error(ErrorCode::kInvalidArgument, where + ": weights are not finite");

    signature_.platform = "sextant_mlp";
    signature_.input = {
        input.value("name", "input-0"), DataType::kFp32, {-1, static_cast<int64_t>(features_)}};
    auto last = layers_.back().activation;
    bool probabilities = last == Activation::kSoftmax || last == Activation::kLogistic;
    signature_.outputs.push_back({probabilities ? "probabilities" : "predict",
                                  DataType::kFp32,
                                  {-1, static_cast<int64_t>(width)}});
    classes_ = ClassLabels(doc, width == 1 ? 2 : width, where);
    if (!classes_.empty()) signature_.outputs.push_back(classes_.output());
    if (doc.contains("example")) signature_.example = doc["example"];
    if (doc.contains("example_label")) signature_.example_label = doc["example_label"];
  }

  static void forward(const Layer& layer, const std::vector<float>& x, std::vector<float>& y) {
    y.assign(layer.bias.begin(), layer.bias.end());
    for (size_t i = 0; i < layer.in; ++i) {
      float xi = x[i];
      const float* w = layer.weights.data() + i * layer.out;
      for (size_t o = 0; o < layer.out; ++o) y[o] += xi * w[o];
    }
    switch (layer.activation) {
      case Activation::kIdentity:
        break;
      case Activation::kRelu:
        for (auto& v : y) v = v > 0 ? v : 0;
        break;
      case Activation::kTanh:
        for (auto& v : y) v = std::tanh(v);
        break;
      case Activation::kLogistic:
        for (auto& v : y) v = 1.0f / (1.0f + std::exp(-v));
        break;
      case Activation::kSoftmax: {
        float top = *std::max_element(y.begin(), y.end());
        float sum = 0;
        for (auto& v : y) sum += (v = std::exp(v - top));
        for (auto& v : y) v /= sum;
      }
    }
  }

  size_t features_ = 0;
  Standardize standardize_;
  std::vector<Layer> layers_;
  ClassLabels classes_;
  ModelSignature signature_;
};

}  // namespace

std::unique_ptr<ServedModel> load_mlp_model(const std::filesystem::path& directory) {
  return std::make_unique<MlpModel>(directory);
}

}  // namespace sextant::serving
