// Model loaders: XGBoost (JSON, UBJ, binary; binary and multiclass) against libxgboost's own
// predictions, sextant-mlp against hand-computed outputs and against the mlp-digits example's
// scikit-learn pipeline, and refused artifacts.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "serving/model/model_loader.hpp"
#include "tests/serving/model_fixtures.hpp"

using namespace sextant;
using namespace sextant::serving;
using namespace sextant::testing;
using nlohmann::json;

namespace {

Tensor rows_of(const Synthetic& d, size_t rows) {
  Tensor t{"input-0",
           DataType::kFp32,
           {static_cast<int64_t>(rows), static_cast<int64_t>(d.cols)},
           {},
           {}};
  t.numbers.assign(d.x.begin(), d.x.begin() + rows * d.cols);
  return t;
}

}  // namespace

TEST_CASE("model: XGBoost JSON and UBJ give libxgboost's own predictions") {
  TempDir dir;
  for (const char* file : {"model.json", "model.ubj", "model.bst"}) {
    auto path = dir / (std::string(file) + ".d") / file;
    train_xgboost(path);
    REQUIRE(detect_model_format(path.parent_path()) == "xgboost");
    auto model = load_model(path.parent_path());
    const auto& sig = model->signature();
    CHECK(sig.input.shape == Shape{-1, 4});
    REQUIRE(sig.outputs.size() == 1);
    CHECK(sig.outputs[0].name == "predict");
    CHECK(sig.outputs[0].shape == Shape{-1});
    auto d = synthetic_data(7, 99);
    auto out = model->predict(rows_of(d, 7));
    auto expected = xgboost_reference(path, d.x, 7, 4);
    REQUIRE(out[0].numbers.size() == 7);
    CHECK(out[0].shape == Shape{7});
    for (size_t i = 0; i < 7; ++i) CHECK(out[0].numbers[i] == Approx(expected[i]).epsilon(1e-6));
  }
  CHECK(load_model(dir / "model.json.d")->signature().platform == "xgboost_json");
  CHECK(load_model(dir / "model.ubj.d")->signature().platform == "xgboost_ubj");
}

TEST_CASE(
    "model: an XGBoost multiclass model returns [rows, classes] and labels from its settings") {
  TempDir dir;
  train_xgboost(dir / "m" / "model.ubj", 5, /*multiclass=*/true);
  write_json(dir / "m" / "model-settings.json", {{"input", {{"name", "features"}, {"features", 4}}},
                                                 {"classes", {"low", "mid", "high"}}});
  auto model = load_model(dir / "m");
  const auto& sig = model->signature();
  CHECK(sig.input.name == "features");
  REQUIRE(sig.outputs.size() == 2);
  CHECK(sig.outputs[0].shape == Shape{-1, 3});
  CHECK(sig.outputs[1].datatype == DataType::kBytes);
  Tensor x{"features", DataType::kFp32, {2, 4}, {0.1, 0.5, 0.5, 0.5, 0.9, 0.5, 0.5, 0.5}, {}};
  auto out = model->predict(x);
  CHECK(out[0].shape == Shape{2, 3});
  CHECK(out[1].strings == std::vector<std::string>{"low", "high"});
}

TEST_CASE("model: XGBoost settings that disagree with the booster are refused") {
  TempDir dir;
  train_xgboost(dir / "m" / "model.json");
  write_json(dir / "m" / "model-settings.json", {{"input", {{"features", 30}}}});
  CHECK_THROWS_WITH(load_model(dir / "m"), Catch::Contains("30 features, the booster has 4"));
  write_json(dir / "m" / "model-settings.json", {{"classes", {"a", "b", "c"}}});
  CHECK_THROWS_WITH(load_model(dir / "m"), Catch::Contains("3 classes, the model predicts 2"));
}

TEST_CASE("model: corrupt and missing artifacts are refused with the directory named") {
  TempDir dir;
  train_xgboost(dir / "good" / "model.ubj");
  // Truncated UBJ: the file a failed copy leaves.
  std::filesystem::create_directories(dir / "truncated");
  {
    std::ifstream in(dir / "good" / "model.ubj", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(dir / "truncated" / "model.ubj", std::ios::binary)
        << bytes.substr(0, bytes.size() / 2);
  }
  CHECK_THROWS_AS(load_model(dir / "truncated"), Error);
  CHECK_THROWS_WITH(load_model(dir / "truncated"), Catch::Contains((dir / "truncated").string()));
  std::filesystem::create_directories(dir / "garbage");
  std::ofstream(dir / "garbage" / "model.json") << "{\"learner\": 12";
  CHECK_THROWS_WITH(load_model(dir / "garbage"), Catch::Contains("libxgboost"));
  std::filesystem::create_directories(dir / "empty");
  CHECK_THROWS_WITH(load_model(dir / "empty"), Catch::Contains("no model found"));
  CHECK_THROWS_WITH(load_model(dir / "absent"), Catch::Contains("no model directory"));
  write_json(dir / "mlp" / "sextant-mlp.json", {{"format", "sextant-mlp"}, {"version", 2}});
  CHECK_THROWS_WITH(load_model(dir / "mlp"), Catch::Contains("unsupported version 2"));
  auto bad = tiny_classifier();
  bad["layers"][1]["weights"] = {{1.0, 0.0}};  // 1 row where the layer has 2 inputs
  write_json(dir / "mlp" / "sextant-mlp.json", bad);
  CHECK_THROWS_WITH(load_model(dir / "mlp"), Catch::Contains("layers[1].weights must have 2 rows"));
  auto nan = constant_mlp(0);
  nan["layers"][0]["bias"] = {1e39, 1e39};  // overflows float: the smoke inference sees inf
  write_json(dir / "mlp" / "sextant-mlp.json", nan);
  CHECK_THROWS_WITH(load_model(dir / "mlp"), Catch::Contains("not finite"));
}

TEST_CASE("model: sextant-mlp computes its layers, probabilities and labels") {
  TempDir dir;
  write_json(dir / "m" / "sextant-mlp.json", tiny_classifier());
  REQUIRE(detect_model_format(dir / "m") == "sextant-mlp");
  auto model = load_model(dir / "m");
  const auto& sig = model->signature();
  CHECK(sig.platform == "sextant_mlp");
  CHECK(sig.input.name == "point");
  REQUIRE(sig.outputs.size() == 2);
  CHECK(sig.outputs[0].name == "probabilities");
  CHECK(sig.outputs[1].datatype == DataType::kBytes);
  Tensor x{"point", DataType::kFp32, {2, 2}, {2, 0, 0, 1}, {}};
  auto out = model->predict(x);
  // Row 1: hidden (2, 0) -> softmax(2, 0); row 2: hidden (0, 1) -> softmax(0, 1).
  double e2 = std::exp(2.0), e1 = std::exp(1.0);
  CHECK(out[0].numbers[0] == Approx(e2 / (e2 + 1)));
  CHECK(out[0].numbers[3] == Approx(e1 / (e1 + 1)));
  CHECK(out[1].strings == std::vector<std::string>{"left", "right"});
}

TEST_CASE("model: integer classes give an INT64 label") {
  TempDir dir;
  auto doc = tiny_classifier();
  doc["classes"] = {3, 7};
  write_json(dir / "m" / "sextant-mlp.json", doc);
  auto model = load_model(dir / "m");
  CHECK(model->signature().outputs[1].datatype == DataType::kInt64);
  auto out = model->predict({"point", DataType::kFp32, {1, 2}, {0, 5}, {}});
  CHECK(out[1].numbers == std::vector<double>{7});
}

TEST_CASE("model: the mlp-digits example's network answers as its scikit-learn pipeline does") {
  TempDir dir;
  std::filesystem::create_directories(dir / "artifacts");
  std::string example = SEXTANT_SOURCE_DIR "/examples/mlp-digits/train.py";
  Process train({"/usr/bin/python3", example, "--lr", "0.01", "--epochs", "3"},
                {"SEXTANT_ARTIFACT_DIR=" + (dir / "artifacts").string()});
  auto trained = train.wait();
  INFO(trained.err);
  REQUIRE(trained.exit_code == 0);
  // scikit-learn's labels for every digit, from the pickled pipeline (scaler + network).
  Process predict(
      {"/usr/bin/python3", "-c",
       "import json, pickle, sys\n"
       "from sklearn.datasets import load_digits\n"
       "X, _ = load_digits(return_X_y=True)\n"
       "model = pickle.load(open(sys.argv[1], 'rb'))\n"
       "print(json.dumps({'pixels': X.tolist(), 'labels': model.predict(X).tolist()}))\n",
       (dir / "artifacts" / "model.pkl").string()});
  auto predicted = predict.wait();
  INFO(predicted.err);
  REQUIRE(predicted.exit_code == 0);
  auto expected = json::parse(predicted.out);

  auto model = load_model(dir / "artifacts");  // checks the file's example_label too
  CHECK(labels_differing(*model, expected, DataType::kFp32) == 0);
}
