// spec_from_document: the typed spec rebuilt from a stored, defaulted document.
#include "tests/engine/spec_test_support.hpp"

using namespace sextant;
using namespace sextant::engine;
using namespace sextant::spec_test;

TEST_CASE("spec from document: a stored document gives the same typed spec") {
  auto loaded = parse(kValidSpec);
  auto rebuilt = spec_from_document(loaded.document, "stored.yaml", "/elsewhere");
  CHECK(rebuilt.document == loaded.document);
  CHECK(rebuilt.name == loaded.name);
  CHECK(rebuilt.source_file == "stored.yaml");
  CHECK(rebuilt.code_dir == std::filesystem::path("/elsewhere"));
  CHECK(rebuilt.parallel_trial_count == loaded.parallel_trial_count);
  REQUIRE(rebuilt.parameters.size() == loaded.parameters.size());
  for (size_t i = 0; i < rebuilt.parameters.size(); ++i) {
    const auto& a = rebuilt.parameters.parameters[i];
    const auto& b = loaded.parameters.parameters[i];
    CHECK(a.name == b.name);
    CHECK(a.type == b.type);
    CHECK(a.min == b.min);
    CHECK(a.max == b.max);
    CHECK(a.step == b.step);
    CHECK(a.list == b.list);
  }
  CHECK(rebuilt.objective.metric_strategies == loaded.objective.metric_strategies);
  CHECK(rebuilt.trial_template.success_condition == loaded.trial_template.success_condition);
}

TEST_CASE("spec from document: no catalog check, but a broken document is still rejected") {
  auto document = parse(kValidSpec).document;
  document["spec"]["algorithm"]["algorithmName"] = "not-in-any-catalog";
  CHECK(spec_from_document(document, "s", "/").algorithm.algorithm_name == "not-in-any-catalog");

  document["spec"]["maxTrialCount"] = "many";
  try {
    spec_from_document(document, "stored", "/");
    FAIL("accepted");
  } catch (const SpecError& e) {
    REQUIRE(e.diagnostics().size() == 1);
    CHECK(e.diagnostics()[0].to_string() ==
          "stored: spec.maxTrialCount: expected an integer, found string \"many\"");
  }
}
