// spec.promotion (sextant extension): reading, defaults, and every rejection with its field path.
#include "tests/engine/spec_test_support.hpp"

#include "engine/spec/promotion_spec.hpp"

using namespace sextant;
using namespace sextant::engine;
using namespace sextant::spec_test;

namespace {

// The valid fixture with a promotion block (YAML lines indented 4) after maxFailedTrialCount.
std::string with_promotion(const std::string& lines) {
  return replace(kValidSpec, "  maxFailedTrialCount: 3\n",
                 "  maxFailedTrialCount: 3\n  promotion:\n" + lines);
}

Diagnostic rejected_at(const std::string& lines, const std::string& path,
                       const std::string& message_part) {
  auto text = with_promotion(lines);
  auto d = at_path(rejections(text), path);
  CHECK_THAT(d.message, Catch::Contains(message_part));
  CHECK(d.file == "exp.yaml");
  CHECK(d.line > line_of(text, "  promotion:") - 1);
  return d;
}

}  // namespace

TEST_CASE("spec promotion: absent in a Katib spec, read with defaults when present") {
  CHECK_FALSE(parse(kValidSpec).promotion.has_value());

  auto spec = parse(with_promotion("    model: breast-cancer\n"));
  REQUIRE(spec.promotion.has_value());
  CHECK(spec.promotion->model == "breast-cancer");
  CHECK(spec.promotion->target == "local");
  CHECK(spec.promotion->margin == 0);
  CHECK(spec.promotion->canary_traffic_percent == 0);
  CHECK(spec.promotion->serving_url.empty());
  // Kept in the stored document, so a resumed run reads the same promotion.
  CHECK(spec.document["spec"]["promotion"]["model"] == "breast-cancer");

  auto full =
      parse(with_promotion("    model: cancer-2\n    target: kserve\n    margin: 0.005\n    "
                           "canaryTrafficPercent: 20\n"));
  REQUIRE(full.promotion.has_value());
  CHECK(full.promotion->target == "kserve");
  CHECK(full.promotion->margin == Approx(0.005));
  CHECK(full.promotion->canary_traffic_percent == 20);

  auto local = parse(with_promotion(
      "    model: m\n    margin: \"0.01\"\n    servingUrl: http://127.0.0.1:9000\n"));
  CHECK(local.promotion->margin == Approx(0.01));
  CHECK(local.promotion->serving_url == "http://127.0.0.1:9000");
}

TEST_CASE("spec promotion: invalid fields are rejected with their path") {
  rejected_at("    target: local\n", "spec.promotion.model", "is required");
  rejected_at("    model: Breast_Cancer\n", "spec.promotion.model", "must be a model name");
  rejected_at("    model: " + std::string(64, 'a') + "\n", "spec.promotion.model", "at most 63");
  rejected_at("    model: -bad\n", "spec.promotion.model", "must be a model name");
  auto margin = rejected_at("    model: m\n    margin: -1\n", "spec.promotion.margin",
                            "must be >= 0, found -1");
  CHECK(margin.line == line_of(with_promotion("    model: m\n    margin: -1\n"), "margin: -1"));
  rejected_at("    model: m\n    margin: lots\n", "spec.promotion.margin",
              "expected a number, found string \"lots\"");
  rejected_at("    model: m\n    target: seldon\n", "spec.promotion.target",
              "unknown target \"seldon\"; expected local, kserve");
  rejected_at("    model: m\n    target: kserve\n    canaryTrafficPercent: 100\n",
              "spec.promotion.canaryTrafficPercent", "must be 0..99");
  rejected_at("    model: m\n    canaryTrafficPercent: 10\n", "spec.promotion.canaryTrafficPercent",
              "kserve target only");
  rejected_at("    model: m\n    servingUrl: 127.0.0.1:8080\n", "spec.promotion.servingUrl",
              "http:// or https://");
  rejected_at("    model: m\n    target: kserve\n    servingUrl: http://x:1\n",
              "spec.promotion.servingUrl", "local target only");
  rejected_at("    model: m\n    treshold: 0.1\n", "spec.promotion.treshold",
              "unknown field \"treshold\"");
  auto not_map = at_path(rejections(replace(kValidSpec, "  maxFailedTrialCount: 3\n",
                                            "  maxFailedTrialCount: 3\n  promotion: yes\n")),
                         "spec.promotion");
  CHECK_THAT(not_map.message, Catch::Contains("expected a map"));
}

TEST_CASE("spec promotion: model names are DNS-1123 labels") {
  CHECK(is_model_name("breast-cancer"));
  CHECK(is_model_name("m1"));
  CHECK(is_model_name(std::string(63, 'a')));
  CHECK_FALSE(is_model_name(""));
  CHECK_FALSE(is_model_name(std::string(64, 'a')));
  CHECK_FALSE(is_model_name("Cancer"));
  CHECK_FALSE(is_model_name("a_b"));
  CHECK_FALSE(is_model_name("a-"));
  CHECK_FALSE(is_model_name("-a"));
  CHECK_FALSE(is_model_name("a.b"));
}
