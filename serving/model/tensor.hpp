// Tensors of the Open Inference Protocol: datatypes, shapes, and their JSON form.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sextant::serving {

// The protocol's datatype names (case-sensitive on the wire). FP16 has no JSON form in practice
// and is not accepted.
enum class DataType {
  kBool,
  kUint8,
  kUint16,
  kUint32,
  kUint64,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kFp32,
  kFp64,
  kBytes,
};

const char* to_string(DataType type);
std::optional<DataType> parse_data_type(const std::string& text);
bool is_numeric(DataType type);  // everything but BYTES (BOOL counts as 0/1)

// A shape as metadata declares it: -1 stands for "any size" in that dimension.
using Shape = std::vector<int64_t>;
std::string shape_text(const Shape& shape);  // "[-1, 30]"

struct TensorMeta {
  std::string name;
  DataType datatype = DataType::kFp32;
  Shape shape;
  nlohmann::json to_json() const;  // {"name", "datatype", "shape"}
};

// One tensor's values. Numbers are kept as double (every numeric datatype up to 2^53 is exact),
// strings for BYTES; exactly one of the two is used, row-major.
struct Tensor {
  std::string name;
  DataType datatype = DataType::kFp32;
  Shape shape;  // concrete (no -1)
  std::vector<double> numbers;
  std::vector<std::string> strings;

  size_t element_count() const;
};

// Parses one element of a request's "inputs" array. `data` may be flat or nested (both are
// legal); each element must fit the datatype (an integer type refuses 1.5, BOOL wants true or
// false, BYTES wants strings) and the element count must equal the shape's product.
// Throws Error(kInvalidArgument) naming the input and what is wrong.
Tensor tensor_from_json(const nlohmann::json& input);

// {"name", "datatype", "shape", "data": flat row-major array}
nlohmann::json tensor_to_json(const Tensor& tensor);

// Checks a request tensor against what the model declares: rank and every fixed dimension
// (-1 accepts any size). Throws Error(kInvalidArgument) with the expected shape in the message.
void check_shape(const Tensor& tensor, const TensorMeta& expected);

}  // namespace sextant::serving
