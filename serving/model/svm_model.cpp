// sextant-svm: kernel values against every support vector, then libsvm's one-vs-one vote.
#include "serving/model/svm_model.hpp"

#include <cmath>
#include <numeric>

#include "engine/error.hpp"
#include "serving/model/model_file.hpp"

namespace sextant::serving {
namespace {

using nlohmann::json;

enum class Kernel { kRbf, kLinear, kPoly, kSigmoid };

class SvmModel : public ServedModel {
 public:
  explicit SvmModel(const std::filesystem::path& directory) {
    auto path = directory / kSvmFile;
    json doc = read_model_file(path, "sextant-svm");
    try {
      parse(doc, path.string());
    } catch (const json::exception& e) {
      throw Error(ErrorCode::kInvalidArgument, path.string() + ": " + e.what());
    }
  }

  const ModelSignature& signature() const override { return signature_; }

  std::vector<Tensor> predict(const Tensor& input) const override {
    size_t rows = static_cast<size_t>(input.shape[0]);
    size_t k = n_support_.size();
    Tensor votes{
        "votes", DataType::kInt64, {static_cast<int64_t>(rows), static_cast<int64_t>(k)}, {}, {}};
    std::vector<size_t> winners(rows);
    std::vector<double> x(features_), kernel(n_vectors_);
    std::vector<int> wins(k);
    for (size_t r = 0; r < rows; ++r) {
      x.assign(input.numbers.begin() + r * features_, input.numbers.begin() + (r + 1) * features_);
      standardize_.apply(x.data());
      for (size_t v = 0; v < n_vectors_; ++v) kernel[v] = kernel_value(x, v);
      std::fill(wins.begin(), wins.end(), 0);
      // Classes i < j meet once, in that order; the pair's decision sums class i's vectors with
      // their coefficients against j and class j's with theirs against i.
      size_t pair = 0;
      for (size_t i = 0; i < k; ++i) {
        for (size_t j = i + 1; j < k; ++j, ++pair) {
          double decision = intercept_[pair];
          for (size_t v = start_[i]; v < start_[i] + n_support_[i]; ++v)
            decision += dual_coef_[(j - 1) * n_vectors_ + v] * kernel[v];
          for (size_t v = start_[j]; v < start_[j] + n_support_[j]; ++v)
            decision += dual_coef_[i * n_vectors_ + v] * kernel[v];
          ++wins[decision > 0 ? i : j];
        }
      }
      winners[r] = static_cast<size_t>(std::max_element(wins.begin(), wins.end()) - wins.begin());
      votes.numbers.insert(votes.numbers.end(), wins.begin(), wins.end());
    }
    std::vector<Tensor> out;
    out.push_back(std::move(votes));
    out.push_back(classes_.labels(winners));
    return out;
  }

 private:
  double kernel_value(const std::vector<double>& x, size_t v) const {
    const double* sv = vectors_.data() + v * features_;
    if (kernel_ == Kernel::kRbf) {
      double squared = 0;
      for (size_t i = 0; i < features_; ++i) squared += (x[i] - sv[i]) * (x[i] - sv[i]);
      return std::exp(-gamma_ * squared);
    }
    double dot = std::inner_product(x.begin(), x.end(), sv, 0.0);
    switch (kernel_) {
      case Kernel::kLinear:
        return dot;
      case Kernel::kPoly:
        return std::pow(gamma_ * dot + coef0_, degree_);
      default:
        return std::tanh(gamma_ * dot + coef0_);
    }
  }

  void parse(const json& doc, const std::string& where) {
    auto bad = [&](const std::string& what) {
      return Error(ErrorCode::kInvalidArgument, where + ": " + what);
    };
    const auto& input = doc.at("input");
    features_ = input.at("features").get<size_t>();
    if (features_ == 0) throw bad("input.features is 0");
    standardize_ = Standardize(doc, features_, where);

    std::string kernel = doc.value("kernel", "rbf");
    if (kernel == "rbf")
      kernel_ = Kernel::kRbf;
    else if (kernel == "linear")
      kernel_ = Kernel::kLinear;
    else if (kernel == "poly")
      kernel_ = Kernel::kPoly;
    else if (kernel == "sigmoid")
      kernel_ = Kernel::kSigmoid;
    else
      throw bad("unknown kernel \"" + kernel + "\" (rbf, linear, poly, sigmoid)");
    gamma_ = doc.value("gamma", 0.0);
    coef0_ = doc.value("coef0", 0.0);
    degree_ = doc.value("degree", 3.0);
    if (kernel_ != Kernel::kLinear && !(gamma_ > 0)) throw bad("\"gamma\" must be above 0");

    for (const auto& n : doc.at("n_support")) n_support_.push_back(n.get<size_t>());
    size_t k = n_support_.size();
    if (k < 2) throw bad("\"n_support\" must count the vectors of at least 2 classes");
    for (size_t i = 0, at = 0; i < k; at += n_support_[i++]) start_.push_back(at);
    n_vectors_ = start_.back() + n_support_.back();

    const auto& vectors = doc.at("support_vectors");
    if (!vectors.is_array() || vectors.size() != n_vectors_)
      throw bad("\"support_vectors\" must hold " + std::to_string(n_vectors_) +
                " vectors (the sum of n_support)");
    for (const auto& v : vectors) {
      auto row = model_numbers<double>(v, where + ": support_vectors");
      if (row.size() != features_)
        throw bad("each support vector must have " + std::to_string(features_) + " features");
      vectors_.insert(vectors_.end(), row.begin(), row.end());
    }
    const auto& coefficients = doc.at("dual_coef");
    if (!coefficients.is_array() || coefficients.size() != k - 1)
      throw bad("\"dual_coef\" must have " + std::to_string(k - 1) + " rows (classes - 1)");
    for (const auto& row : coefficients) {
      auto values = model_numbers<double>(row, where + ": dual_coef");
      if (values.size() != n_vectors_)
        throw bad("each \"dual_coef\" row must have " + std::to_string(n_vectors_) + " numbers");
      dual_coef_.insert(dual_coef_.end(), values.begin(), values.end());
    }
    intercept_ = model_numbers<double>(doc.at("intercept"), where + ": intercept");
    if (intercept_.size() != k * (k - 1) / 2)
      throw bad("\"intercept\" must have " + std::to_string(k * (k - 1) / 2) +
                " numbers (one per pair of classes)");
    if (!doc.contains("classes")) throw bad("\"classes\" is missing");
    classes_ = ClassLabels(doc, k, where);

    signature_.platform = "sextant_svm";
    signature_.input = {
        input.value("name", "input-0"), DataType::kFp64, {-1, static_cast<int64_t>(features_)}};
    signature_.outputs.push_back({"votes", DataType::kInt64, {-1, static_cast<int64_t>(k)}});
    signature_.outputs.push_back(classes_.output());
    if (doc.contains("example")) signature_.example = doc["example"];
    if (doc.contains("example_label")) signature_.example_label = doc["example_label"];
  }

  size_t features_ = 0;
  Standardize standardize_;
  Kernel kernel_ = Kernel::kRbf;
  double gamma_ = 0, coef0_ = 0, degree_ = 3;
  std::vector<size_t> n_support_, start_;
  size_t n_vectors_ = 0;
  std::vector<double> vectors_;    // n_vectors x features, row-major
  std::vector<double> dual_coef_;  // (k - 1) x n_vectors, row-major
  std::vector<double> intercept_;  // one per pair of classes
  ClassLabels classes_;
  ModelSignature signature_;
};

}  // namespace

std::unique_ptr<ServedModel> load_svm_model(const std::filesystem::path& directory) {
  return std::make_unique<SvmModel>(directory);
}

}  // namespace sextant::serving
