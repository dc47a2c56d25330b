// kubeconfig (contexts, clusters, users) and in-cluster configuration.
#include "orchestration/kubernetes/kube_config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/spec/yaml_document.hpp"
#include "engine/util/base64.hpp"

namespace sextant::orchestration {
namespace {

using nlohmann::json;

std::optional<std::string> read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The entry of kubeconfig list `list` ("clusters", ...) whose name is `name`, or null.
const json* named(const json& config, const char* list, const std::string& name) {
  if (!config.contains(list) || !config[list].is_array()) return nullptr;
  for (const auto& entry : config[list])
    if (entry.is_object() && entry.value("name", "") == name) return &entry;
  return nullptr;
}

std::string text_of(const json& object, const char* key) {
  if (!object.is_object() || !object.contains(key)) return "";
  const json& v = object[key];
  return v.is_string() ? v.get<std::string>() : v.is_null() ? "" : v.dump();
}

class Reader {
 public:
  explicit Reader(std::filesystem::path file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& what) const {
    throw Error(ErrorCode::kInvalidArgument, file_.string() + ": " + field + ": " + what);
  }

  // `<key>-data` (base64) wins over `<key>` (a file path).
  std::string pem(const json& object, const std::string& key, const std::string& field) const {
    std::string data = text_of(object, (key + "-data").c_str());
    if (!data.empty()) {
      auto decoded = engine::base64_decode(data);
      if (!decoded) fail(field + "." + key + "-data", "is not valid base64");
      return *decoded;
    }
    std::string path = text_of(object, key.c_str());
    return path.empty() ? "" : file_contents(path, field + "." + key);
  }

  std::string file_contents(const std::string& path, const std::string& field) const {
    std::filesystem::path p(path);
    if (p.is_relative()) p = file_.parent_path() / p;
    auto text = read_file(p);
    if (!text) fail(field, "cannot read " + p.string());
    return *text;
  }

 private:
  std::filesystem::path file_;
};

}  // namespace

std::filesystem::path default_kubeconfig_path() {
  if (const char* env = std::getenv("KUBECONFIG"); env && *env) {
    std::string list = env;
    return list.substr(0, list.find(':'));
  }
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home ? home : ".") / ".kube" / "config";
}

ClusterConnection load_kubeconfig(const std::filesystem::path& file, const std::string& context) {
  auto text = read_file(file);
  if (!text)
    throw Error(ErrorCode::kNotFound,
                "no kubeconfig at " + file.string() + " (set KUBECONFIG or pass --kubeconfig)");
  json config;
  try {
    auto documents = engine::parse_yaml_documents(*text, file.string());
    if (!documents.empty()) config = documents.front().value;
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, std::string("kubeconfig: ") + e.what());
  }
  Reader reader(file);
  if (!config.is_object()) reader.fail("(document)", "is not a kubeconfig mapping");

  ClusterConnection c;
  c.context = context.empty() ? text_of(config, "current-context") : context;
  if (c.context.empty()) reader.fail("current-context", "is not set; pass --context");
  const json* ctx = named(config, "contexts", c.context);
  if (ctx == nullptr) {
    std::string known;
    if (config.contains("contexts") && config["contexts"].is_array())
      for (const auto& entry : config["contexts"])
        known += (known.empty() ? "" : ", ") + text_of(entry, "name");
    reader.fail("contexts", "no context named \"" + c.context +
                                "\" (known: " + (known.empty() ? "none" : known) + ")");
  }
  const json& details = (*ctx).contains("context") ? (*ctx)["context"] : json::object();
  const std::string cluster_name = text_of(details, "cluster");
  const std::string user_name = text_of(details, "user");
  if (std::string ns = text_of(details, "namespace"); !ns.empty()) c.namespace_name = ns;

  const json* cluster_entry = named(config, "clusters", cluster_name);
  if (cluster_name.empty() || cluster_entry == nullptr)
    reader.fail("contexts[" + c.context + "].context.cluster",
                "names no cluster in clusters (\"" + cluster_name + "\")");
  const std::string cluster_field = "clusters[" + cluster_name + "].cluster";
  const json& cluster =
      cluster_entry->contains("cluster") ? (*cluster_entry)["cluster"] : json::object();
  c.server = text_of(cluster, "server");
  if (c.server.empty()) reader.fail(cluster_field + ".server", "is required");
  c.ca_pem = reader.pem(cluster, "certificate-authority", cluster_field);
  c.insecure_skip_tls_verify = cluster.value("insecure-skip-tls-verify", false);
  c.tls_server_name = text_of(cluster, "tls-server-name");

  if (!user_name.empty()) {
    const json* user_entry = named(config, "users", user_name);
    if (user_entry == nullptr)
      reader.fail("contexts[" + c.context + "].context.user",
                  "names no user in users (\"" + user_name + "\")");
    const std::string user_field = "users[" + user_name + "].user";
    const json& user = user_entry->contains("user") ? (*user_entry)["user"] : json::object();
    c.token = text_of(user, "token");
    if (c.token.empty())
      if (std::string path = text_of(user, "tokenFile"); !path.empty())
        c.token = reader.file_contents(path, user_field + ".tokenFile");
    while (!c.token.empty() && (c.token.back() == '\n' || c.token.back() == '\r'))
      c.token.pop_back();
    c.client_certificate_pem = reader.pem(user, "client-certificate", user_field);
    c.client_key_pem = reader.pem(user, "client-key", user_field);
    if (c.client_certificate_pem.empty() != c.client_key_pem.empty())
      reader.fail(user_field,
                  "has a client certificate without its key, or a key without its "
                  "certificate");
    if (user.contains("exec") && user["exec"].is_object()) {
      const json& exec = user["exec"];
      ExecCredentialPlugin plugin;
      plugin.api_version = text_of(exec, "apiVersion");
      plugin.command = text_of(exec, "command");
      if (plugin.command.empty()) reader.fail(user_field + ".exec.command", "is required");
      if (exec.contains("args") && exec["args"].is_array())
        for (const auto& a : exec["args"])
          plugin.args.push_back(a.is_string() ? a.get<std::string>() : a.dump());
      if (exec.contains("env") && exec["env"].is_array())
        for (const auto& e : exec["env"]) plugin.env[text_of(e, "name")] = text_of(e, "value");
      c.exec = std::move(plugin);
    }
  }
  return c;
}

ClusterConnection in_cluster_config(const std::filesystem::path& account_dir) {
  const char* host = std::getenv("KUBERNETES_SERVICE_HOST");
  const char* port = std::getenv("KUBERNETES_SERVICE_PORT");
  if (!host || !*host || !port || !*port)
    throw Error(ErrorCode::kUnavailable,
                "not running in a Kubernetes pod (KUBERNETES_SERVICE_HOST/PORT are not set); "
                "use a kubeconfig");
  auto token = read_file(account_dir / "token");
  if (!token)
    throw Error(ErrorCode::kUnavailable,
                "no service account token at " + (account_dir / "token").string());
  ClusterConnection c;
  c.context = "in-cluster";
  std::string h = host;
  c.server = "https://" + (h.find(':') != std::string::npos ? "[" + h + "]" : h) + ":" + port;
  c.token = *token;
  while (!c.token.empty() && (c.token.back() == '\n' || c.token.back() == '\r')) c.token.pop_back();
  c.ca_pem = read_file(account_dir / "ca.crt").value_or("");
  if (auto ns = read_file(account_dir / "namespace"); ns && !ns->empty()) c.namespace_name = *ns;
  return c;
}

}  // namespace sextant::orchestration
