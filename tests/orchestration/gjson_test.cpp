// The GJSON subset on the objects Katib's documented success and failure conditions read.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "orchestration/status/gjson.hpp"

using nlohmann::json;
using sextant::orchestration::condition_match;
using sextant::orchestration::gjson_get;

namespace {
// Katib's defaults and documented examples (katib.md sections 1.9 and 2.8).
const char* kJobSucceeded = R"(status.conditions.#(type=="Complete")#|#(status=="True")#)";
const char* kJobFailed = R"(status.conditions.#(type=="Failed")#|#(status=="True")#)";
const char* kArgoSucceeded = R"(status.[@this].#(phase=="Succeeded")#)";
const char* kArgoFailed = R"(status.[@this].#(phase=="Failed")#)";
const char* kTektonSucceeded = R"(status.conditions.#(type=="Succeeded")#|#(status=="True")#)";
const char* kTektonFailed = R"(status.conditions.#(type=="Succeeded")#|#(status=="False")#)";
const char* kJobCounter = R"(status.[@this].#(succeeded==1))";

json job(const char* type, const char* status) {
  return {{"status",
           {{"conditions",
             {{{"type", "Suspended"}, {"status", "False"}},
              {{"type", type},
               {"status", status},
               {"reason", "BackoffLimitExceeded"},
               {"message", "Job has reached the specified backoff limit"}}}}}}};
}
}  // namespace

TEST_CASE("gjson: a batch Job's Complete and Failed conditions") {
  CHECK(condition_match(job("Complete", "True"), kJobSucceeded));
  CHECK_FALSE(condition_match(job("Complete", "True"), kJobFailed));
  CHECK_FALSE(condition_match(job("Complete", "False"), kJobSucceeded));  // an empty array
  auto failed = condition_match(job("Failed", "True"), kJobFailed);
  REQUIRE(failed);
  CHECK((*failed)["reason"] == "BackoffLimitExceeded");  // what Katib copies into the trial
  CHECK_FALSE(condition_match(json{{"metadata", {{"name", "j"}}}}, kJobSucceeded));  // no status
}

TEST_CASE("gjson: an Argo Workflow's phase through [@this]") {
  json running = {{"status", {{"phase", "Running"}}}};
  json done = {{"status", {{"phase", "Succeeded"}, {"message", "done"}}}};
  json failed = {{"status", {{"phase", "Failed"}}}};
  CHECK_FALSE(condition_match(running, kArgoSucceeded));
  CHECK_FALSE(condition_match(running, kArgoFailed));
  auto match = condition_match(done, kArgoSucceeded);
  REQUIRE(match);
  CHECK((*match)["message"] == "done");
  CHECK(condition_match(failed, kArgoFailed));
  CHECK(*gjson_get(done, "status.[@this]") == json::array({done["status"]}));
}

TEST_CASE("gjson: a Tekton PipelineRun's Succeeded condition, True or False") {
  json ok = {{"status", {{"conditions", {{{"type", "Succeeded"}, {"status", "True"}}}}}}};
  json bad = {{"status", {{"conditions", {{{"type", "Succeeded"}, {"status", "False"}}}}}}};
  json running = {{"status", {{"conditions", {{{"type", "Succeeded"}, {"status", "Unknown"}}}}}}};
  CHECK(condition_match(ok, kTektonSucceeded));
  CHECK_FALSE(condition_match(ok, kTektonFailed));
  CHECK(condition_match(bad, kTektonFailed));
  CHECK_FALSE(condition_match(running, kTektonSucceeded));
  CHECK_FALSE(condition_match(running, kTektonFailed));
}

TEST_CASE("gjson: a first-match query on a number (Katib's unit-test condition)") {
  CHECK(condition_match(json{{"status", {{"succeeded", 1}}}}, kJobCounter));
  CHECK(condition_match(json{{"status", {{"succeeded", 1.0}}}}, kJobCounter));
  CHECK_FALSE(condition_match(json{{"status", {{"succeeded", 0}}}}, kJobCounter));
  CHECK_FALSE(condition_match(json{{"status", {{"active", 1}}}}, kJobCounter));
}

TEST_CASE("gjson: paths, counts, comparisons and mapping over every match") {
  json doc = {
      {"items",
       {{{"name", "a"}, {"age", 30}}, {{"name", "b"}, {"age", 50}}, {{"name", "c"}, {"age", 60}}}},
      {"dotted.key", 7},
      {"tags", {"x", "y"}}};
  CHECK(*gjson_get(doc, "items.1.name") == "b");
  CHECK(*gjson_get(doc, "items.#") == 3);
  CHECK(*gjson_get(doc, R"(dotted\.key)") == 7);
  CHECK(*gjson_get(doc, "items.#(age>45)#.name") == json::array({"b", "c"}));
  CHECK(*gjson_get(doc, "items.#(age>45)#|#") == 2);
  CHECK(*gjson_get(doc, "items.#(age<=30).name") == "a");
  CHECK(*gjson_get(doc, R"(items.#(name!="a")#|0.name)") == "b");
  CHECK(*gjson_get(doc, R"(tags.#(=="y"))") == "y");
  CHECK_FALSE(gjson_get(doc, "items.#(age>99)"));
  CHECK(*gjson_get(doc, "items.#(age>99)#") == json::array());
  CHECK_FALSE(gjson_get(doc, "missing.path"));
  CHECK_FALSE(gjson_get(doc, "items.7"));
}

TEST_CASE("gjson: a path outside the subset is a clear error") {
  json doc = {{"a", 1}};
  try {
    gjson_get(doc, "a.@reverse");
    FAIL("accepted a modifier");
  } catch (const sextant::Error& e) {
    CHECK(e.code() == sextant::ErrorCode::kInvalidArgument);
    CHECK_THAT(std::string(e.what()), Catch::Contains("a modifier or wildcard in \"@reverse\""));
  }
  CHECK_THROWS_AS(gjson_get(doc, R"(status.#(phase=="x")"), sextant::Error);  // unbalanced
  CHECK_THROWS_AS(gjson_get(json{{"s", json::array({1})}}, "s.#(==bare)"), sextant::Error);
}
