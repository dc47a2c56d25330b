// The NAS space: Katib's ENAS expansion of operations, its architecture / nn_config strings
// (expected values printed by Katib's Python code with /usr/bin/python3), and nasConfig checks.
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include "algorithms/common/rng.hpp"
#include "algorithms/nas/nas_space.hpp"
#include "algorithms/nas/python_json.hpp"
#include "engine/error.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"
#include "tests/algorithms/nas_test_support.hpp"

namespace sextant::test {
namespace {

using algorithms::Architecture;
using algorithms::NasSpace;
using nlohmann::ordered_json;

engine::Trial trial_with(const engine::Assignment& assignment) {
  return make_trial(0, assignment, engine::TrialState::kSucceeded, 0.5);
}

const engine::SpecProblem* problem_at(const std::vector<engine::SpecProblem>& problems,
                                      const std::string& path) {
  for (const auto& p : problems)
    if (p.path == path) return &p;
  return nullptr;
}

std::string describe(const std::vector<engine::SpecProblem>& problems) {
  std::string text;
  for (const auto& p : problems) text += p.path + ": " + p.message + "\n";
  return text;
}

// Operations with double and stepped int parameters (the expected values are numpy's arange and
// Python's range, printed by json.dumps).
const std::string kNumericOperations = R"(    operations:
      - operationType: scaled
        parameters:
          - name: rate
            parameterType: double
            feasibleSpace:
              min: "0.5"
              max: "2.0"
              step: "0.3"
          - name: kernel
            parameterType: int
            feasibleSpace:
              min: "1"
              max: "7"
              step: "2"
      - operationType: tiny
        parameters:
          - name: eps
            parameterType: double
            feasibleSpace:
              min: "1e-5"
              max: "3e-5"
              step: "1e-5"
      - operationType: ratio
        parameters:
          - name: r
            parameterType: double
            feasibleSpace:
              min: "0.1"
              max: "0.3"
              step: "0.1"
  trialTemplate:)";

std::string numeric_spec_text() {
  auto text = spec_test::replace(kEnasSpec, "inputSizes: [32, 32, 3]", "inputSizes: [8, 8, 1]");
  text = spec_test::replace(text, "numLayers: 1", "numLayers: 2");
  const auto from = text.find("    operations:");
  const auto to = text.find("  trialTemplate:");
  return text.replace(from, to + std::string("  trialTemplate:").size() - from, kNumericOperations);
}

}  // namespace

TEST_CASE("nas: python_float_repr prints what Python's repr() prints", "[nas]") {
  // Expected values from /usr/bin/python3: repr(v).
  const std::vector<std::pair<double, std::string>> cases = {
      {2.0, "2.0"},
      {0.1, "0.1"},
      {1e-05, "1e-05"},
      {0.0001, "0.0001"},
      {0.00012, "0.00012"},
      {5e-05, "5e-05"},
      {1e16, "1e+16"},
      {1e15, "1000000000000000.0"},
      {1234567890123456.0, "1234567890123456.0"},
      {12345678901234567.0, "1.2345678901234568e+16"},
      {123456789012345678.0, "1.2345678901234568e+17"},
      {1.5e16, "1.5e+16"},
      {9999999999999998.0, "9999999999999998.0"},
      {-0.0, "-0.0"},
      {0.0, "0.0"},
      {5e-324, "5e-324"},
      {1.7976931348623157e308, "1.7976931348623157e+308"},
      {0.1 + 0.2, "0.30000000000000004"},
      {3e-4, "0.0003"},
      {100.0, "100.0"},
      {1e22, "1e+22"},
      {1e100, "1e+100"},
      {1.25e-07, "1.25e-07"},
      {2.5e-300, "2.5e-300"},
      {-1.5, "-1.5"},
      {-1e-05, "-1e-05"},
      {-2.0, "-2.0"},
      {123.456, "123.456"},
      {1.0 / 3.0, "0.3333333333333333"},
  };
  for (const auto& [value, expected] : cases) {
    INFO(expected);
    CHECK(algorithms::python_float_repr(value) == expected);
  }
  CHECK(algorithms::python_float_repr(std::numeric_limits<double>::infinity()) == "inf");
  CHECK(algorithms::python_float_repr(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(algorithms::python_float_repr(std::nan("")) == "nan");
}

TEST_CASE("nas: python_json_dumps matches json.dumps with default options", "[nas]") {
  // json.dumps({"a\"b": "é☃😀\n\t\x01/\\"}) in Python 3.
  ordered_json object = ordered_json::object();
  object["a\"b"] = "\xc3\xa9\xe2\x98\x83\xf0\x9f\x98\x80\n\t\x01/\\";
  CHECK(algorithms::python_json_dumps(object) ==
        R"({"a\"b": "\u00e9\u2603\ud83d\ude00\n\t\u0001/\\"})");
  // Separators, nesting, key order as inserted, floats as repr, the special values.
  ordered_json mixed = ordered_json::object();
  mixed["z"] = ordered_json::array({1, 2.0, -0.5, nullptr, true, false});
  mixed["a"] = ordered_json::object();
  mixed["inf"] = std::numeric_limits<double>::infinity();
  mixed["nan"] = std::nan("");
  mixed["e"] = ordered_json::array();
  CHECK(
      algorithms::python_json_dumps(mixed) ==
      R"({"z": [1, 2.0, -0.5, null, true, false], "a": {}, "inf": Infinity, "nan": NaN, "e": []})");
  // Katib's quoting turns every double quote into a single one, escaped ones too.
  CHECK(algorithms::katib_quoted(algorithms::python_json_dumps(object)) ==
        R"({'a\'b': '\u00e9\u2603\ud83d\ude00\n\t\u0001/\\'})");
}

TEST_CASE("nas: Katib's nas_enas-cpu operations expand to 106 numbered operations", "[nas]") {
  const auto space = NasSpace::from_spec(parse_nas_spec(kEnasSpec));
  CHECK(space.num_layers == 1);
  CHECK(space.input_sizes == std::vector<int64_t>{32, 32, 3});
  CHECK(space.output_sizes == std::vector<int64_t>{10});
  REQUIRE(space.operations.size() == 106);  // 3*5*2 + 3*5*2*2 + 3*2*2 + 2*2

  std::map<std::string, int> per_type;
  for (size_t i = 0; i < space.operations.size(); ++i) {
    CHECK(space.operations[i].id == static_cast<int>(i));
    ++per_type[space.operations[i].type];
  }
  CHECK(per_type == std::map<std::string, int>{{"convolution", 30},
                                               {"separable_convolution", 60},
                                               {"depthwise_convolution", 12},
                                               {"reduction", 4}});
  // json.dumps(search_space[i].get_dict()["opt_params"]) in Katib's Operation.py: the last
  // parameter varies fastest; categorical values are strings, int values integers.
  const std::map<int, std::pair<std::string, std::string>> expected = {
      {0, {"convolution", R"({"filter_size": "3", "num_filter": "32", "stride": "1"})"}},
      {1, {"convolution", R"({"filter_size": "3", "num_filter": "32", "stride": "2"})"}},
      {29, {"convolution", R"({"filter_size": "7", "num_filter": "128", "stride": "2"})"}},
      {30,
       {"separable_convolution",
        R"({"filter_size": "3", "num_filter": "32", "stride": "1", "depth_multiplier": "1"})"}},
      {89,
       {"separable_convolution",
        R"({"filter_size": "7", "num_filter": "128", "stride": "2", "depth_multiplier": "2"})"}},
      {90,
       {"depthwise_convolution",
        R"({"filter_size": "3", "stride": "1", "depth_multiplier": "1"})"}},
      {101,
       {"depthwise_convolution",
        R"({"filter_size": "7", "stride": "2", "depth_multiplier": "2"})"}},
      {102, {"reduction", R"({"reduction_type": "max_pooling", "pool_size": 2})"}},
      {105, {"reduction", R"({"reduction_type": "avg_pooling", "pool_size": 3})"}},
  };
  for (const auto& [id, type_params] : expected) {
    INFO("operation " << id);
    const auto& op = space.operations[static_cast<size_t>(id)];
    CHECK(op.type == type_params.first);
    CHECK(algorithms::python_json_dumps(op.params) == type_params.second);
  }
  CHECK(space.operations[102].params["pool_size"].is_number_integer());
  CHECK(space.operations[102].params["reduction_type"].is_string());
  CHECK(algorithms::architecture_count(space) == 106);
}

TEST_CASE("nas: double and stepped int parameters expand as numpy.arange and range", "[nas]") {
  const auto space = NasSpace::from_spec(parse_nas_spec(numeric_spec_text()));
  REQUIRE(space.operations.size() == 30);
  // numpy.arange(0.5, 2.3, 0.3) x range(1, 8, 2): numpy's values, not 0.5 + i * 0.3.
  CHECK(algorithms::python_json_dumps(space.operations[12].params) ==
        R"({"rate": 1.4000000000000001, "kernel": 1})");
  CHECK(algorithms::python_json_dumps(space.operations[19].params) ==
        R"({"rate": 1.7000000000000002, "kernel": 7})");
  CHECK(algorithms::python_json_dumps(space.operations[20].params) ==
        R"({"rate": 2.0, "kernel": 1})");
  CHECK(algorithms::python_json_dumps(space.operations[26].params) ==
        R"({"eps": 3.0000000000000004e-05})");
  // arange(0.1, 0.4, 0.1) holds 0.4 past max: dropped, as Katib means to; 0.30000000000000004
  // is max up to rounding and stays.
  CHECK(space.operations[27].type == "ratio");
  CHECK(algorithms::python_json_dumps(space.operations[29].params) ==
        R"({"r": 0.30000000000000004})");
  CHECK(space.operations[12].params["rate"].is_number_float());
  CHECK(space.operations[12].params["kernel"].is_number_integer());

  // Printed by Katib's service.py (json.dumps(nn_config), '"' -> '\'').
  CHECK(algorithms::nn_config_text(space, Architecture{{13, 26}, {{}, {1}}}) ==
        "{'num_layers': 2, 'input_sizes': [8, 8, 1], 'output_sizes': [10], 'embedding': {'13': "
        "{'opt_id': 13, 'opt_type': 'scaled', 'opt_params': {'rate': 1.4000000000000001, "
        "'kernel': 3}}, '26': {'opt_id': 26, 'opt_type': 'tiny', 'opt_params': {'eps': "
        "3.0000000000000004e-05}}}}");
  CHECK(algorithms::nn_config_text(space, Architecture{{25, 28}, {{}, {0}}}) ==
        "{'num_layers': 2, 'input_sizes': [8, 8, 1], 'output_sizes': [10], 'embedding': {'25': "
        "{'opt_id': 25, 'opt_type': 'tiny', 'opt_params': {'eps': 2e-05}}, '28': {'opt_id': 28, "
        "'opt_type': 'ratio', 'opt_params': {'r': 0.2}}}}");
}

TEST_CASE("nas: discrete values are strings, an int without step steps by 1", "[nas]") {
  auto text = spec_test::replace(kEnasSpec, R"(          - name: pool_size
            parameterType: int
            feasibleSpace:
              min: "2"
              max: "3"
              step: "1")",
                                 R"(          - name: pool_size
            parameterType: int
            feasibleSpace:
              min: "2"
              max: "5"
          - name: scale
            parameterType: discrete
            feasibleSpace:
              list: [1, 2.5])");
  const auto space = NasSpace::from_spec(parse_nas_spec(text));
  REQUIRE(space.operations.size() == 102 + 2 * 4 * 2);
  CHECK(algorithms::python_json_dumps(space.operations[102].params) ==
        R"({"reduction_type": "max_pooling", "pool_size": 2, "scale": "1"})");
  CHECK(algorithms::python_json_dumps(space.operations[103].params) ==
        R"({"reduction_type": "max_pooling", "pool_size": 2, "scale": "2.5"})");
  CHECK(algorithms::python_json_dumps(space.operations[117].params) ==
        R"({"reduction_type": "avg_pooling", "pool_size": 5, "scale": "2.5"})");
}

TEST_CASE("nas: architecture and nn_config strings are byte-identical to Katib's", "[nas]") {
  // Expected strings printed by Katib's ENAS service code (service.py) run with /usr/bin/python3
  // on the nas_enas-cpu.yaml space.
  auto one_layer = NasSpace::from_spec(parse_nas_spec(kEnasSpec));
  CHECK(algorithms::architecture_text(Architecture{{5}, {{}}}) == "[[5]]");
  CHECK(algorithms::nn_config_text(one_layer, Architecture{{5}, {{}}}) ==
        "{'num_layers': 1, 'input_sizes': [32, 32, 3], 'output_sizes': [10], 'embedding': {'5': "
        "{'opt_id': 5, 'opt_type': 'convolution', 'opt_params': {'filter_size': '3', "
        "'num_filter': '64', 'stride': '2'}}}}");
  CHECK(algorithms::nn_config_text(one_layer, Architecture{{105}, {{}}}) ==
        "{'num_layers': 1, 'input_sizes': [32, 32, 3], 'output_sizes': [10], 'embedding': {'105': "
        "{'opt_id': 105, 'opt_type': 'reduction', 'opt_params': {'reduction_type': "
        "'avg_pooling', 'pool_size': 3}}}}");
  CHECK(algorithms::nn_config_text(one_layer, Architecture{{102}, {{}}}) ==
        "{'num_layers': 1, 'input_sizes': [32, 32, 3], 'output_sizes': [10], 'embedding': {'102': "
        "{'opt_id': 102, 'opt_type': 'reduction', 'opt_params': {'reduction_type': "
        "'max_pooling', 'pool_size': 2}}}}");

  auto three_layers = NasSpace::from_spec(
      parse_nas_spec(spec_test::replace(kEnasSpec, "numLayers: 1", "numLayers: 3")));
  const Architecture a{{2, 0, 1}, {{}, {1}, {1, 0}}};
  CHECK(algorithms::architecture_text(a) == "[[2], [0, 1], [1, 1, 0]]");
  CHECK(algorithms::nn_config_text(three_layers, a) ==
        "{'num_layers': 3, 'input_sizes': [32, 32, 3], 'output_sizes': [10], 'embedding': {'2': "
        "{'opt_id': 2, 'opt_type': 'convolution', 'opt_params': {'filter_size': '3', "
        "'num_filter': '48', 'stride': '1'}}, '0': {'opt_id': 0, 'opt_type': 'convolution', "
        "'opt_params': {'filter_size': '3', 'num_filter': '32', 'stride': '1'}}, '1': {'opt_id': "
        "1, 'opt_type': 'convolution', 'opt_params': {'filter_size': '3', 'num_filter': '32', "
        "'stride': '2'}}}}");
  // An operation used by two layers is listed once, at its first layer's place.
  const Architecture repeated{{104, 104, 33}, {{}, {0}, {1, 1}}};
  CHECK(algorithms::architecture_text(repeated) == "[[104], [104, 0], [33, 1, 1]]");
  CHECK(algorithms::nn_config_text(three_layers, repeated) ==
        "{'num_layers': 3, 'input_sizes': [32, 32, 3], 'output_sizes': [10], 'embedding': {'104': "
        "{'opt_id': 104, 'opt_type': 'reduction', 'opt_params': {'reduction_type': "
        "'avg_pooling', 'pool_size': 2}}, '33': {'opt_id': 33, 'opt_type': "
        "'separable_convolution', 'opt_params': {'filter_size': '3', 'num_filter': '32', "
        "'stride': '2', 'depth_multiplier': '2'}}}}");

  const auto assignment = algorithms::nas_assignment(three_layers, repeated);
  REQUIRE(assignment.size() == 2);
  CHECK(assignment[0].name == "architecture");
  CHECK(assignment[0].value == "[[104], [104, 0], [33, 1, 1]]");
  CHECK(assignment[1].name == "nn_config");
  CHECK(assignment[1].value == algorithms::nn_config_text(three_layers, repeated));
}

TEST_CASE("nas: architecture_of reads back what nas_assignment wrote, and nothing else", "[nas]") {
  auto space = NasSpace::from_spec(
      parse_nas_spec(spec_test::replace(kEnasSpec, "numLayers: 1", "numLayers: 3")));
  algorithms::Rng rng(7);
  for (int i = 0; i < 50; ++i) {
    const auto a = algorithms::random_architecture(space, rng);
    auto back =
        algorithms::architecture_of(trial_with(algorithms::nas_assignment(space, a)), space);
    REQUIRE(back.has_value());
    CHECK(*back == a);
  }
  auto parse = [&](const std::string& text) {
    return algorithms::architecture_of(trial_with({{"architecture", text}}), space);
  };
  CHECK(parse("[[2],[0,1],[1,1,0]]") == Architecture{{2, 0, 1}, {{}, {1}, {1, 0}}});
  CHECK_FALSE(parse("[[2], [0, 1]]"));               // two layers of three
  CHECK_FALSE(parse("[[2], [0, 1], [1, 1]]"));       // a skip bit missing
  CHECK_FALSE(parse("[[106], [0, 1], [1, 1, 0]]"));  // no operation 106
  CHECK_FALSE(parse("[[-1], [0, 1], [1, 1, 0]]"));
  CHECK_FALSE(parse("[[2], [0, 2], [1, 1, 0]]"));  // a skip is 0 or 1
  CHECK_FALSE(parse("[[2], [0, 1.5], [1, 1, 0]]"));
  CHECK_FALSE(parse("[[2], [0, 1], [1, 1, 0]"));  // not JSON
  CHECK_FALSE(algorithms::architecture_of(trial_with({{"lr", "0.1"}}), space));
}

TEST_CASE("nas: random architectures are uniform over operations and skips", "[nas]") {
  auto space = NasSpace::from_spec(
      parse_nas_spec(spec_test::replace(kEnasSpec, "numLayers: 1", "numLayers: 4")));
  algorithms::Rng rng(11);
  std::vector<int> op_seen(space.operations.size(), 0);
  int skips = 0;
  int ones = 0;
  const int draws = 3000;
  for (int i = 0; i < draws; ++i) {
    const auto a = algorithms::random_architecture(space, rng);
    REQUIRE(a.ops.size() == 4);
    REQUIRE(a.skips.size() == 4);
    for (size_t l = 0; l < 4; ++l) {
      REQUIRE(a.skips[l].size() == l);
      ++op_seen.at(static_cast<size_t>(a.ops[l]));
      for (int bit : a.skips[l]) {
        REQUIRE((bit == 0 || bit == 1));
        ++skips;
        ones += bit;
      }
    }
  }
  // 12000 operation draws over 106 operations: about 113 each; every one appears.
  for (size_t op = 0; op < op_seen.size(); ++op) {
    INFO("operation " << op);
    CHECK(op_seen[op] > 60);
    CHECK(op_seen[op] < 170);
  }
  CHECK(std::fabs(static_cast<double>(ones) / skips - 0.5) < 0.02);  // 18000 bits
}

TEST_CASE("nas: architecture_count is ops^layers * 2^(skips), saturating", "[nas]") {
  auto with_layers = [](int layers) {
    return NasSpace::from_spec(parse_nas_spec(
        spec_test::replace(kEnasSpec, "numLayers: 1", "numLayers: " + std::to_string(layers))));
  };
  CHECK(algorithms::architecture_count(with_layers(2)) == 106ull * 106 * 2);
  CHECK(algorithms::architecture_count(with_layers(3)) == 106ull * 106 * 106 * 8);
  CHECK(algorithms::architecture_count(with_layers(12)) == std::numeric_limits<uint64_t>::max());
  CHECK(algorithms::architecture_count(NasSpace::from_spec(parse_nas_spec(small_nas_spec(2)))) ==
        3 * 3 * 2);
}

TEST_CASE("nas: nas_problems checks graphConfig as Katib's ENAS does", "[nas]") {
  auto spec = parse_nas_spec(spec_test::replace(kEnasSpec, R"(      inputSizes: [32, 32, 3]
      outputSizes: [10]
)",
                                                ""));
  auto problems = algorithms::nas_problems(spec, /*need_sizes=*/true);
  INFO(describe(problems));
  REQUIRE(problems.size() == 2);
  const auto* input = problem_at(problems, "spec.nasConfig.graphConfig.inputSizes");
  REQUIRE(input != nullptr);
  CHECK_THAT(input->message, Catch::Contains("is required"));
  CHECK(problem_at(problems, "spec.nasConfig.graphConfig.outputSizes") != nullptr);
  CHECK(algorithms::nas_problems(spec, /*need_sizes=*/false).empty());

  auto no_layers = parse_nas_spec(spec_test::replace(kEnasSpec, "      numLayers: 1\n", ""));
  auto layer_problems = algorithms::nas_problems(no_layers, true);
  REQUIRE(layer_problems.size() == 1);
  CHECK(layer_problems[0].path == "spec.nasConfig.graphConfig.numLayers");
  CHECK_THAT(layer_problems[0].message, Catch::Contains("number of layers"));
  CHECK(algorithms::nas_problems(parse_nas_spec(kEnasSpec), true).empty());
}

TEST_CASE("nas: nas_problems checks operations with Katib's rules and field paths", "[nas]") {
  const auto base = parse_nas_spec(kEnasSpec);
  auto with = [&](const std::function<void(nlohmann::json&)>& edit) {
    auto spec = base;
    edit(*spec.nas_config);
    return algorithms::nas_problems(spec, true);
  };
  auto expect_one = [](const std::vector<engine::SpecProblem>& problems, const std::string& path,
                       const std::string& words) {
    INFO(describe(problems));
    REQUIRE(problems.size() == 1);
    CHECK(problems[0].path == path);
    CHECK_THAT(problems[0].message, Catch::Contains(words));
  };
  // The spec loader rejects most of these first; a spec built otherwise still meets them here.
  expect_one(with([](auto& nas) { nas["operations"][1]["parameters"] = nlohmann::json::array(); }),
             "spec.nasConfig.operations[1].parameters", "at least one parameter");
  expect_one(with([](auto& nas) { nas["operations"][2].erase("operationType"); }),
             "spec.nasConfig.operations[2].operationType", "is required");
  expect_one(
      with([](auto& nas) { nas["operations"][0]["parameters"][1]["feasibleSpace"].erase("list"); }),
      "spec.nasConfig.operations[0].parameters[1].feasibleSpace.list", "non-empty list");
  expect_one(
      with([](auto& nas) { nas["operations"][3]["parameters"][1]["feasibleSpace"].erase("min"); }),
      "spec.nasConfig.operations[3].parameters[1].feasibleSpace.min", "is required");
  expect_one(
      with([](auto& nas) { nas["operations"][3]["parameters"][1]["feasibleSpace"]["max"] = "x"; }),
      "spec.nasConfig.operations[3].parameters[1].feasibleSpace.max", "integer");
  expect_one(with([](auto& nas) { nas["operations"][3]["parameters"][0].erase("parameterType"); }),
             "spec.nasConfig.operations[3].parameters[0].parameterType", "is required");
  expect_one(with([](auto& nas) { nas.erase("operations"); }), "spec.nasConfig.operations",
             "is required");
  auto double_param = [](const std::string& step) {
    return [step](nlohmann::json& nas) {
      auto& p = nas["operations"][1]["parameters"][0];
      p["parameterType"] = "double";
      p["feasibleSpace"] = {{"min", "0.1"}, {"max", "0.5"}};
      if (!step.empty()) p["feasibleSpace"]["step"] = step;
    };
  };
  expect_one(with(double_param("")),
             "spec.nasConfig.operations[1].parameters[0].feasibleSpace.step",
             "is required for a double");
  expect_one(with(double_param("0")),
             "spec.nasConfig.operations[1].parameters[0].feasibleSpace.step",
             "must be greater than 0");
  expect_one(with(double_param("-0.1")),
             "spec.nasConfig.operations[1].parameters[0].feasibleSpace.step",
             "must be greater than 0");
  CHECK(with(double_param("0.1")).empty());
}

TEST_CASE("nas: a double without step is loaded but rejected for ENAS-style search", "[nas]") {
  auto spec = parse_nas_spec(spec_test::replace(kEnasSpec, R"(              min: "2"
              max: "3"
              step: "1")",
                                                R"(              min: "2"
              max: "3")"));
  CHECK(algorithms::nas_problems(spec, true).empty());  // an int steps by 1
  auto text = spec_test::replace(kEnasSpec, R"(          - name: pool_size
            parameterType: int)",
                                 R"(          - name: pool_size
            parameterType: double)");
  text = spec_test::replace(text, R"(              step: "1")", "");
  auto problems = algorithms::nas_problems(parse_nas_spec(text), true);
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.nasConfig.operations[3].parameters[1].feasibleSpace.step");
  try {
    NasSpace::from_spec(parse_nas_spec(text));
    FAIL("from_spec accepted a double without step");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK(e.field_path() == "spec.nasConfig.operations[3].parameters[1].feasibleSpace.step");
  }
}

TEST_CASE("nas: an expansion above 100000 operations is rejected", "[nas]") {
  auto text = spec_test::replace(kEnasSpec, R"(              min: "2"
              max: "3"
              step: "1")",
                                 R"(              min: "1"
              max: "30000")");
  // reduction: 2 * 30000 = 60000 operations, plus 102: still fine.
  CHECK(algorithms::nas_problems(parse_nas_spec(text), true).empty());
  text = spec_test::replace(text, R"(max: "30000")", R"(max: "60000")");  // 120102 operations
  auto problems = algorithms::nas_problems(parse_nas_spec(text), true);
  INFO(describe(problems));
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.nasConfig.operations");
  CHECK_THAT(problems[0].message, Catch::Contains("120102") && Catch::Contains("100000"));
}

TEST_CASE("nas: nas_problems needs a nasConfig, nas_not_supported needs none", "[nas]") {
  auto parameters_only = make_spec("random", {int_param("layers", 1, 4)});
  auto problems = algorithms::nas_problems(parameters_only, false);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "spec.nasConfig");
  CHECK_THAT(problems[0].message, Catch::Contains("is required"));
  CHECK(algorithms::nas_not_supported(parameters_only).empty());

  auto nas = parse_nas_spec(kEnasSpec, "tpe");
  auto rejected = algorithms::nas_not_supported(nas);
  REQUIRE(rejected.size() == 1);
  CHECK(rejected[0].path == "spec.algorithm.algorithmName");
  CHECK(rejected[0].message ==
        "tpe does not search spec.nasConfig; use enas, darts, regularized-evolution or random");
}

}  // namespace sextant::test
