// Where and how to reach a Kubernetes API server: kubeconfig files and in-cluster config.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sextant::orchestration {

// A client.authentication.k8s.io exec credential plugin (kubectl's `users[].user.exec`).
struct ExecCredentialPlugin {
  std::string api_version;
  std::string command;
  std::vector<std::string> args;
  std::map<std::string, std::string> env;
};

// Everything the client needs for one context. PEM texts are the decoded *-data fields or the
// contents of the files they name (relative paths resolve against the kubeconfig's folder, as
// kubectl does).
struct ClusterConnection {
  std::string context;
  std::string server;  // https://host:port
  std::string namespace_name = "default";
  std::string ca_pem;
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;
  std::string token;  // bearer token (token, or the contents of tokenFile)
  std::string client_certificate_pem;
  std::string client_key_pem;
  std::optional<ExecCredentialPlugin> exec;
};

// $KUBECONFIG's first entry, else ~/.kube/config.
std::filesystem::path default_kubeconfig_path();

// Reads `file` and resolves `context` (empty: current-context). Throws sextant::Error: kNotFound
// for a missing file, kInvalidArgument for malformed YAML, an unknown context (listing the known
// ones), a context without cluster or user, a cluster without server, bad base64, or an unreadable
// referenced file; the message names the file and the field.
ClusterConnection load_kubeconfig(const std::filesystem::path& file,
                                  const std::string& context = "");

// The service account's view from inside a pod: KUBERNETES_SERVICE_HOST/PORT and the token,
// CA and namespace under `account_dir` (default /var/run/secrets/kubernetes.io/serviceaccount).
// Throws Error(kUnavailable) when not running in a cluster.
ClusterConnection in_cluster_config(
    const std::filesystem::path& account_dir = "/var/run/secrets/kubernetes.io/serviceaccount");

}  // namespace sextant::orchestration
