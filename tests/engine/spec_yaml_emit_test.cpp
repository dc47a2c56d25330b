// to_yaml: block-style output that reads back to the same document.
#include "engine/spec/yaml_document.hpp"
#include "tests/engine/spec_test_support.hpp"

using namespace sextant;
using namespace sextant::engine;
using namespace sextant::spec_test;

namespace {
nlohmann::json read_back(const std::string& yaml) {
  auto docs = parse_yaml_documents(yaml, "out.yaml");
  REQUIRE(docs.size() == 1);
  return docs[0].value;
}
}  // namespace

TEST_CASE("spec to_yaml: the defaulted spec round-trips through the parser") {
  auto spec = parse(kValidSpec);
  auto yaml = to_yaml(spec.document);
  INFO(yaml);
  CHECK(read_back(yaml) == spec.document);
  CHECK_THAT(yaml, Catch::StartsWith("apiVersion: kubeflow.org/v1beta1\n"));
  CHECK_THAT(yaml, Catch::Contains("\n  parallelTrialCount: 3\n"));
  // Katib's string-valued numbers stay strings.
  CHECK_THAT(yaml, Catch::Contains("min: \"0.01\"\n"));
  // And the printed spec is itself a valid spec that loads to the same document.
  CHECK(parse(yaml).document == spec.document);
}

TEST_CASE("spec to_yaml: strings that would read as something else are quoted") {
  nlohmann::json doc = {
      {"numberish", {"12", "1.5", "1e3", ".5", "-3", "0x1F", "2024-01-01", "1_000", ".inf"}},
      {"words", {"true", "False", "null", "~", "yes", "off", "", " padded", "trailing "}},
      {"indicators", {"- x",   "-",  "?",  ":x", "#c",  "&a",  "*a",   "!t",   "|",     ">", "'q'",
                      "\"q\"", "%p", "@a", "`b", "[x]", "{x}", "a: b", "a #b", "ends:", "<<"}},
      {"plain", {"--lr=0.1", "python3", "${trialParameters.lr}", "status.#(a==\"b\")#", "a:b"}},
      {"control", {"tab\there", "bell\x07", "crlf\r\n"}},
      {"multiline", {"line1\nline2\n", "no newline\nat end", "two\n\n", "\nleading"}},
      {"keys", {{"true", 1}, {"1", 2}, {"a b", 3}, {"label.io/x", 4}, {"", 5}}},
      {"numbers", {0, -7, 2.5, 1e300, true, false, nullptr}},
      {"empty", {{"list", nlohmann::json::array()}, {"map", nlohmann::json::object()}}},
      {"nested", {{1, 2}, {{"a", {{"b", {3}}}}}, nlohmann::json::array({nlohmann::json::array()})}},
  };
  auto yaml = to_yaml(doc);
  INFO(yaml);
  CHECK(read_back(yaml) == doc);
  CHECK_THAT(yaml, Catch::Contains("- --lr=0.1\n"));  // plain where that is safe
  CHECK_THAT(yaml, Catch::Contains("- \"12\"\n"));
  CHECK_THAT(yaml, Catch::Contains("- \"yes\"\n"));
  CHECK_THAT(yaml, Catch::Contains("- |\n    line1\n    line2\n"));
}

TEST_CASE("spec to_yaml: scalars and empty documents") {
  CHECK(to_yaml(nlohmann::json::object()) == "{}\n");
  CHECK(to_yaml(nlohmann::json::array()) == "[]\n");
  CHECK(to_yaml("text") == "text\n");
  CHECK(to_yaml(3) == "3\n");
}
