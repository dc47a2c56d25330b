// KubeClient against the loopback fake API server: verbs, watch, logs, errors, retries, TLS, auth.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "orchestration/http/http_client.hpp"
#include "orchestration/kubernetes/kube_client.hpp"
#include "tests/orchestration/fake_kube_support.hpp"

using nlohmann::json;
using sextant::ErrorCode;
using sextant::orchestration::KubeClient;
using sextant::orchestration::KubeError;
using sextant::orchestration::KubeResource;
using namespace sextant::testing;

namespace {

json config_map(const std::string& name, json labels = json::object()) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"labels", labels}}},
          {"data", {{"k", "v"}}}};
}

std::filesystem::path temp_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() /
             ("sextant-kube-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace

TEST_CASE("kube client: create, get, list by label, merge patch and server-side dry run") {
  FakeKubeApi api;
  KubeClient client(connection_to(api, "ns1"), fast_options());
  auto cm = client.resource("v1", "ConfigMap");
  CHECK(client.path(cm, "ns1", "a") == "/api/v1/namespaces/ns1/configmaps/a");

  json created = client.create(config_map("a", {{"experiment", "x"}}), "");
  CHECK(created["metadata"]["namespace"] == "ns1");
  CHECK(!created["metadata"].value("uid", "").empty());
  CHECK(!created["metadata"].value("resourceVersion", "").empty());
  client.create(config_map("b", {{"experiment", "y"}}), "");

  json got = client.get(cm, "ns1", "a");
  CHECK(got["data"]["k"] == "v");

  json listed = client.list(cm, "ns1", "experiment=x");
  CHECK(listed["kind"] == "ConfigMapList");
  REQUIRE(listed["items"].size() == 1);
  CHECK(listed["items"][0]["metadata"]["name"] == "a");
  CHECK(!listed["metadata"].value("resourceVersion", "").empty());
  CHECK(client.list(cm, "ns1", "experiment in (x,y)")["items"].size() == 2);
  CHECK(client.list(cm, "ns1", "experiment!=x")["items"].size() == 1);
  CHECK(client.list(cm, "ns1", "")["items"].size() == 2);

  json patched = client.merge_patch(cm, "ns1", "a", {{"data", {{"k", nullptr}, {"n", "1"}}}});
  CHECK(!patched["data"].contains("k"));
  CHECK(patched["data"]["n"] == "1");
  CHECK(patched["metadata"]["resourceVersion"] != created["metadata"]["resourceVersion"]);
  auto requests = api.requests();
  bool saw_patch = false;
  for (const auto& r : requests)
    if (r.method == "PATCH") {
      saw_patch = true;
      CHECK(r.headers.at("content-type") == "application/merge-patch+json");
    }
  CHECK(saw_patch);

  json dry = client.create(config_map("c"), "", true);
  CHECK(dry["metadata"]["name"] == "c");
  CHECK(api.requests().back().query == "dryRun=All");
  CHECK_THROWS_AS(client.get(cm, "ns1", "c"), KubeError);
  CHECK(api.objects("v1", "ConfigMap", "ns1").size() == 2);
}

TEST_CASE("kube client: errors carry the Status message (404, 409, 422, 401, 403)") {
  FakeKubeApi api;
  KubeClient client(connection_to(api, "ns1"), fast_options());
  auto cm = client.resource("v1", "ConfigMap");
  try {
    client.get(cm, "ns1", "missing");
    FAIL("expected NotFound");
  } catch (const KubeError& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK(e.http_status() == 404);
    CHECK(e.reason() == "NotFound");
    CHECK(std::string(e.what()) ==
          "kubernetes: GET /api/v1/namespaces/ns1/configmaps/missing: 404 NotFound: configmaps "
          "\"missing\" not found");
  }
  client.create(config_map("a"), "");
  try {
    client.create(config_map("a"), "");
    FAIL("expected AlreadyExists");
  } catch (const KubeError& e) {
    CHECK(e.code() == ErrorCode::kConflict);
    CHECK(e.reason() == "AlreadyExists");
    CHECK_THAT(e.what(), Catch::Contains("409 AlreadyExists: configmaps \"a\" already exists"));
  }
  try {
    client.create(job_manifest("bad", {"true"}, ""), "");
    FAIL("expected Invalid");
  } catch (const KubeError& e) {
    CHECK(e.http_status() == 422);
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("spec.template.spec.containers[0].image: Required value"));
  }
  CHECK(client.remove(cm, "ns1", "a"));
  CHECK_FALSE(client.remove(cm, "ns1", "a"));

  auto wrong = connection_to(api, "ns1");
  wrong.token = "not-the-token";
  KubeClient stranger(wrong, fast_options());
  try {
    stranger.get(cm, "ns1", "a");
    FAIL("expected Unauthorized");
  } catch (const KubeError& e) {
    CHECK(e.http_status() == 401);
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    CHECK_THAT(e.what(), Catch::Contains("401 Unauthorized"));
  }

  api.forbid("create", "jobs", "locked");
  try {
    client.create(job_manifest("j", {"true"}), "locked");
    FAIL("expected Forbidden");
  } catch (const KubeError& e) {
    CHECK(e.http_status() == 403);
    CHECK(std::string(e.what()) ==
          "kubernetes: POST /apis/batch/v1/namespaces/locked/jobs: 403 Forbidden: jobs.batch is "
          "forbidden: User \"sextant-test\" cannot create resource \"jobs\" in API group "
          "\"batch\" in the namespace \"locked\"");
  }
  CHECK(api.objects("batch/v1", "Job").empty());
}

TEST_CASE("kube client: watch from a resourceVersion, 410 Expired, then list and resume") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options());
  auto cm = client.resource("v1", "ConfigMap");
  client.create(config_map("before"), "");
  std::string rv = client.list(cm, "default", "")["metadata"]["resourceVersion"];
  client.create(config_map("one", {{"watch", "me"}}), "");
  client.create(config_map("other"), "");
  client.merge_patch(cm, "default", "one", {{"data", {{"k", "2"}}}});
  client.remove(cm, "default", "one");

  std::vector<std::pair<std::string, std::string>> events;
  std::string last =
      client.watch(cm, "default", "watch=me", rv, [&](const std::string& type, const json& object) {
        events.emplace_back(type, object["metadata"].value("name", ""));
        return events.size() < 3;
      });
  REQUIRE(events.size() == 3);
  CHECK(events[0] == std::make_pair(std::string("ADDED"), std::string("one")));
  CHECK(events[1].first == "MODIFIED");
  CHECK(events[2].first == "DELETED");
  CHECK(last == std::to_string(api.resource_version()));

  // A watch with stop: returns soon after the flag is set, with nothing new.
  std::atomic<bool> stop{false};
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    stop = true;
  });
  auto started = std::chrono::steady_clock::now();
  std::string resumed = client.watch(
      cm, "default", "", last, [](const std::string&, const json&) { return true; }, &stop);
  stopper.join();
  CHECK(resumed == last);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));

  api.compact(api.resource_version());
  try {
    client.watch(cm, "default", "", rv, [](const std::string&, const json&) { return true; });
    FAIL("expected 410");
  } catch (const KubeError& e) {
    CHECK(e.http_status() == 410);
    CHECK(e.reason() == "Expired");
    CHECK_THAT(e.what(), Catch::Contains("too old resource version"));
  }
  api.compact(api.resource_version(), true);  // the same as an HTTP status
  try {
    client.watch(cm, "default", "", rv, [](const std::string&, const json&) { return true; });
    FAIL("expected 410");
  } catch (const KubeError& e) {
    INFO(e.what());
    CHECK(e.http_status() == 410);
  }
  // Relist and resume: the next change arrives.
  std::string fresh = client.list(cm, "default", "")["metadata"]["resourceVersion"];
  std::thread later([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    client.create(config_map("after"), "");
  });
  std::string name;
  client.watch(cm, "default", "", fresh, [&](const std::string& type, const json& object) {
    name = type + " " + object["metadata"].value("name", "");
    return false;
  });
  later.join();
  CHECK(name == "ADDED after");
}

TEST_CASE("kube client: BOOKMARK events advance the resourceVersion a watch returns") {
  FakeKubeOptions options;
  options.bookmark_interval = std::chrono::milliseconds(100);
  FakeKubeApi api(options);
  KubeClient client(connection_to(api), fast_options());
  auto cm = client.resource("v1", "ConfigMap");
  std::string rv = client.list(cm, "default", "")["metadata"]["resourceVersion"];
  client.create(config_map("elsewhere"), "other");  // moves the resourceVersion, not this watch
  std::string bookmark;
  std::string last =
      client.watch(cm, "default", "", rv, [&](const std::string& type, const json& object) {
        if (type != "BOOKMARK") return true;
        bookmark = object["metadata"]["resourceVersion"];
        return false;
      });
  CHECK(bookmark == std::to_string(api.resource_version()));
  CHECK(last == bookmark);
  CHECK(last != rv);
  CHECK(api.requests().back().query_params.at("allowWatchBookmarks") == "true");
}

TEST_CASE("fake kubelet: a Job runs its command, logs are served, and it completes") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options());
  auto jobs = client.resource("batch/v1", "Job");
  std::string rv = client.list(jobs, "", "")["metadata"]["resourceVersion"];
  client.create(
      job_manifest("train-1", {"/bin/sh", "-c", "echo loss=0.5; echo accuracy=0.9 >&2; exit 0"}),
      "");
  json done;
  client.watch(jobs, "default", "", rv, [&](const std::string& type, const json& job) {
    if (!condition_of(job, "Complete").is_null() || !condition_of(job, "Failed").is_null()) {
      done = job;
      return false;
    }
    return true;
  });
  REQUIRE(!done.is_null());
  CHECK(condition_of(done, "Complete")["status"] == "True");
  CHECK(condition_of(done, "SuccessCriteriaMet")["status"] == "True");
  CHECK(done["status"]["succeeded"] == 1);
  CHECK(done["status"]["active"] == 0);
  CHECK(!done["status"].value("startTime", "").empty());
  CHECK(!done["status"].value("completionTime", "").empty());

  json pods = client.list(KubeClient::pod_resource(), "", "batch.kubernetes.io/job-name=train-1");
  REQUIRE(pods["items"].size() == 1);
  json pod = pods["items"][0];
  std::string pod_name = pod["metadata"]["name"];
  CHECK(pod_name.rfind("train-1-", 0) == 0);
  CHECK(pod_name.size() == std::string("train-1-").size() + 5);
  CHECK(pod["metadata"]["labels"]["job-name"] == "train-1");
  CHECK(pod["metadata"]["labels"]["experiment"] == "x");
  CHECK(pod["metadata"]["ownerReferences"][0]["kind"] == "Job");
  CHECK(pod["status"]["phase"] == "Succeeded");
  auto terminated = pod["status"]["containerStatuses"][0]["state"]["terminated"];
  CHECK(terminated["exitCode"] == 0);
  CHECK(terminated["reason"] == "Completed");

  std::string log = client.logs("default", pod_name, "train");
  CHECK_THAT(log, Catch::Contains("loss=0.5\n"));
  CHECK_THAT(log, Catch::Contains("accuracy=0.9\n"));
  std::string followed;
  client.follow_logs("default", pod_name, "", [&](std::string_view chunk) {
    followed.append(chunk);
    return true;
  });
  CHECK(followed == log);
}

TEST_CASE("fake kubelet: follow streams a running container's log as it is written") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options());
  client.create(job_manifest("slow", {"/bin/sh", "-c", "echo step=1; sleep 0.4; echo step=2"}), "");
  std::string pod_name;
  REQUIRE(eventually([&] {
    auto pods = api.objects("v1", "Pod", "default");
    if (pods.empty() || pods[0]["status"].value("phase", "") != "Running") return false;
    pod_name = pods[0]["metadata"]["name"];
    return true;
  }));
  std::vector<std::string> chunks;
  auto started = std::chrono::steady_clock::now();
  client.follow_logs("default", pod_name, "train", [&](std::string_view chunk) {
    chunks.emplace_back(chunk);
    return true;
  });
  std::string all;
  for (const auto& c : chunks) all += c;
  CHECK(all == "step=1\nstep=2\n");
  CHECK(chunks.size() >= 2);  // step=1 came before the container ended
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(200));
}

TEST_CASE("fake kubelet: a failing Job, and one stuck pulling its image") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options());
  auto jobs = client.resource("batch/v1", "Job");
  client.create(job_manifest("fails", {"/bin/sh", "-c", "echo oops; exit 3"}), "");
  REQUIRE(
      eventually([&] { return !condition_of(client.get(jobs, "", "fails"), "Failed").is_null(); }));
  json job = client.get(jobs, "", "fails");
  CHECK(condition_of(job, "Failed")["reason"] == "BackoffLimitExceeded");
  CHECK(condition_of(job, "Complete").is_null());
  CHECK(job["status"]["failed"] == 1);
  json pod = client.list(KubeClient::pod_resource(), "", "job-name=fails")["items"][0];
  CHECK(pod["status"]["phase"] == "Failed");
  CHECK(pod["status"]["containerStatuses"][0]["state"]["terminated"]["exitCode"] == 3);
  CHECK(pod["status"]["containerStatuses"][0]["state"]["terminated"]["reason"] == "Error");

  client.create(job_manifest("pull", {"true"}, "registry.example.com/does-not-exist:1"), "");
  std::string reason, message;
  REQUIRE(eventually([&] {
    auto pods = client.list(KubeClient::pod_resource(), "", "job-name=pull")["items"];
    if (pods.empty() || !pods[0]["status"].contains("containerStatuses")) return false;
    auto waiting =
        pods[0]["status"]["containerStatuses"][0]["state"].value("waiting", json::object());
    reason = waiting.value("reason", "");
    message = waiting.value("message", "");
    return reason == "ImagePullBackOff";
  }));
  CHECK_THAT(message, Catch::Contains("does-not-exist"));
  json pulling = client.get(jobs, "", "pull");
  CHECK(pulling["status"]["active"] == 1);
  CHECK(condition_of(pulling, "Failed").is_null());
  auto pods = client.list(KubeClient::pod_resource(), "", "job-name=pull")["items"];
  CHECK(pods[0]["status"]["phase"] == "Pending");
  try {
    client.logs("default", pods[0]["metadata"]["name"], "train");
    FAIL("expected waiting to start");
  } catch (const KubeError& e) {
    CHECK(e.http_status() == 400);
    CHECK_THAT(e.what(), Catch::Contains("is waiting to start: ImagePullBackOff"));
  }
}

TEST_CASE("fake kubelet: activeDeadlineSeconds fails the Job with DeadlineExceeded") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options());
  auto jobs = client.resource("batch/v1", "Job");
  json job = job_manifest("slow", {"/bin/sh", "-c", "sleep 30"});
  job["spec"]["activeDeadlineSeconds"] = 1;
  client.create(job, "");
  auto started = std::chrono::steady_clock::now();
  REQUIRE(
      eventually([&] { return !condition_of(client.get(jobs, "", "slow"), "Failed").is_null(); }));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(5));
  CHECK(condition_of(client.get(jobs, "", "slow"), "Failed")["reason"] == "DeadlineExceeded");
  CHECK(api.objects("v1", "Pod").empty());  // the Job controller removed its pod
}

TEST_CASE("kube client: delete with propagationPolicy Background removes a running Job's pods") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options());
  auto jobs = client.resource("batch/v1", "Job");
  auto marker = temp_dir("delete") / "still-running";
  std::filesystem::remove(marker);
  client.create(job_manifest("long", {"/bin/sh", "-c", "sleep 2; touch " + marker.string()}), "");
  REQUIRE(eventually([&] {
    auto pods = api.objects("v1", "Pod", "default");
    return !pods.empty() && pods[0]["status"].value("phase", "") == "Running";
  }));
  CHECK(client.remove(jobs, "default", "long"));
  auto request = api.requests().back();
  CHECK(request.method == "DELETE");
  CHECK(json::parse(request.body)["propagationPolicy"] == "Background");
  CHECK(api.objects("batch/v1", "Job").empty());
  CHECK(api.objects("v1", "Pod").empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK_FALSE(std::filesystem::exists(marker));  // the process was killed with its pod
}

TEST_CASE("kube client: retries 429 and 503 with backoff, then gives up with a clear error") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options(3));
  auto cm = client.resource("v1", "ConfigMap");
  api.fail_next("POST", "/api/v1/namespaces/default/configmaps", 2, 429, 0);
  api.fail_next("GET", "/api/v1/namespaces/default/configmaps", 1, 503);
  client.create(config_map("a"), "");
  CHECK(client.get(cm, "default", "a")["metadata"]["name"] == "a");
  int posts = 0;
  for (const auto& r : api.requests())
    if (r.method == "POST") ++posts;
  CHECK(posts == 3);

  api.fail_next("", "/api/v1/namespaces/default/configmaps/a", 10, 503);
  try {
    client.get(cm, "default", "a");
    FAIL("expected to give up");
  } catch (const KubeError& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
    CHECK(e.http_status() == 503);
    CHECK_THAT(e.what(), Catch::Contains("503 ServiceUnavailable"));
    CHECK_THAT(e.what(), Catch::Contains("after 4 attempts"));
  }

  // Retry-After is honoured.
  api.fail_next("", "/api/v1/namespaces/default/configmaps/b", 1, 429, 1);
  client.create(config_map("b"), "");
  auto started = std::chrono::steady_clock::now();
  client.get(cm, "default", "b");
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(900));
}

TEST_CASE("kube client: a server that does not answer in time fails the call, a retry succeeds") {
  FakeKubeApi api;
  auto options = fast_options(0);
  options.request_timeout = std::chrono::milliseconds(300);
  KubeClient client(connection_to(api), options);
  auto cm = client.resource("v1", "ConfigMap");
  api.delay_next("GET", "/api/v1/namespaces/default/configmaps", 1, std::chrono::seconds(2));
  auto started = std::chrono::steady_clock::now();
  try {
    client.list(cm, "default", "");
    FAIL("expected a timeout");
  } catch (const KubeError& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
    CHECK_THAT(e.what(), Catch::Contains("no answer to GET /api/v1/namespaces/default/configmaps "
                                         "within 300ms"));
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::milliseconds(1500));

  options.max_retries = 2;
  KubeClient patient(connection_to(api), options);
  api.delay_next("GET", "/api/v1/namespaces/default/configmaps", 1, std::chrono::seconds(2));
  CHECK(patient.list(cm, "default", "")["kind"] == "ConfigMapList");
}

TEST_CASE("kube client: the API server goes away and comes back, calls wait and succeed") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options(8));
  auto cm = client.resource("v1", "ConfigMap");
  client.create(config_map("a"), "");
  api.stop_listening();
  std::thread back([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    api.start_listening();
  });
  CHECK(client.get(cm, "default", "a")["metadata"]["name"] == "a");
  back.join();

  api.stop_listening();
  KubeClient impatient(connection_to(api), fast_options(1));
  try {
    impatient.get(cm, "default", "a");
    FAIL("expected unavailable");
  } catch (const KubeError& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
    CHECK(e.http_status() == 0);
    CHECK_THAT(e.what(), Catch::Contains("cannot connect to https://127.0.0.1:" +
                                         std::to_string(api.port())));
  }
  api.start_listening();
  CHECK(impatient.get(cm, "default", "a")["metadata"]["name"] == "a");
}

TEST_CASE("kube client: TLS verification, insecure-skip-tls-verify and client certificates") {
  FakeKubeApi api;
  FakeKubeApi other;
  auto cm = KubeResource{"v1", "ConfigMap", "configmaps", true};

  auto wrong_ca = connection_to(api);
  wrong_ca.ca_pem = other.ca_pem();
  KubeClient untrusting(wrong_ca, fast_options(5));
  try {
    untrusting.list(cm, "default", "");
    FAIL("expected a TLS failure");
  } catch (const KubeError& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);  // not retried: a configuration problem
    CHECK_THAT(e.what(), Catch::Contains("TLS: cannot verify the server certificate"));
    CHECK_THAT(e.what(), Catch::Contains("certificate-authority-data"));
  }

  auto wrong_name = connection_to(api);
  wrong_name.tls_server_name = "kubernetes.example.com";
  try {
    KubeClient(wrong_name, fast_options(0)).list(cm, "default", "");
    FAIL("expected a host name mismatch");
  } catch (const KubeError& e) {
    CHECK_THAT(e.what(), Catch::Contains("mismatch"));
  }

  auto insecure = connection_to(api);
  insecure.ca_pem.clear();
  insecure.insecure_skip_tls_verify = true;
  CHECK(KubeClient(insecure, fast_options(0)).list(cm, "default", "")["items"].size() == 0);

  auto [cert, key] = api.issue_client_certificate("alice");
  auto with_cert = connection_to(api);
  with_cert.token.clear();
  with_cert.client_certificate_pem = cert;
  with_cert.client_key_pem = key;
  KubeClient alice(with_cert, fast_options(0));
  alice.list(cm, "default", "");
  CHECK(api.requests().back().client_certificate_cn == "alice");
  CHECK(api.requests().back().status == 200);
  CHECK(api.requests().back().headers.count("authorization") == 0);
}

TEST_CASE("kube client: an exec credential plugin supplies the token") {
  FakeKubeOptions options;
  options.tokens = {{"from-plugin", "plugin-user"}};
  FakeKubeApi api(options);
  auto dir = temp_dir("exec");
  auto plugin = dir / "token-plugin.sh";
  auto counter = dir / "runs";
  std::filesystem::remove(counter);
  {
    std::ofstream out(plugin);
    out << "#!/bin/sh\necho run >> " << counter.string() << "\n"
        << "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
           "\"status\":{\"token\":\"'$TOKEN_VALUE'\",\"expirationTimestamp\":\"2999-01-01T00:00:"
           "00Z\"}}'\n";
  }
  ::chmod(plugin.c_str(), 0755);
  auto connection = connection_to(api);
  connection.token.clear();
  connection.exec = sextant::orchestration::ExecCredentialPlugin{
      "client.authentication.k8s.io/v1", plugin.string(), {}, {{"TOKEN_VALUE", "from-plugin"}}};
  KubeClient client(connection, fast_options());
  auto cm = client.resource("v1", "ConfigMap");
  client.list(cm, "default", "");
  client.list(cm, "default", "");
  CHECK(api.requests().back().headers.at("authorization") == "Bearer from-plugin");
  std::ifstream runs(counter);
  std::string text((std::istreambuf_iterator<char>(runs)), std::istreambuf_iterator<char>());
  CHECK(text == "run\n");  // cached until it expires

  // An expired credential is fetched again for the next request.
  std::filesystem::remove(counter);
  {
    std::ofstream out(plugin);
    out << "#!/bin/sh\necho run >> " << counter.string() << "\n"
        << "echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
           "\"status\":{\"token\":\"from-plugin\",\"expirationTimestamp\":\"2000-01-01T00:00:00Z\"}"
           "}'\n";
  }
  KubeClient refreshing(connection, fast_options());
  refreshing.list(cm, "default", "");
  refreshing.list(cm, "default", "");
  std::ifstream reruns(counter);
  std::string again((std::istreambuf_iterator<char>(reruns)), std::istreambuf_iterator<char>());
  CHECK(again == "run\nrun\n");

  auto failing = connection;
  failing.exec->command = "/bin/false";
  try {
    KubeClient(failing, fast_options()).list(cm, "default", "");
    FAIL("expected the plugin to fail");
  } catch (const sextant::Error& e) {
    CHECK_THAT(e.what(), Catch::Contains("exec plugin \"/bin/false\" exited with status 1"));
  }
}

TEST_CASE("kube client: discovery finds a kind the fake registers, unknown kinds fail clearly") {
  FakeKubeApi api;
  api.register_resource({"example.com/v1", "Widget", "widgets", true, {}});
  KubeClient client(connection_to(api), fast_options());
  auto widget = client.resource("example.com/v1", "Widget");
  CHECK(widget.plural == "widgets");
  CHECK(widget.namespaced);
  json created = client.create({{"apiVersion", "example.com/v1"},
                                {"kind", "Widget"},
                                {"metadata", {{"generateName", "w-"}}}},
                               "");
  CHECK(std::string(created["metadata"]["name"]).size() == 7);
  CHECK(client.get(widget, "default", created["metadata"]["name"])["kind"] == "Widget");
  try {
    client.resource("nothing.io/v1", "Thing");
    FAIL("expected not found");
  } catch (const KubeError& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains("does not serve nothing.io/v1"));
  }
}

TEST_CASE("fake KServe: an InferenceService becomes Ready, a canary splits traffic") {
  FakeKubeApi api;
  KubeClient client(connection_to(api), fast_options());
  auto isvc = client.resource("serving.kserve.io/v1beta1", "InferenceService");
  json service = {
      {"apiVersion", "serving.kserve.io/v1beta1"},
      {"kind", "InferenceService"},
      {"metadata", {{"name", "model"}}},
      {"spec",
       {{"predictor",
         {{"model", {{"modelFormat", {{"name", "xgboost"}}}, {"storageUri", "file:///m/1"}}}}}}}};
  client.create(service, "");
  auto ready_at = [&](long generation) {
    return eventually([&] {
      json s = client.get(isvc, "", "model");
      return s["status"].value("observedGeneration", 0L) == generation &&
             condition_of(s, "Ready")["status"] == "True";
    });
  };
  REQUIRE(ready_at(1));
  json s = client.get(isvc, "", "model");
  CHECK(s["status"]["components"]["predictor"]["traffic"][0]["percent"] == 100);
  std::string first = s["status"]["components"]["predictor"]["latestRolledoutRevision"];

  client.merge_patch(
      isvc, "", "model",
      {{"spec",
        {{"predictor",
          {{"canaryTrafficPercent", 10}, {"model", {{"storageUri", "file:///m/2"}}}}}}}});
  REQUIRE(ready_at(2));
  s = client.get(isvc, "", "model");
  auto traffic = s["status"]["components"]["predictor"]["traffic"];
  REQUIRE(traffic.size() == 2);
  CHECK(traffic[0]["tag"] == "latest");
  CHECK(traffic[0]["percent"] == 10);
  CHECK(traffic[1]["tag"] == "prev");
  CHECK(traffic[1]["revisionName"] == first);
  CHECK(traffic[1]["percent"] == 90);

  client.merge_patch(isvc, "", "model",
                     {{"spec", {{"predictor", {{"canaryTrafficPercent", nullptr}}}}}});
  REQUIRE(ready_at(3));
  s = client.get(isvc, "", "model");
  CHECK(s["status"]["components"]["predictor"]["traffic"].size() == 1);
  CHECK(s["status"]["components"]["predictor"]["previousRolledoutRevision"] == first);
  CHECK(s["status"]["components"]["predictor"]["latestRolledoutRevision"] != first);
}

TEST_CASE("http client: keep-alive over TLS, a Status body on 401, a clear connection error") {
  FakeKubeApi api;
  sextant::orchestration::HttpClientConfig config;
  config.base_url = api.server_url();
  config.ca_pem = api.ca_pem();
  config.bearer_token = [&] { return api.token(); };
  sextant::orchestration::HttpClient http(config);
  auto first = http.request("GET", "/version");
  CHECK(first.status == 200);
  CHECK(json::parse(first.body)["major"] == "1");
  CHECK(first.headers.at("content-type") == "application/json");
  for (int i = 0; i < 5; ++i) CHECK(http.request("GET", "/api").status == 200);
  CHECK(api.accepted_connections() == 1);  // keep-alive: one connection for six requests
  sextant::orchestration::HttpClientConfig anonymous;
  anonymous.base_url = api.server_url();
  anonymous.ca_pem = api.ca_pem();
  sextant::orchestration::HttpClient unauthorized(anonymous);
  auto denied = unauthorized.request("GET", "/api");
  CHECK(denied.status == 401);
  CHECK(json::parse(denied.body)["kind"] == "Status");

  sextant::orchestration::HttpClientConfig closed;
  closed.base_url = "http://127.0.0.1:1";
  closed.connect_timeout = std::chrono::milliseconds(500);
  try {
    sextant::orchestration::HttpClient(closed).request("GET", "/");
    FAIL("expected a connection failure");
  } catch (const sextant::Error& e) {
    CHECK(e.code() == ErrorCode::kUnavailable);
    CHECK_THAT(e.what(), Catch::Contains("cannot connect to http://127.0.0.1:1"));
  }
}
