// Reading the primary container's command, env, working dir and time limit from trial objects.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "trials/template/primary_container.hpp"

using nlohmann::json;
using sextant::Error;
using sextant::trials::EnvVar;
using sextant::trials::expand_kubernetes_references;
using sextant::trials::primary_command;
using sextant::trials::primary_container;
using Strings = std::vector<std::string>;

namespace {

json job(json containers, json job_spec_extra = json::object(), json pod_extra = json::object()) {
  json pod = {{"containers", containers}};
  pod.update(pod_extra);
  json spec = {{"template", {{"spec", pod}}}};
  spec.update(job_spec_extra);
  return {{"apiVersion", "batch/v1"}, {"kind", "Job"}, {"spec", spec}};
}

}  // namespace

TEST_CASE("primary container: Job command with args appended", "[trials][template]") {
  json object = job(json::array({
      {{"name", "sidecar"}, {"command", {"sleep", "1"}}},
      {{"name", "main"}, {"command", {"python3", "train.py"}}, {"args", {"--lr=0.1", "--n", 3}}},
  }));
  CHECK(primary_command(object, "main") == Strings{"python3", "train.py", "--lr=0.1", "--n", "3"});
  CHECK(primary_command(object, "sidecar") == Strings{"sleep", "1"});
  auto c = primary_container(object, "main");
  CHECK_FALSE(c.active_deadline_seconds.has_value());
  CHECK(c.working_dir.empty());
}

TEST_CASE("primary container: env with workingDir and valueFrom note and $(VAR) expansion",
          "[trials][template]") {
  json object = job(json::array(
      {{{"name", "main"},
        {"command", {"run", "--out=$(OUT)/x", "$$(OUT)", "$(NOPE)"}},
        {"workingDir", "/work/dir"},
        {"env",
         {{{"name", "OUT"}, {"value", "/data"}},
          {{"name", "POD"}, {"valueFrom", {{"fieldRef", {{"fieldPath", "metadata.name"}}}}}},
          {{"name", "LOG"}, {"value", "$(OUT)/log"}},
          {{"name", "EMPTY"}}}}}}));
  auto c = primary_container(object, "main");
  CHECK(c.command == Strings{"run", "--out=/data/x", "$(OUT)", "$(NOPE)"});
  CHECK(c.env == std::vector<EnvVar>{{"OUT", "/data"}, {"LOG", "/data/log"}, {"EMPTY", ""}});
  CHECK(c.working_dir == "/work/dir");
  REQUIRE(c.notes.size() == 1);
  CHECK_THAT(c.notes[0], Catch::Contains("POD") && Catch::Contains("valueFrom"));
}

TEST_CASE("primary container: activeDeadlineSeconds from Job or pod spec and the smaller wins",
          "[trials][template]") {
  json containers = json::array({{{"name", "main"}, {"command", {"x"}}}});
  CHECK(primary_container(job(containers, {{"activeDeadlineSeconds", 60}}), "main")
            .active_deadline_seconds == 60);
  CHECK(primary_container(job(containers, json::object(), {{"activeDeadlineSeconds", 30}}), "main")
            .active_deadline_seconds == 30);
  CHECK(
      primary_container(
          job(containers, {{"activeDeadlineSeconds", 60}}, {{"activeDeadlineSeconds", 90}}), "main")
          .active_deadline_seconds == 60);
  CHECK_THROWS_WITH(primary_container(job(containers, {{"activeDeadlineSeconds", "soon"}}), "main"),
                    Catch::Contains("spec.activeDeadlineSeconds"));
  CHECK_THROWS_WITH(primary_container(job(containers, {{"activeDeadlineSeconds", 0}}), "main"),
                    Catch::Contains("must be positive"));
}

TEST_CASE("primary container: missing container or command is an error", "[trials][template]") {
  json object =
      job(json::array({{{"name", "a"}, {"command", {"x"}}}, {{"name", "b"}, {"image", "img"}}}));
  try {
    primary_container(object, "main");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.field_path() == "spec.template.spec.containers");
    CHECK_THAT(e.message(), Catch::Contains("'main'") && Catch::Contains("found: a, b"));
  }
  try {
    primary_container(object, "b");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.field_path() == "spec.template.spec.containers[1].command");
    CHECK_THAT(e.message(), Catch::StartsWith("container b has no command; locally the image "
                                              "entrypoint is not available"));
  }
  CHECK_THROWS_WITH(primary_container(json{{"apiVersion", "batch/v1"}, {"kind", "Job"}}, "main"),
                    Catch::Contains("spec.template.spec.containers"));
}

TEST_CASE("primary container: PyTorchJob runs the Master's container", "[trials][template]") {
  auto replica = [](const std::string& role) {
    return json{
        {"replicas", 1},
        {"template",
         {{"spec",
           {{"containers",
             {{{"name", "pytorch"}, {"command", {"python3", "mnist.py", "--role=" + role}}}}}}}}}};
  };
  json object = {
      {"apiVersion", "kubeflow.org/v1"},
      {"kind", "PyTorchJob"},
      {"spec",
       {{"runPolicy", {{"activeDeadlineSeconds", 120}}},
        {"pytorchReplicaSpecs", {{"Worker", replica("worker")}, {"Master", replica("master")}}}}}};
  auto c = primary_container(object, "pytorch");
  CHECK(c.command == Strings{"python3", "mnist.py", "--role=master"});
  CHECK(c.active_deadline_seconds == 120);
  CHECK_THROWS_WITH(primary_container(object, "tensorflow"),
                    Catch::Contains("no container named 'tensorflow'"));
}

TEST_CASE("primary container: Argo and Tekton are not supported locally yet",
          "[trials][template]") {
  for (const char* kind : {"Workflow", "PipelineRun"}) {
    json object = {{"apiVersion", "x/v1"}, {"kind", kind}, {"spec", json::object()}};
    CHECK_THROWS_WITH(primary_container(object, "main"),
                      Catch::Contains(std::string("kind ") + kind) &&
                          Catch::Contains("not supported locally yet"));
  }
}

TEST_CASE("primary container: Kubernetes $(VAR) expansion rules", "[trials][template]") {
  std::map<std::string, std::string> vars = {{"A", "1"}, {"B", "two"}};
  CHECK(expand_kubernetes_references("$(A)-$(B)", vars) == "1-two");
  CHECK(expand_kubernetes_references("$$(A) $$ $", vars) == "$(A) $ $");
  CHECK(expand_kubernetes_references("$(C) $(A", vars) == "$(C) $(A");
  CHECK(expand_kubernetes_references("no refs", vars) == "no refs");
}
