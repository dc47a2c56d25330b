// kubectl as a second client of the fake API server: proves the fake speaks the real protocol.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tests/orchestration/fake_kube_support.hpp"

using nlohmann::json;
using namespace sextant::testing;

namespace {

struct Run {
  int code = -1;
  std::string out;
  std::string err;
};

std::string slurp(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class Kubectl {
 public:
  explicit Kubectl(const FakeKubeApi& api) {
    if (!std::filesystem::exists(KUBECTL_PATH)) {
      std::cerr << "SKIPPED: " << KUBECTL_PATH << " is not installed\n";
      std::exit(77);
    }
    dir_ = std::filesystem::temp_directory_path() /
           ("sextant-kubectl-" + std::to_string(::getpid()) + "-" + std::to_string(++count_));
    std::filesystem::create_directories(dir_);
    api.write_kubeconfig(dir_ / "kubeconfig", "hpo");
  }
  ~Kubectl() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  const std::filesystem::path& dir() const { return dir_; }

  // Runs kubectl with `args` (a shell fragment of quoted arguments), HOME and KUBECONFIG in dir.
  Run operator()(const std::string& args) const {
    std::string command = "HOME='" + dir_.string() + "' KUBECONFIG='" +
                          (dir_ / "kubeconfig").string() + "' " + KUBECTL_PATH +
                          " --request-timeout=10s " + args + " >'" + (dir_ / "out").string() +
                          "' 2>'" + (dir_ / "err").string() + "'";
    Run run;
    int status = std::system(command.c_str());
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = slurp(dir_ / "out");
    run.err = slurp(dir_ / "err");
    return run;
  }

 private:
  std::filesystem::path dir_;
  static inline int count_ = 0;
};

const char* kJobYaml = R"(apiVersion: batch/v1
kind: Job
metadata:
  name: train-1
  labels:
    experiment: x
spec:
  backoffLimit: 0
  template:
    metadata:
      labels:
        experiment: x
    spec:
      restartPolicy: Never
      containers:
        - name: train
          image: docker.io/library/python:3.11
          command: ["/bin/sh", "-c", "echo loss=0.5; exit 0"]
)";

}  // namespace

TEST_CASE("kubectl: create, get -l -o json, logs, create again (AlreadyExists), delete") {
  FakeKubeApi api;
  Kubectl kubectl(api);
  std::ofstream(kubectl.dir() / "job.yaml") << kJobYaml;
  std::string job_file = "'" + (kubectl.dir() / "job.yaml").string() + "'";

  Run created = kubectl("create -f " + job_file + " --validate=false");
  INFO(created.err);
  REQUIRE(created.code == 0);
  CHECK(created.out == "job.batch/train-1 created\n");
  auto post = api.requests();
  bool saw_post = false;
  for (const auto& r : post)
    if (r.method == "POST") {
      saw_post = true;
      CHECK(r.path == "/apis/batch/v1/namespaces/hpo/jobs");
      CHECK(r.headers.at("authorization") == "Bearer " + api.token());
    }
  CHECK(saw_post);

  ObjectKey key{"batch/v1", "Job", "jobs", "hpo", "train-1"};
  REQUIRE(eventually([&] {
    auto job = api.get_object(key);
    return job && !condition_of(*job, "Complete").is_null();
  }));

  Run listed = kubectl("get jobs -n hpo -l experiment=x -o json");
  INFO(listed.err);
  REQUIRE(listed.code == 0);
  json list = json::parse(listed.out);
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["metadata"]["name"] == "train-1");
  CHECK(list["items"][0]["status"]["succeeded"] == 1);
  CHECK(kubectl("get jobs -n hpo -l experiment=nope -o json").out.find("\"items\": []") !=
        std::string::npos);

  Run table = kubectl("get jobs -n hpo");
  INFO(table.err);
  CHECK(table.code == 0);
  CHECK_THAT(table.out, Catch::Contains("train-1"));

  Run pod = kubectl("get pods -n hpo -l job-name=train-1 -o jsonpath={.items[0].metadata.name}");
  REQUIRE(pod.code == 0);
  CHECK(pod.out.rfind("train-1-", 0) == 0);
  Run logs = kubectl("logs -n hpo " + pod.out);
  INFO(logs.err);
  CHECK(logs.code == 0);
  CHECK(logs.out == "loss=0.5\n");
  Run job_logs = kubectl("logs -n hpo job/train-1 -c train");
  INFO(job_logs.err);
  CHECK(job_logs.out == "loss=0.5\n");

  Run again = kubectl("create -f " + job_file + " --validate=false");
  CHECK(again.code != 0);
  CHECK_THAT(again.err, Catch::Contains("Error from server (AlreadyExists)"));
  CHECK_THAT(again.err, Catch::Contains("jobs.batch \"train-1\" already exists"));

  Run deleted = kubectl("delete job train-1 -n hpo");
  INFO(deleted.err);
  CHECK(deleted.code == 0);
  CHECK(deleted.out == "job.batch \"train-1\" deleted\n");
  CHECK_FALSE(api.get_object(key));
  CHECK(api.objects("v1", "Pod", "hpo").empty());  // kubectl deletes in the background

  Run missing = kubectl("get job train-1 -n hpo");
  CHECK(missing.code != 0);
  CHECK_THAT(missing.err,
             Catch::Contains("Error from server (NotFound): jobs.batch \"train-1\" not found"));
}

TEST_CASE("kubectl: server-side dry run stores nothing, a forbidden namespace is refused") {
  FakeKubeApi api;
  Kubectl kubectl(api);
  std::ofstream(kubectl.dir() / "job.yaml") << kJobYaml;
  std::string job_file = "'" + (kubectl.dir() / "job.yaml").string() + "'";

  Run dry = kubectl("create --dry-run=server -f " + job_file + " --validate=false -o json");
  INFO(dry.err);
  REQUIRE(dry.code == 0);
  CHECK(json::parse(dry.out)["metadata"]["name"] == "train-1");
  CHECK(api.objects("batch/v1", "Job").empty());
  CHECK(api.requests().back().query_params.at("dryRun") == "All");

  api.forbid("create", "jobs", "hpo");
  Run denied = kubectl("create -f " + job_file + " --validate=false");
  CHECK(denied.code != 0);
  CHECK_THAT(denied.err, Catch::Contains("Error from server (Forbidden)"));
  CHECK_THAT(denied.err, Catch::Contains("cannot create resource \"jobs\" in API group \"batch\""));
}

TEST_CASE("kubectl: get -w --output-watch-events follows a Job through its status changes") {
  FakeKubeApi api;
  Kubectl kubectl(api);
  json job = job_manifest("watched", {"/bin/sh", "-c", "sleep 1"});
  job["metadata"]["namespace"] = "hpo";
  api.create_object(job);
  // The watch ends at the request timeout; the Job's completion comes before that.
  Run watched = kubectl("get jobs -n hpo -w --output-watch-events -o json --request-timeout=3s");
  std::vector<std::string> types;
  json last;
  // -o json prints one pretty-printed event object after another.
  std::string text = watched.out;
  size_t depth = 0, start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '{' && depth++ == 0) start = i;
    if (text[i] == '}' && --depth == 0) {
      json event = json::parse(text.substr(start, i - start + 1));
      types.push_back(event["type"]);
      last = event["object"];
    }
  }
  INFO(watched.err);
  REQUIRE(types.size() >= 2);
  CHECK(types.front() == "ADDED");
  CHECK(types.back() == "MODIFIED");
  CHECK(!condition_of(last, "Complete").is_null());
}
