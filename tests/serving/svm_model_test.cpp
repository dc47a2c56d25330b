// sextant-svm: a hand-computed binary model, every kernel against scikit-learn's own predict() on
// the digits (models written by the sklearn-svc example's exporter), and refused files.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "serving/model/model_loader.hpp"
#include "tests/serving/model_fixtures.hpp"

using namespace sextant;
using namespace sextant::serving;
using namespace sextant::testing;
using nlohmann::json;

namespace {

// Two classes, a linear kernel, one support vector each: the decision is x0 - x1 + 0.5.
json binary_svm() {
  return {{"format", "sextant-svm"},
          {"version", 1},
          {"input", {{"name", "point"}, {"features", 2}}},
          {"kernel", "linear"},
          {"classes", {"left", "right"}},
          {"n_support", {1, 1}},
          {"support_vectors", {{1, 0}, {0, 1}}},
          {"dual_coef", {{1, -1}}},
          {"intercept", {0.5}}};
}

// Fits scikit-learn's SVC with `kernel` on 600 digits, writes it with the example's exporter into
// `dir`, and returns scikit-learn's labels for all 1797 digits and the raw pixels.
json fit_with_sklearn(const std::filesystem::path& dir, const std::string& kernel) {
  std::string script =
      "import json, sys\n"
      "sys.path.insert(0, '" SEXTANT_SOURCE_DIR
      "/examples/sklearn-svc')\n"
      "from train_svc import save_sextant_svm\n"
      "from sklearn.datasets import load_digits\n"
      "from sklearn.svm import SVC\n"
      "X, y = load_digits(return_X_y=True)\n"
      "model = SVC(C=3, gamma=0.01, coef0=0.5, degree=2, kernel='" +
      kernel +
      "').fit(X[:600] / 16, y[:600])\n"
      "save_sextant_svm(sys.argv[1], model, scale=16.0, example=X[0])\n"
      "print(json.dumps({'pixels': X.tolist(), 'labels': model.predict(X / 16).tolist()}))\n";
  std::filesystem::create_directories(dir);
  Process python({"/usr/bin/python3", "-c", script, dir.string()});
  auto done = python.wait();
  INFO(done.err);
  REQUIRE(done.exit_code == 0);
  return json::parse(done.out);
}

}  // namespace

TEST_CASE("model: sextant-svm votes one-vs-one and labels the winner") {
  TempDir dir;
  write_json(dir / "m" / "sextant-svm.json", binary_svm());
  REQUIRE(detect_model_format(dir / "m") == "sextant-svm");
  auto model = load_model(dir / "m");
  const auto& sig = model->signature();
  CHECK(sig.platform == "sextant_svm");
  CHECK(sig.input.name == "point");
  REQUIRE(sig.outputs.size() == 2);
  CHECK(sig.outputs[0].name == "votes");
  CHECK(sig.outputs[1].datatype == DataType::kBytes);
  // (2, 1): 2 - 1 + 0.5 > 0, left; (0, 3): -2.5, right; (0, 0.5): exactly 0 goes to the second.
  Tensor x{"point", DataType::kFp32, {3, 2}, {2, 1, 0, 3, 0, 0.5}, {}};
  auto out = model->predict(x);
  CHECK(out[0].numbers == std::vector<double>{1, 0, 0, 1, 0, 1});
  CHECK(out[1].strings == std::vector<std::string>{"left", "right", "right"});
}

TEST_CASE("model: sextant-svm answers as scikit-learn's SVC does, for every kernel") {
  for (std::string kernel : {"rbf", "linear", "poly", "sigmoid"}) {
    SECTION(kernel) {
      TempDir dir;
      auto expected = fit_with_sklearn(dir / "m", kernel);
      auto model = load_model(dir / "m");  // its smoke inference checks example_label too
      CHECK(labels_differing(*model, expected, DataType::kFp64) == 0);
    }
  }
}

TEST_CASE("model: sextant-svm files that do not add up are refused with the reason") {
  TempDir dir;
  auto refused = [&](json doc, const std::string& reason) {
    write_json(dir / "bad" / "sextant-svm.json", doc);
    try {
      load_model(dir / "bad");
      FAIL("loaded a broken sextant-svm: " << reason);
    } catch (const Error& e) {
      CHECK_THAT(e.message(), Catch::Contains(reason));
      CHECK_THAT(e.message(), Catch::Contains("bad"));
    }
  };
  auto doc = binary_svm();
  doc["support_vectors"] = {{1, 0}};
  refused(doc, "must hold 2 vectors");
  doc = binary_svm();
  doc["dual_coef"] = {{1, -1}, {1, 1}};
  refused(doc, "\"dual_coef\" must have 1 rows");
  doc = binary_svm();
  doc["intercept"] = json::array();
  refused(doc, "one per pair of classes");
  doc = binary_svm();
  doc["kernel"] = "laplace";
  refused(doc, "unknown kernel \"laplace\"");
  doc = binary_svm();
  doc.erase("classes");
  refused(doc, "\"classes\" is missing");
  doc = binary_svm();
  doc["example"] = {2, 1};
  doc["example_label"] = "right";  // the model says "left" for (2, 1)
  refused(doc, "trainer predicted \"right\"");
}
