// Tensors of the inference protocol: flat and nested data, datatypes, shapes, and their errors.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "serving/model/tensor.hpp"

using namespace sextant;
using namespace sextant::serving;
using nlohmann::json;

namespace {
std::string error_of(const json& input) {
  try {
    tensor_from_json(input);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    return e.what();
  }
  FAIL("accepted " << input.dump());
  return "";
}
}  // namespace

TEST_CASE("tensor: flat and nested data give the same row-major values") {
  auto flat = tensor_from_json(json::parse(R"({"name": "x", "datatype": "FP32", "shape": [2, 3],
                                               "data": [1, 2, 3, 4, 5, 6]})"));
  auto nested = tensor_from_json(json::parse(R"({"name": "x", "datatype": "FP32", "shape": [2, 3],
                                                 "data": [[1, 2, 3], [4, 5, 6]]})"));
  CHECK(flat.numbers == std::vector<double>{1, 2, 3, 4, 5, 6});
  CHECK(nested.numbers == flat.numbers);
  CHECK(nested.shape == Shape{2, 3});
}

TEST_CASE("tensor: every datatype reads its own JSON form") {
  CHECK(tensor_from_json(
            {{"name", "b"}, {"datatype", "BOOL"}, {"shape", {2}}, {"data", {true, false}}})
            .numbers == std::vector<double>{1, 0});
  CHECK(tensor_from_json({{"name", "i"}, {"datatype", "INT32"}, {"shape", {2}}, {"data", {-3, 7}}})
            .numbers == std::vector<double>{-3, 7});
  CHECK(tensor_from_json(
            {{"name", "i"}, {"datatype", "INT64"}, {"shape", {1}}, {"data", {1LL << 40}}})
            .numbers[0] == static_cast<double>(1LL << 40));
  CHECK(tensor_from_json({{"name", "f"}, {"datatype", "FP64"}, {"shape", {1}}, {"data", {0.125}}})
            .numbers[0] == 0.125);
  CHECK(tensor_from_json(
            {{"name", "s"}, {"datatype", "BYTES"}, {"shape", {2}}, {"data", {"a", "bc"}}})
            .strings == std::vector<std::string>{"a", "bc"});
  CHECK(tensor_from_json({{"name", "u"}, {"datatype", "UINT8"}, {"shape", {1}}, {"data", {255}}})
            .numbers[0] == 255);
}

TEST_CASE("tensor: wrong element types, counts and datatypes are refused with the reason") {
  CHECK_THAT(error_of({{"name", "i"}, {"datatype", "INT32"}, {"shape", {1}}, {"data", {1.5}}}),
             Catch::Contains("INT32 data must be integers"));
  CHECK_THAT(error_of({{"name", "u"}, {"datatype", "UINT8"}, {"shape", {1}}, {"data", {256}}}),
             Catch::Contains("out of range for UINT8"));
  CHECK_THAT(error_of({{"name", "b"}, {"datatype", "BOOL"}, {"shape", {1}}, {"data", {1}}}),
             Catch::Contains("true or false"));
  CHECK_THAT(error_of({{"name", "f"}, {"datatype", "FP32"}, {"shape", {1}}, {"data", {"1"}}}),
             Catch::Contains("FP32 data must be numbers"));
  CHECK_THAT(error_of({{"name", "s"}, {"datatype", "BYTES"}, {"shape", {1}}, {"data", {1}}}),
             Catch::Contains("BYTES data must be strings"));
  CHECK_THAT(
      error_of({{"name", "f"}, {"datatype", "FP32"}, {"shape", {2, 2}}, {"data", {1, 2, 3}}}),
      Catch::Contains("shape [2, 2] needs 4 elements, data has 3"));
  CHECK_THAT(error_of({{"name", "f"}, {"datatype", "FLOAT"}, {"shape", {1}}, {"data", {1}}}),
             Catch::Contains("unknown datatype \"FLOAT\""));
  CHECK_THAT(error_of({{"name", "f"}, {"datatype", "fp32"}, {"shape", {1}}, {"data", {1}}}),
             Catch::Contains("unknown datatype"));  // case-sensitive, as the protocol says
  CHECK_THAT(error_of({{"name", "f"}, {"datatype", "FP32"}, {"shape", {-1}}, {"data", {1}}}),
             Catch::Contains("non-negative integers"));
  CHECK_THAT(
      error_of({{"name", "f"}, {"datatype", "FP32"}, {"shape", {2}}, {"data", {{{1}}, {{2}}}}}),
      Catch::Contains("nested deeper"));
  CHECK_THAT(error_of({{"datatype", "FP32"}, {"shape", {1}}, {"data", {1}}}),
             Catch::Contains("no \"name\""));
}

TEST_CASE("tensor: check_shape accepts -1 dimensions and names the expected shape") {
  TensorMeta meta{"x", DataType::kFp32, {-1, 3}};
  Tensor ok{"x", DataType::kFp32, {5, 3}, std::vector<double>(15), {}};
  CHECK_NOTHROW(check_shape(ok, meta));
  Tensor wrong{"x", DataType::kFp32, {1, 4}, std::vector<double>(4), {}};
  CHECK_THROWS_WITH(check_shape(wrong, meta),
                    Catch::Contains("[1, 4] does not match the model's [-1, 3]"));
  Tensor flat{"x", DataType::kFp32, {3}, std::vector<double>(3), {}};
  CHECK_THROWS_WITH(check_shape(flat, meta), Catch::Contains("[-1, 3]"));
}

TEST_CASE("tensor: responses carry each datatype's JSON form") {
  auto j = tensor_to_json({"label", DataType::kInt64, {2}, {3, 4}, {}});
  CHECK(j["data"] == json({3, 4}));
  CHECK(j["data"][0].is_number_integer());
  CHECK(tensor_to_json({"b", DataType::kBool, {2}, {1, 0}, {}})["data"] == json({true, false}));
  CHECK(tensor_to_json({"s", DataType::kBytes, {1}, {}, {"x"}})["data"] == json({"x"}));
  CHECK(tensor_to_json({"p", DataType::kFp32, {1, 1}, {0.25}, {}})["shape"] == json({1, 1}));
}
