// kubeconfig contexts, credentials and files, and in-cluster configuration.
#include <cstdlib>
#include <fstream>
#include <functional>

#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "engine/util/base64.hpp"
#include "orchestration/kubernetes/kube_config.hpp"

using sextant::Error;
using sextant::ErrorCode;
using namespace sextant::orchestration;
namespace fs = std::filesystem;

namespace {

struct Folder {
  fs::path path;
  Folder() {
    char pattern[] = "/tmp/sextant-kubeconfig-XXXXXX";
    path = mkdtemp(pattern);
  }
  ~Folder() { fs::remove_all(path); }
  fs::path write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return path / name;
  }
};

const std::string kCa = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";

std::string kubeconfig() {
  return R"(apiVersion: v1
kind: Config
current-context: dev
contexts:
  - name: dev
    context: {cluster: local, user: alice, namespace: experiments}
  - name: ops
    context: {cluster: remote, user: robot}
  - name: broken
    context: {cluster: nowhere, user: alice}
clusters:
  - name: local
    cluster:
      server: https://127.0.0.1:6443
      certificate-authority-data: )" +
         sextant::engine::base64_encode(kCa) + R"(
  - name: remote
    cluster:
      server: https://k8s.example:443
      certificate-authority: certs/ca.pem
      tls-server-name: api.internal
users:
  - name: alice
    user:
      token: secret-token
  - name: robot
    user:
      client-certificate: certs/robot.crt
      client-key-data: )" +
         sextant::engine::base64_encode("KEY") + R"(
      exec:
        apiVersion: client.authentication.k8s.io/v1
        command: get-token
        args: [--cluster, remote]
        env: [{name: REGION, value: eu}]
)";
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("kubeconfig: the current context with a token and inline CA") {
  Folder dir;
  auto file = dir.write("config", kubeconfig());
  auto c = load_kubeconfig(file);
  CHECK(c.context == "dev");
  CHECK(c.server == "https://127.0.0.1:6443");
  CHECK(c.namespace_name == "experiments");
  CHECK(c.ca_pem == kCa);
  CHECK(c.token == "secret-token");
  CHECK_FALSE(c.exec.has_value());
  CHECK_FALSE(c.insecure_skip_tls_verify);
}

TEST_CASE("kubeconfig: --context, files relative to the kubeconfig, client certificates, exec") {
  Folder dir;
  fs::create_directories(dir.path / "certs");
  dir.write("certs/ca.pem", kCa);
  dir.write("certs/robot.crt", "CERT");
  auto c = load_kubeconfig(dir.write("config", kubeconfig()), "ops");
  CHECK(c.server == "https://k8s.example:443");
  CHECK(c.namespace_name == "default");
  CHECK(c.ca_pem == kCa);
  CHECK(c.tls_server_name == "api.internal");
  CHECK(c.client_certificate_pem == "CERT");
  CHECK(c.client_key_pem == "KEY");
  REQUIRE(c.exec.has_value());
  CHECK(c.exec->command == "get-token");
  CHECK(c.exec->args == std::vector<std::string>{"--cluster", "remote"});
  CHECK(c.exec->env.at("REGION") == "eu");
}

TEST_CASE("kubeconfig: clear errors that name the file and the field") {
  Folder dir;
  auto file = dir.write("config", kubeconfig());
  auto missing = error_of([&] { load_kubeconfig(dir.path / "absent"); });
  CHECK_THAT(missing, Catch::Contains("no kubeconfig at " + (dir.path / "absent").string()));
  CHECK_THAT(error_of([&] { load_kubeconfig(file, "prod"); }),
             Catch::Contains("no context named \"prod\" (known: dev, ops, broken)"));
  CHECK_THAT(error_of([&] { load_kubeconfig(file, "broken"); }),
             Catch::Contains("contexts[broken].context.cluster: names no cluster"));
  // ops needs certs/ca.pem, which this folder lacks.
  CHECK_THAT(error_of([&] { load_kubeconfig(file, "ops"); }),
             Catch::Contains("clusters[remote].cluster.certificate-authority: cannot read"));
  auto bad = dir.write("bad",
                       "current-context: x\ncontexts:\n  - name: x\n    context: {cluster: c}\n"
                       "clusters:\n  - name: c\n    cluster:\n      server: https://h\n"
                       "      certificate-authority-data: '***'\n");
  CHECK_THAT(error_of([&] { load_kubeconfig(bad); }),
             Catch::Contains("certificate-authority-data: is not valid base64"));
}

TEST_CASE("in-cluster configuration from the service account") {
  Folder dir;
  dir.write("token", "pod-token\n");
  dir.write("ca.crt", kCa);
  dir.write("namespace", "team-a");
  ::setenv("KUBERNETES_SERVICE_HOST", "10.0.0.1", 1);
  ::setenv("KUBERNETES_SERVICE_PORT", "443", 1);
  auto c = in_cluster_config(dir.path);
  CHECK(c.server == "https://10.0.0.1:443");
  CHECK(c.token == "pod-token");
  CHECK(c.ca_pem == kCa);
  CHECK(c.namespace_name == "team-a");
  ::unsetenv("KUBERNETES_SERVICE_HOST");
  CHECK_THAT(error_of([&] { in_cluster_config(dir.path); }),
             Catch::Contains("not running in a Kubernetes pod"));
}
