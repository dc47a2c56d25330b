// Tensor datatypes and the JSON reading and writing of inference requests and responses.
#include "serving/model/tensor.hpp"

#include <cmath>
#include <limits>

#include "engine/error.hpp"

namespace sextant::serving {
namespace {

using nlohmann::json;

struct TypeName {
  DataType type;
  const char* name;
};
constexpr TypeName kTypeNames[] = {
    {DataType::kBool, "BOOL"},     {DataType::kUint8, "UINT8"},   {DataType::kUint16, "UINT16"},
    {DataType::kUint32, "UINT32"}, {DataType::kUint64, "UINT64"}, {DataType::kInt8, "INT8"},
    {DataType::kInt16, "INT16"},   {DataType::kInt32, "INT32"},   {DataType::kInt64, "INT64"},
    {DataType::kFp32, "FP32"},     {DataType::kFp64, "FP64"},     {DataType::kBytes, "BYTES"},
};

// The inclusive range of an integer datatype (as doubles: every bound below 2^53 is exact, and
// the 64-bit ones only need to be close because JSON numbers beyond 2^53 are already rounded).
std::pair<double, double> integer_range(DataType type) {
  switch (type) {
    case DataType::kUint8:
      return {0, 255};
    case DataType::kUint16:
      return {0, 65535};
    case DataType::kUint32:
      return {0, 4294967295.0};
    case DataType::kUint64:
      return {0, 18446744073709551615.0};
    case DataType::kInt8:
      return {-128, 127};
    case DataType::kInt16:
      return {-32768, 32767};
    case DataType::kInt32:
      return {-2147483648.0, 2147483647.0};
    case DataType::kInt64:
      return {-9223372036854775808.0, 9223372036854775807.0};
    default:
      return {0, 0};
  }
}

bool is_integer(DataType type) {
  return type != DataType::kBool && type != DataType::kFp32 && type != DataType::kFp64 &&
         type != DataType::kBytes;
}

[[noreturn]] void bad_input(const std::string& name, const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, "input \"" + name + "\": " + what);
}

void append_element(Tensor& t, const json& value) {
  switch (t.datatype) {
    case DataType::kBytes:
      if (!value.is_string())
        bad_input(t.name, "BYTES data must be strings, found " + value.dump());
      t.strings.push_back(value.get<std::string>());
      return;
    case DataType::kBool:
      if (!value.is_boolean())
        bad_input(t.name, "BOOL data must be true or false, found " + value.dump());
      t.numbers.push_back(value.get<bool>() ? 1.0 : 0.0);
      return;
    case DataType::kFp32:
    case DataType::kFp64:
      if (!value.is_number())
        bad_input(t.name, std::string(to_string(t.datatype)) + " data must be numbers, found " +
                              value.dump());
      t.numbers.push_back(value.get<double>());
      return;
    default: {
      if (!value.is_number_integer() &&
          !(value.is_number_float() && std::floor(value.get<double>()) == value.get<double>()))
        bad_input(t.name, std::string(to_string(t.datatype)) + " data must be integers, found " +
                              value.dump());
      double v = value.get<double>();
      auto [low, high] = integer_range(t.datatype);
      if (v < low || v > high)
        bad_input(t.name, value.dump() + " is out of range for " + to_string(t.datatype));
      t.numbers.push_back(v);
    }
  }
}

void flatten(Tensor& t, const json& data, size_t depth) {
  if (!data.is_array()) return append_element(t, data);
  // Nested arrays may go no deeper than the shape's rank.
  if (depth >= t.shape.size() && !t.shape.empty())
    bad_input(t.name, "data is nested deeper than the shape " + shape_text(t.shape));
  for (const auto& item : data) flatten(t, item, depth + 1);
}

}  // namespace

const char* to_string(DataType type) {
  for (const auto& entry : kTypeNames)
    if (entry.type == type) return entry.name;
  return "BYTES";
}

std::optional<DataType> parse_data_type(const std::string& text) {
  for (const auto& entry : kTypeNames)
    if (text == entry.name) return entry.type;
  return std::nullopt;
}

bool is_numeric(DataType type) {
  return type != DataType::kBytes;
}

std::string shape_text(const Shape& shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

json TensorMeta::to_json() const {
  return {{"name", name}, {"datatype", to_string(datatype)}, {"shape", shape}};
}

size_t Tensor::element_count() const {
  size_t n = 1;
  for (auto d : shape) n *= static_cast<size_t>(d);
  return n;
}

Tensor tensor_from_json(const json& input) {
  if (!input.is_object()) throw Error(ErrorCode::kInvalidArgument, "each input must be an object");
  Tensor t;
  auto name = input.find("name");
  if (name == input.end() || !name->is_string())
    throw Error(ErrorCode::kInvalidArgument, "an input has no \"name\" string");
  t.name = name->get<std::string>();
  auto datatype = input.find("datatype");
  if (datatype == input.end() || !datatype->is_string())
    bad_input(t.name, "no \"datatype\" string");
  auto type = parse_data_type(datatype->get<std::string>());
  if (!type)
    bad_input(t.name, "unknown datatype \"" + datatype->get<std::string>() +
                          "\" (BOOL, UINT8..UINT64, INT8..INT64, FP32, FP64, BYTES)");
  t.datatype = *type;
  auto shape = input.find("shape");
  if (shape == input.end() || !shape->is_array()) bad_input(t.name, "no \"shape\" array");
  for (const auto& d : *shape) {
    if (!d.is_number_integer() || d.get<int64_t>() < 0)
      bad_input(t.name, "shape " + shape->dump() + " must hold non-negative integers");
    t.shape.push_back(d.get<int64_t>());
  }
  auto data = input.find("data");
  if (data == input.end()) bad_input(t.name, "no \"data\"");
  size_t expected = t.element_count();
  if (t.datatype == DataType::kBytes)
    t.strings.reserve(expected);
  else
    t.numbers.reserve(expected);
  flatten(t, *data, 0);
  size_t found = t.datatype == DataType::kBytes ? t.strings.size() : t.numbers.size();
  if (found != expected)
    bad_input(t.name, "shape " + shape_text(t.shape) + " needs " + std::to_string(expected) +
                          " elements, data has " + std::to_string(found));
  return t;
}

json tensor_to_json(const Tensor& t) {
  json out = {{"name", t.name}, {"datatype", to_string(t.datatype)}, {"shape", t.shape}};
  json data = json::array();
  if (t.datatype == DataType::kBytes) {
    for (const auto& s : t.strings) data.push_back(s);
  } else if (t.datatype == DataType::kBool) {
    for (double v : t.numbers) data.push_back(v != 0);
  } else if (is_integer(t.datatype)) {
    for (double v : t.numbers) data.push_back(static_cast<int64_t>(v));
  } else if (t.datatype == DataType::kFp32) {
    // Printed as floats so the answer shows the model's precision, not 17 digits of noise.
    for (double v : t.numbers) data.push_back(static_cast<float>(v));
  } else {
    for (double v : t.numbers) data.push_back(v);
  }
  out["data"] = std::move(data);
  return out;
}

void check_shape(const Tensor& tensor, const TensorMeta& expected) {
  bool ok = tensor.shape.size() == expected.shape.size();
  for (size_t i = 0; ok && i < expected.shape.size(); ++i)
    ok = expected.shape[i] < 0 || expected.shape[i] == tensor.shape[i];
  if (!ok)
    bad_input(tensor.name, "shape " + shape_text(tensor.shape) + " does not match the model's " +
                               shape_text(expected.shape) + " (-1 = any size)");
}

}  // namespace sextant::serving
