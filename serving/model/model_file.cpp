// The pieces that sextant-mlp and sextant-svm files share.
#include "serving/model/model_file.hpp"

#include <algorithm>
#include <fstream>

#include "engine/error.hpp"

namespace sextant::serving {

using nlohmann::json;

json read_model_file(const std::filesystem::path& path, const std::string& format) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kInvalidArgument, "cannot read " + path.string());
  json doc;
  try {
    doc = json::parse(in);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, path.string() + ": not JSON: " + e.what());
  }
  if (!doc.is_object() || doc.value("format", "") != format)
    throw Error(ErrorCode::kInvalidArgument,
                path.string() + ": \"format\" must be \"" + format + "\"");
  if (doc.value("version", 0) != 1)
    throw Error(ErrorCode::kInvalidArgument, path.string() + ": unsupported version " +
                                                 doc.value("version", json()).dump() +
                                                 " (this sextant reads version 1)");
  return doc;
}

template <class Number>
std::vector<Number> model_numbers(const json& array, const std::string& where) {
  if (!array.is_array()) throw Error(ErrorCode::kInvalidArgument, where + " must be an array");
  std::vector<Number> out;
  out.reserve(array.size());
  for (const auto& v : array) {
    if (!v.is_number()) throw Error(ErrorCode::kInvalidArgument, where + " must hold numbers");
    out.push_back(v.get<Number>());
  }
  return out;
}
template std::vector<float> model_numbers<float>(const json&, const std::string&);
template std::vector<double> model_numbers<double>(const json&, const std::string&);

Standardize::Standardize(const json& doc, size_t features, const std::string& where) {
  if (!doc.contains("standardize")) return;
  mean_ = model_numbers<float>(doc["standardize"].at("mean"), where + ": standardize.mean");
  scale_ = model_numbers<float>(doc["standardize"].at("scale"), where + ": standardize.scale");
  if (mean_.size() != features || scale_.size() != features)
    throw Error(ErrorCode::kInvalidArgument,
                where + ": standardize needs " + std::to_string(features) + " means and scales");
  for (auto& s : scale_)
    if (s == 0) s = 1;  // a constant feature: scikit-learn's StandardScaler does the same
}

ClassLabels::ClassLabels(const json& doc, size_t count, const std::string& where) {
  if (!doc.contains("classes")) return;
  classes_ = doc["classes"];
  if (!classes_.is_array() || classes_.size() != count)
    throw Error(ErrorCode::kInvalidArgument,
                where + ": \"classes\" must list " + std::to_string(count) + " classes");
  strings_ = std::all_of(classes_.begin(), classes_.end(), [](auto& c) { return c.is_string(); });
  bool integers =
      std::all_of(classes_.begin(), classes_.end(), [](auto& c) { return c.is_number_integer(); });
  if (!strings_ && !integers)
    throw Error(ErrorCode::kInvalidArgument,
                where + ": \"classes\" must be all integers or all strings");
}

TensorMeta ClassLabels::output() const {
  return {"label", strings_ ? DataType::kBytes : DataType::kInt64, {-1}};
}

Tensor ClassLabels::labels(const std::vector<size_t>& indices) const {
  Tensor out{"label", output().datatype, {static_cast<int64_t>(indices.size())}, {}, {}};
  for (size_t index : indices) {
    if (strings_)
      out.strings.push_back(classes_[index].get<std::string>());
    else
      out.numbers.push_back(classes_[index].get<double>());
  }
  return out;
}

}  // namespace sextant::serving
