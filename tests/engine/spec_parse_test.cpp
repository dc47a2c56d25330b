// Reading spec text: YAML and JSON, positions, documents, malformed input, files.
#include <chrono>
#include <fstream>

#include "engine/spec/yaml_document.hpp"
#include "tests/engine/spec_test_support.hpp"

using namespace sextant;
using namespace sextant::engine;
using namespace sextant::spec_test;

TEST_CASE("spec parse: malformed YAML is reported at the parser's line and column") {
  auto text = replace(kValidSpec, "    goal: 0.001\n", "    goal: 0.001\n     bad: 1\n");
  auto diagnostics = rejections(text);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].line == 9);
  CHECK(diagnostics[0].column > 0);
  CHECK(diagnostics[0].path.empty());
  CHECK_THAT(diagnostics[0].message, Catch::StartsWith("invalid YAML: "));
  CHECK_THAT(diagnostics[0].to_string(), Catch::StartsWith("exp.yaml:9:"));

  auto unclosed = rejections("apiVersion: kubeflow.org/v1beta1\nkind: [Experiment\nspec: {}\n");
  REQUIRE(unclosed.size() == 1);
  CHECK(unclosed[0].line >= 2);
}

TEST_CASE("spec parse: a stray flow indicator is an error, not an endless parse") {
  // yaml-cpp alone would produce empty documents until memory runs out on these.
  auto leading = rejections(", x\n");
  REQUIRE(leading.size() == 1);
  CHECK(leading[0].message == "invalid YAML: unexpected \",\"");
  CHECK(leading[0].line == 1);
  auto later = rejections(kValidSpec + "---\n, x\n");
  REQUIRE(later.size() == 1);
  CHECK(later[0].line == line_of(kValidSpec, "restartPolicy") + 2);
}

TEST_CASE("spec parse: JSON input is accepted and its problems are located") {
  auto json_text = parse(kValidSpec).document.dump(2);
  auto spec = parse(json_text);
  CHECK(spec.parameters.size() == 3);
  CHECK(spec.name == "demo");

  auto bad = replace(json_text, "\"max\": \"0.05\"", "\"max\": \"0.001\"");
  auto d = at_path(rejections(bad), "spec.parameters[0].feasibleSpace");
  CHECK(d.line == line_of(bad, "\"feasibleSpace\""));
  CHECK(d.column > 1);

  auto typed = replace(json_text, "\"parallelTrialCount\": 3", "\"parallelTrialCount\": \"3\"");
  auto t = at_path(rejections(typed), "spec.parallelTrialCount");
  CHECK(t.message == "expected an integer, found string \"3\"");
  CHECK(t.line == line_of(typed, "\"parallelTrialCount\""));
}

TEST_CASE("spec parse: quoted scalars stay strings, plain ones are typed") {
  auto docs = parse_yaml_documents(
      "a: 12\nb: \"12\"\nc: 1.5\nd: true\ne: 'true'\nf: ~\ng: 0x10\nh: yes\ni: |\n  text\n", "t");
  REQUIRE(docs.size() == 1);
  const auto& v = docs[0].value;
  CHECK(v["a"] == 12);
  CHECK(v["b"] == "12");
  CHECK(v["c"] == 1.5);
  CHECK(v["d"] == true);
  CHECK(v["e"] == "true");
  CHECK(v["f"].is_null());
  CHECK(v["g"] == 16);
  CHECK(v["h"] == "yes");  // YAML 1.2: only true/false are booleans
  CHECK(v["i"] == "text\n");
  CHECK(docs[0].marks.at("c").line == 3);
  CHECK(docs[0].marks.at("c").column == 4);
}

TEST_CASE("spec parse: the first Experiment of a multi-document file is used") {
  auto text = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n---\n" + kValidSpec +
              "---\n" + replace(kValidSpec, "name: demo", "name: second");
  auto spec = parse(text);
  CHECK(spec.name == "demo");
  // Lines are those of the whole file.
  auto bad = "apiVersion: v1\nkind: ConfigMap\n---\n" +
             replace(kValidSpec, "type: minimize", "type: sideways");
  CHECK(at_path(rejections(bad), "spec.objective.type").line == 10);
}

TEST_CASE("spec parse: a file without an Experiment is rejected") {
  auto none = rejections("apiVersion: v1\nkind: ConfigMap\n---\napiVersion: v1\nkind: Secret\n");
  REQUIRE(none.size() == 1);
  CHECK(none[0].path == "kind");
  CHECK(none[0].line == 2);
  CHECK_THAT(none[0].message, Catch::Contains("no document of kind Experiment"));
  CHECK_THAT(none[0].message, Catch::Contains("ConfigMap, Secret"));

  auto empty = rejections("# nothing here\n");
  REQUIRE(empty.size() == 1);
  CHECK_THAT(empty[0].message, Catch::Contains("no YAML document"));
}

TEST_CASE("spec parse: duplicate keys are rejected where the second one is") {
  auto text =
      replace(kValidSpec, "  maxTrialCount: 12\n", "  maxTrialCount: 12\n  maxTrialCount: 5\n");
  auto diagnostics = rejections(text);
  REQUIRE(diagnostics.size() == 1);
  CHECK(diagnostics[0].path == "spec.maxTrialCount");
  CHECK(diagnostics[0].line == 15);
  CHECK_THAT(diagnostics[0].message, Catch::Contains("duplicate key \"maxTrialCount\""));
}

TEST_CASE("spec parse: self-referencing and exploding aliases are cut off") {
  auto self = rejections("a: &x [*x]\n");
  REQUIRE(self.size() == 1);
  CHECK_THAT(self[0].message, Catch::Contains("nested more than"));

  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'i'; ++c)
    bomb += std::string(1, c) + ": &" + c + " [*" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" +
            char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + ", *" + char(c - 1) + "]\n";
  auto exploded = rejections(bomb);
  REQUIRE(exploded.size() == 1);
  CHECK_THAT(exploded[0].message, Catch::Contains("expands to more than"));
}

TEST_CASE("spec parse: merge keys are applied, explicit keys win") {
  auto docs = parse_yaml_documents("base: &b {x: 1, y: 2}\nmerged:\n  <<: *b\n  y: 3\n", "t");
  REQUIRE(docs.size() == 1);
  CHECK(docs[0].value["merged"] == nlohmann::json({{"x", 1}, {"y", 3}}));
  CHECK(docs[0].marks.at("merged.y").line == 4);
}

TEST_CASE("spec parse: every problem is reported at once, sorted by line") {
  auto text = replace(
      replace(replace(kValidSpec, "name: demo", "name: Demo"), "max: \"128\"", "max: \"8\""),
      "primaryContainerName: training", "primaryContainerName: trainer");
  text = replace(text, "type: minimize", "type: up");
  auto diagnostics = rejections(text);
  REQUIRE(diagnostics.size() == 4);
  CHECK(diagnostics[0].path == "metadata.name");
  CHECK(diagnostics[1].path == "spec.objective.type");
  CHECK(diagnostics[2].path == "spec.parameters[1].feasibleSpace");
  CHECK(diagnostics[3].path == "spec.trialTemplate.primaryContainerName");
  for (size_t i = 1; i < diagnostics.size(); ++i)
    CHECK(diagnostics[i - 1].line <= diagnostics[i].line);
  try {
    parse(text);
    FAIL("accepted");
  } catch (const SpecError& e) {
    CHECK(std::string(e.what()) == render(diagnostics).substr(0, render(diagnostics).size() - 1));
    CHECK(e.code() == ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("spec parse: Diagnostic rendering omits what is unknown") {
  CHECK(Diagnostic{"exp.yaml", 17, 9, "spec.x", "bad"}.to_string() == "exp.yaml:17:9: spec.x: bad");
  CHECK(Diagnostic{"exp.yaml", 0, 0, "spec.x", "bad"}.to_string() == "exp.yaml: spec.x: bad");
  CHECK(Diagnostic{"exp.yaml", 3, 0, "", "bad"}.to_string() == "exp.yaml:3: bad");
}

TEST_CASE("spec parse: files are read from disk, a missing file is not-found") {
  auto dir = std::filesystem::temp_directory_path() /
             ("sextant-spec-test-" +
              std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  std::filesystem::create_directories(dir);
  auto file = dir / "exp.yaml";
  std::ofstream(file) << kValidSpec;
  auto spec = load_experiment_file(file, test_catalog());
  CHECK(spec.name == "demo");
  CHECK(spec.source_file == file.string());
  CHECK(spec.code_dir == dir);

  try {
    load_experiment_file(dir / "missing.yaml", test_catalog());
    FAIL("a missing file was loaded");
  } catch (const SpecError&) {
    FAIL("a missing file is not a spec error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::EndsWith("missing.yaml: no such file"));
  }
  std::ofstream(file) << "kind: [";
  try {
    load_experiment_file(file, test_catalog());
    FAIL("malformed file accepted");
  } catch (const SpecError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].file == file.string());
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("spec parse: unknown fields are rejected, with the known ones listed") {
  auto d = at_path(rejections(replace(kValidSpec, "  maxTrialCount: 12\n",
                                      "  maxTrialCount: 12\n  maxTrialcount: 4\n")),
                   "spec.maxTrialcount");
  CHECK(d.line == 15);
  CHECK_THAT(d.message, Catch::Contains("unknown field \"maxTrialcount\""));
  CHECK_THAT(d.message, Catch::Contains("maxTrialCount"));
}
