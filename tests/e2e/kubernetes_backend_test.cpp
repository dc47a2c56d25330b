// `sextant run --backend kubernetes` against the loopback fake API server (TLS, bearer token),
// whose Job kubelet runs each trial's container as a local process: whole experiments, and the
// failure cases (403, 409 adopt, 410 on watch, image pull errors, the API server going away, an
// engine killed mid-run).
#include <signal.h>

#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "engine/controller/trial_names.hpp"
#include "tests/e2e/run_support.hpp"
#include "tests/support/fake_kube/fake_kube_api.hpp"
#include "tests/support/fake_kube/pipeline_kubelets.hpp"

namespace sextant::testing {
namespace {

using nlohmann::json;

struct Cluster {
  TempDir dir;
  FakeKubeApi api;
  std::filesystem::path kubeconfig;

  Cluster() : api(options(dir)) {
    kubeconfig = api.write_kubeconfig(dir / "kubeconfig", "hpo");
    register_pipeline_kubelets(api);
  }

  static FakeKubeOptions options(const TempDir& dir) {
    FakeKubeOptions o;
    o.work_dir = dir.path();
    return o;
  }

  std::vector<std::string> engine_argv(const std::string& spec_file) const {
    auto args = run_args(spec_file);
    args.insert(args.begin(), sextant_binary());
    return args;
  }

  std::vector<std::string> run_args(const std::string& spec_file) const {
    return {"--db",
            (dir / "k8s.db").string(),
            "run",
            "-f",
            spec_file,
            "--progress",
            "lines",
            "--grace",
            "1",
            "--backend",
            "kubernetes",
            "--kubeconfig",
            kubeconfig.string()};
  }

  json get(const std::string& what, const std::string& name) const {
    auto r = run_sextant({"--db", (dir / "k8s.db").string(), "get", what, name, "-o", "json"});
    REQUIRE(r.exit_code == 0);
    return json::parse(r.out);
  }

  // Waits (up to 5 s) until the engine has created `count` Jobs in namespace hpo.
  void wait_for_jobs(size_t count) const {
    for (int i = 0; i < 100 && api.objects("batch/v1", "Job", "hpo").size() < count; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }

  // Requests the fake accepted (a create that met 409 and was adopted does not count).
  size_t count(const std::string& method, const std::string& path_part) const {
    size_t n = 0;
    for (const auto& r : api.requests())
      if (r.method == method && r.path.find(path_part) != std::string::npos && r.status < 300) ++n;
    return n;
  }
};

SpecOptions job_spec(const std::string& name, int trials) {
  SpecOptions options;
  options.name = name;
  options.max_trials = trials;
  options.parallel = std::min(2, trials);
  // The container prints its metric: the StdOut collector reads it from the pod's log.
  options.command = {"/bin/sh", "-c", "echo starting; echo loss=${trialParameters.x}"};
  return options;
}

std::string with_namespace(std::string spec, const std::string& ns) {
  auto at = spec.find("metadata:\n");
  return spec.insert(at + 10, "  namespace: " + ns + "\n");
}

// A Job as someone (or a previous engine) created it: `labels` on it and on its pod template.
json existing_job(const std::string& name, const json& labels, const json& command) {
  json job = json::parse(R"({"apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"namespace": "hpo"},
    "spec": {"template": {"metadata": {},
      "spec": {"restartPolicy": "Never", "containers": [{"name": "main", "image": "x"}]}}}})");
  job["metadata"]["name"] = name;
  job["metadata"]["labels"] = labels;
  job["spec"]["template"]["metadata"]["labels"] = labels;
  job["spec"]["template"]["spec"]["containers"][0]["command"] = command;
  return job;
}

double objective(const json& trial) {
  for (const auto& m : trial["status"]["observation"]["metrics"])
    if (m["name"] == "loss") return std::stod(m["latest"].get<std::string>());
  return -1;
}

double assigned(const json& trial) {
  return std::stod(trial["spec"]["parameterAssignments"][0]["value"].get<std::string>());
}

}  // namespace

TEST_CASE("kubernetes backend: an experiment runs as labelled Jobs that are deleted after",
          "[e2e]") {
  Cluster cluster;
  auto spec =
      cluster.dir.write("k.yaml", with_namespace(build_spec(job_spec("k8s-jobs", 4)), "hpo"));
  auto run = run_sextant(cluster.run_args(spec));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto trials = cluster.get("trials", "k8s-jobs");
  REQUIRE(trials.size() == 4);
  for (const auto& t : trials) {
    CHECK(last_state(t) == "Succeeded");
    CHECK(objective(t) == Approx(assigned(t)));
  }
  // Created once each, in the spec's namespace, with Katib's labels; deleted in the background.
  auto creates = cluster.api.requests();
  size_t posts = 0, deletes = 0;
  for (const auto& r : creates) {
    if (r.method == "POST" && r.path == "/apis/batch/v1/namespaces/hpo/jobs") {
      ++posts;
      json body = json::parse(r.body);
      CHECK(body["metadata"]["labels"]["katib.kubeflow.org/experiment"] == "k8s-jobs");
      CHECK(body["metadata"]["labels"]["katib.kubeflow.org/trial"] == body["metadata"]["name"]);
      CHECK(body["spec"]["template"]["metadata"]["labels"]["katib.kubeflow.org/trial"] ==
            body["metadata"]["name"]);
      CHECK(r.headers.at("authorization") == "Bearer " + cluster.api.token());
    }
    if (r.method == "DELETE" && r.path.rfind("/apis/batch/v1/namespaces/hpo/jobs/", 0) == 0) {
      ++deletes;
      bool background = r.body.find("Background") != std::string::npos ||
                        r.query.find("propagationPolicy=Background") != std::string::npos;
      CHECK(background);
    }
  }
  CHECK(posts == 4);
  CHECK(deletes == 4);
  CHECK(cluster.api.objects("batch/v1", "Job", "hpo").empty());
  CHECK(cluster.api.objects("v1", "Pod", "hpo").empty());  // Background took the pods too
  // sextant logs shows the pod's log.
  auto logs = run_sextant({"--db", (cluster.dir / "k8s.db").string(), "logs",
                           trials[0]["metadata"]["name"].get<std::string>()});
  CHECK(logs.out.find("starting") != std::string::npos);
}

TEST_CASE("kubernetes backend: retain keeps the finished Jobs", "[e2e]") {
  Cluster cluster;
  std::string spec = with_namespace(build_spec(job_spec("k8s-retain", 2)), "hpo");
  spec.insert(spec.find("    primaryContainerName"), "    retain: true\n");
  auto run = run_sextant(cluster.run_args(cluster.dir.write("r.yaml", spec)));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto jobs = cluster.api.objects("batch/v1", "Job", "hpo");
  CHECK(jobs.size() == 2);
  CHECK(cluster.count("DELETE", "/jobs/") == 0);
}

TEST_CASE("kubernetes backend: a Job stuck pulling its image fails with the kubelet's reason",
          "[e2e]") {
  Cluster cluster;
  SpecOptions options = job_spec("k8s-pull", 1);
  options.max_failed = 0;
  std::string spec = with_namespace(build_spec(options), "hpo");
  spec.replace(spec.find("image: local"), 12, "image: registry.example/does-not-exist:1");
  auto run = run_sextant(cluster.run_args(cluster.dir.write("p.yaml", spec)));
  CHECK(run.exit_code == 5);
  auto trials = cluster.get("trials", "k8s-pull");
  REQUIRE(trials.size() == 1);
  const json& last = trials[0]["status"]["conditions"].back();
  CHECK(last["type"] == "Failed");
  CHECK(last["message"].get<std::string>().rfind("ImagePullBackOff: ", 0) == 0);
  CHECK(last["message"].get<std::string>().find("does-not-exist") != std::string::npos);
  CHECK(cluster.api.objects("batch/v1", "Job", "hpo").empty());  // cleaned up
}

TEST_CASE("kubernetes backend: 403 and a foreign object of the same name fail to start clearly",
          "[e2e]") {
  Cluster cluster;
  SECTION("forbidden") {
    cluster.api.forbid("create", "jobs", "hpo");
    SpecOptions options = job_spec("k8s-403", 1);
    options.max_failed = 0;
    auto run = run_sextant(
        cluster.run_args(cluster.dir.write("f.yaml", with_namespace(build_spec(options), "hpo"))));
    CHECK(run.exit_code == 5);
    auto trials = cluster.get("trials", "k8s-403");
    const json& last = trials[0]["status"]["conditions"].back();
    CHECK(last["message"].get<std::string>().rfind("StartError: ", 0) == 0);
    CHECK(last["message"].get<std::string>().find("403") != std::string::npos);
    CHECK(last["message"].get<std::string>().find("forbidden") != std::string::npos);
  }
  SECTION("a Job of that name that is not the trial's") {
    std::string first = engine::trial_name("k8s-409", 1);
    cluster.api.create_object(existing_job(first, json::object(), {"/bin/sleep", "30"}));
    SpecOptions options = job_spec("k8s-409", 1);
    options.max_failed = 0;
    auto run = run_sextant(
        cluster.run_args(cluster.dir.write("c.yaml", with_namespace(build_spec(options), "hpo"))));
    CHECK(run.exit_code == 5);
    auto trials = cluster.get("trials", "k8s-409");
    const json& last = trials[0]["status"]["conditions"].back();
    CHECK(last["message"].get<std::string>().rfind("StartError: ", 0) == 0);
    CHECK(last["message"].get<std::string>().find("not created for this trial") !=
          std::string::npos);
    CHECK(cluster.api.objects("batch/v1", "Job", "hpo").size() == 1);  // left alone
  }
}

TEST_CASE("kubernetes backend: a Job that already exists for the trial is adopted (409)", "[e2e]") {
  Cluster cluster;
  std::string first = engine::trial_name("k8s-adopt", 1);
  cluster.api.create_object(existing_job(
      first, {{"katib.kubeflow.org/experiment", "k8s-adopt"}, {"katib.kubeflow.org/trial", first}},
      {"/bin/sh", "-c", "sleep 1; echo loss=0.125"}));
  auto run = run_sextant(cluster.run_args(
      cluster.dir.write("a.yaml", with_namespace(build_spec(job_spec("k8s-adopt", 1)), "hpo"))));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto trials = cluster.get("trials", "k8s-adopt");
  REQUIRE(trials.size() == 1);
  CHECK(last_state(trials[0]) == "Succeeded");
  CHECK(objective(trials[0]) == Approx(0.125));  // the existing Job's value, not a new run's
}

TEST_CASE("kubernetes backend: the API server going away and compacting its history loses nothing",
          "[e2e]") {
  Cluster cluster;
  SpecOptions options = job_spec("k8s-outage", 4);
  options.command = {"/bin/sh", "-c", "sleep 2; echo loss=${trialParameters.x}"};
  auto spec = cluster.dir.write("o.yaml", with_namespace(build_spec(options), "hpo"));
  Process engine(cluster.engine_argv(spec));
  // Wait until the first Jobs exist, then take the API server away while they run, forget the
  // watch history (the engine's resumed watches get 410 and must list again), and come back.
  cluster.wait_for_jobs(2);
  cluster.api.stop_listening();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  cluster.api.compact(cluster.api.resource_version() + 1);
  cluster.api.start_listening();
  auto result = engine.wait(std::chrono::seconds(120));
  INFO(result.err);
  REQUIRE(result.exit_code == 0);
  auto trials = cluster.get("trials", "k8s-outage");
  REQUIRE(trials.size() == 4);
  for (const auto& t : trials) {
    CHECK(last_state(t) == "Succeeded");
    CHECK(objective(t) == Approx(assigned(t)));
  }
  CHECK(cluster.count("POST", "/namespaces/hpo/jobs") == 4);  // none created twice
}

TEST_CASE("kubernetes backend: a killed engine adopts its running Jobs on restart", "[e2e]") {
  Cluster cluster;
  SpecOptions options = job_spec("k8s-restart", 2);
  options.command = {"/bin/sh", "-c", "sleep 3; echo loss=${trialParameters.x}"};
  auto spec = cluster.dir.write("s.yaml", with_namespace(build_spec(options), "hpo"));
  {
    Process engine(cluster.engine_argv(spec));
    cluster.wait_for_jobs(2);
    REQUIRE(cluster.api.objects("batch/v1", "Job", "hpo").size() == 2);
    // Kill it once the store has both trials Running with their handles (a trial killed before
    // that is started again, and its create meets the existing Job: adopted too, by the 409).
    auto running = [&] {
      auto r = run_sextant({"--db", (cluster.dir / "k8s.db").string(), "get", "trials",
                            "k8s-restart", "-o", "json"});
      if (r.exit_code != 0) return 0;
      int n = 0;
      for (const auto& t : json::parse(r.out)) n += last_state(t) == "Running";
      return n;
    };
    for (int i = 0; i < 50 && running() < 2; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    engine.signal(SIGKILL);
    engine.wait(std::chrono::seconds(10));
  }
  auto again = run_sextant(cluster.run_args(spec));
  INFO(again.err);
  REQUIRE(again.exit_code == 0);
  auto trials = cluster.get("trials", "k8s-restart");
  REQUIRE(trials.size() == 2);
  for (const auto& t : trials) CHECK(last_state(t) == "Succeeded");
  CHECK(cluster.count("POST", "/namespaces/hpo/jobs") == 2);  // adopted, not run again
  auto events = run_sextant(
      {"--db", (cluster.dir / "k8s.db").string(), "get", "events", "k8s-restart", "-o", "json"});
  CHECK(events.out.find("TrialAdopted") != std::string::npos);
}

TEST_CASE("kubernetes backend: Katib's Argo Workflow example runs as Workflows", "[e2e]") {
  Cluster cluster;
  const std::string train = std::string(SEXTANT_SOURCE_DIR) + "/examples/pipelines/train.py";
  auto spec = cluster.dir.write(
      "argo.yaml",
      katib_spec("argo_argo-workflow.yaml", {{"\"/opt/pytorch-mnist/mnist.py\"", train},
                                             {"maxTrialCount: 5", "maxTrialCount: 2"}}));
  auto run = run_sextant(cluster.run_args(spec));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto trials = cluster.get("trials", "katib-argo-workflow");
  REQUIRE(trials.size() == 2);
  for (const auto& t : trials) {
    INFO(t["status"].dump());
    CHECK(last_state(t) == "Succeeded");
    CHECK(objective(t) > 0);  // the training step's loss, read from its pod's log
  }
  // retain: true in Katib's example, so the Workflows stay, in the spec's namespace, finished.
  auto workflows = cluster.api.objects("argoproj.io/v1alpha1", "Workflow", "argo");
  REQUIRE(workflows.size() == 2);
  for (const auto& w : workflows) {
    CHECK(w["status"]["phase"] == "Succeeded");
    CHECK(w["metadata"]["labels"]["katib.kubeflow.org/experiment"] == "katib-argo-workflow");
  }
}

namespace {

// Trials that write their metrics to Katib's default file path (the File collector's sidecar
// reads it on the cluster); TEXT lines or JSON lines.
SpecOptions file_collector_spec(const std::string& name, bool json_format) {
  SpecOptions o = job_spec(name, 2);
  std::string path = "/var/log/katib/metrics.log";
  o.collector =
      "  metricsCollectorSpec:\n    source:\n      fileSystemPath:\n        path: " + path +
      "\n        kind: File\n" + (json_format ? "        format: JSON\n" : "") +
      "    collector:\n      kind: File\n";
  std::string first = json_format ? R"({"loss": 1.5})" : "loss=1.5";
  std::string last =
      json_format ? R"({"loss": ${trialParameters.x}})" : "loss=${trialParameters.x}";
  // The second line lands a moment later, after the sidecar has read the first.
  o.command = {"/bin/sh", "-c",
               "echo training; echo '" + first + "' > " + path + "; sleep 1.2; echo '" + last +
                   "' >> " + path};
  return o;
}

}  // namespace

TEST_CASE("kubernetes backend: the File collector's sidecar streams the metrics file", "[e2e]") {
  for (bool json_format : {false, true}) {
    Cluster cluster;
    std::string name = json_format ? "k8s-file-json" : "k8s-file-text";
    auto spec = cluster.dir.write(
        "f.yaml", with_namespace(build_spec(file_collector_spec(name, json_format)), "hpo"));
    auto run = run_sextant(cluster.run_args(spec));
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    auto trials = cluster.get("trials", name);
    REQUIRE(trials.size() == 2);
    for (const auto& t : trials) {
      CHECK(last_state(t) == "Succeeded");
      CHECK(objective(t) == Approx(assigned(t)));
      // Both lines arrived: the one before the second, and the last one.
      for (const auto& m : t["status"]["observation"]["metrics"])
        if (m["name"] == "loss") CHECK(std::stod(m["max"].get<std::string>()) == 1.5);
    }
    // The pod got the emptyDir, the wrapped command and the sidecar, as Katib's webhook does.
    for (const auto& r : cluster.api.requests()) {
      if (r.method != "POST" || r.path != "/apis/batch/v1/namespaces/hpo/jobs") continue;
      auto pod = json::parse(r.body)["spec"]["template"]["spec"];
      REQUIRE(pod["containers"].size() == 2);
      CHECK(pod["containers"][0]["command"][0] == "sh");
      CHECK(pod["containers"][0]["args"][0] == "/bin/sh");
      CHECK(pod["containers"][1]["name"] == "sextant-metrics-collector");
      CHECK(pod["volumes"][0]["emptyDir"].is_object());
      CHECK(pod["containers"][0]["volumeMounts"][0]["mountPath"] == "/var/log/katib");
    }
    auto log = run_sextant({"--db", (cluster.dir / "k8s.db").string(), "logs",
                            trials[0]["metadata"]["name"].get<std::string>()});
    CHECK_THAT(log.out, Catch::Contains("File collector's sidecar"));
  }
}

TEST_CASE("kubernetes backend: TensorFlow event files come back through the sidecar", "[e2e]") {
  Cluster cluster;
  SpecOptions o = job_spec("k8s-tfevents", 2);
  o.collector = "  metricsCollectorSpec:\n    collector:\n      kind: TensorFlowEvent\n";
  // Katib's default directory; the summaries go to a subdirectory, as TensorBoard writers do.
  std::string dir = "/var/log/katib/tfevent/train";
  std::string events = R"([{"step": 1, "wall_time": 1, "values": [{"tag": "loss", "simple": 2}]},)"
                       R"( {"step": 2, "wall_time": 2, "values": [{"tag": "loss", )"
                       R"("float_tensor": ${trialParameters.x}}]}])";
  o.command = {"/bin/sh", "-c",
               "mkdir -p " + dir + " && /usr/bin/python3 " SEXTANT_SOURCE_DIR
               "/tests/support/tf_events/write_tf_events.py " + dir +
                   "/events.out.tfevents.1 '" + events + "'"};
  auto spec = cluster.dir.write("tf.yaml", with_namespace(build_spec(o), "hpo"));
  auto run = run_sextant(cluster.run_args(spec));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto trials = cluster.get("trials", "k8s-tfevents");
  REQUIRE(trials.size() == 2);
  for (const auto& t : trials) {
    CHECK(last_state(t) == "Succeeded");
    // float32 of x, then Katib's "min" strategy for a minimized loss over 2 and x.
    CHECK(objective(t) == Approx(assigned(t)).epsilon(1e-6));
  }
  auto log = run_sextant({"--db", (cluster.dir / "k8s.db").string(), "logs",
                          trials[0]["metadata"]["name"].get<std::string>()});
  CHECK_THAT(log.out, Catch::Contains("1 TensorFlow event file(s) received, 2 scalar(s)"));
  CHECK(log.out.find("sextant-tfevents-file") == std::string::npos);  // not the base64 dump
}

}  // namespace sextant::testing
