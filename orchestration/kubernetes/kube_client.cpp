// KubeClient: paths, Status errors, retries with backoff, discovery, watch framing, credentials.
#include "orchestration/kubernetes/kube_client.hpp"

#include <cmath>
#include <ctime>
#include <thread>

#include "orchestration/http/http_client.hpp"
#include "orchestration/kubernetes/exec_credential.hpp"

namespace sextant::orchestration {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Kinds this engine and its users touch most; anything else goes through discovery.
const KubeResource kBuiltinResources[] = {
    {"v1", "Pod", "pods", true},
    {"v1", "ConfigMap", "configmaps", true},
    {"v1", "Secret", "secrets", true},
    {"v1", "Service", "services", true},
    {"v1", "ServiceAccount", "serviceaccounts", true},
    {"v1", "PersistentVolumeClaim", "persistentvolumeclaims", true},
    {"v1", "Event", "events", true},
    {"v1", "Namespace", "namespaces", false},
    {"batch/v1", "Job", "jobs", true},
    {"batch/v1", "CronJob", "cronjobs", true},
    {"apps/v1", "Deployment", "deployments", true},
    {"apps/v1", "StatefulSet", "statefulsets", true},
    {"argoproj.io/v1alpha1", "Workflow", "workflows", true},
    {"argoproj.io/v1alpha1", "WorkflowTemplate", "workflowtemplates", true},
    {"tekton.dev/v1", "PipelineRun", "pipelineruns", true},
    {"tekton.dev/v1", "TaskRun", "taskruns", true},
    {"tekton.dev/v1", "Pipeline", "pipelines", true},
    {"tekton.dev/v1", "Task", "tasks", true},
    {"tekton.dev/v1beta1", "PipelineRun", "pipelineruns", true},
    {"tekton.dev/v1beta1", "TaskRun", "taskruns", true},
    {"tekton.dev/v1beta1", "Pipeline", "pipelines", true},
    {"tekton.dev/v1beta1", "Task", "tasks", true},
    {"serving.kserve.io/v1beta1", "InferenceService", "inferenceservices", true},
    {"serving.kserve.io/v1alpha1", "ServingRuntime", "servingruntimes", true},
    {"serving.kserve.io/v1alpha1", "ClusterServingRuntime", "clusterservingruntimes", false},
    {"kubeflow.org/v1", "TFJob", "tfjobs", true},
    {"kubeflow.org/v1", "PyTorchJob", "pytorchjobs", true},
    {"kubeflow.org/v1", "XGBoostJob", "xgboostjobs", true},
    {"kubeflow.org/v1", "MPIJob", "mpijobs", true},
    {"kubeflow.org/v1beta1", "Experiment", "experiments", true},
    {"kubeflow.org/v1beta1", "Trial", "trials", true},
};

const char* status_phrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 413:
      return "Request Entity Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
  }
  return "";
}

ErrorCode code_for_status(int status) {
  if (status == 404) return ErrorCode::kNotFound;
  if (status == 409 || status == 410) return ErrorCode::kConflict;
  if (status == 429 || status >= 500) return ErrorCode::kUnavailable;
  if (status >= 400) return ErrorCode::kInvalidArgument;
  return ErrorCode::kInternal;
}

bool retryable(int status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::string path_only(const std::string& path_and_query) {
  return path_and_query.substr(0, path_and_query.find('?'));
}

// The error for a non-2xx answer; `body` is a Status object when the API server wrote it.
KubeError status_error(const std::string& method, const std::string& path_and_query, int status,
                       const std::string& body) {
  json parsed = json::parse(body, nullptr, false);
  std::string reason, message;
  if (parsed.is_object() && parsed.value("kind", "") == "Status") {
    reason = parsed.value("reason", "");
    message = parsed.value("message", "");
    if (parsed.contains("details") && parsed["details"].is_object() &&
        parsed["details"].contains("causes") && parsed["details"]["causes"].is_array()) {
      std::string causes;
      for (const auto& cause : parsed["details"]["causes"]) {
        std::string field = cause.value("field", "");
        std::string text = cause.value("message", "");
        if (text.empty() || message.find(text) != std::string::npos) continue;
        causes += (causes.empty() ? "" : "; ") + (field.empty() ? text : field + ": " + text);
      }
      if (!causes.empty()) message += " (" + causes + ")";
    }
  } else {
    message = body.substr(0, 300);
    while (!message.empty() && std::isspace(static_cast<unsigned char>(message.back())))
      message.pop_back();
  }
  std::string head =
      std::to_string(status) + " " + (reason.empty() ? status_phrase(status) : reason);
  while (!head.empty() && head.back() == ' ') head.pop_back();
  std::string text = "kubernetes: " + method + " " + path_only(path_and_query) + ": " + head;
  if (!message.empty()) text += ": " + message;
  return KubeError(code_for_status(status), text, status, reason);
}

milliseconds retry_after(const HttpResult& result) {
  auto it = result.headers.find("retry-after");
  if (it == result.headers.end()) return milliseconds(0);
  char* end = nullptr;
  long seconds = std::strtol(it->second.c_str(), &end, 10);
  if (end == it->second.c_str() || seconds < 0) return milliseconds(0);
  return milliseconds(std::min<long>(seconds, 60) * 1000);
}

}  // namespace

std::string url_encode(std::string_view text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string KubeResource::group() const {
  size_t slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

std::string KubeResource::version() const {
  size_t slash = api_version.find('/');
  return slash == std::string::npos ? api_version : api_version.substr(slash + 1);
}

// Static token, or an exec plugin's token cached until shortly before it expires.
struct KubeClient::Token {
  std::mutex mutex;
  std::string value;
  std::optional<double> expires_at;
  bool from_plugin = false;
};

KubeClient::KubeClient(ClusterConnection connection, KubeClientOptions options)
    : connection_(std::move(connection)), options_(options), token_(std::make_unique<Token>()) {
  if (connection_.namespace_name.empty()) connection_.namespace_name = "default";
  token_->value = connection_.token;
  token_->from_plugin = connection_.exec.has_value();
  HttpClientConfig config;
  config.base_url = connection_.server;
  config.ca_pem = connection_.ca_pem;
  config.insecure_skip_tls_verify = connection_.insecure_skip_tls_verify;
  config.tls_server_name = connection_.tls_server_name;
  config.client_certificate_pem = connection_.client_certificate_pem;
  config.client_key_pem = connection_.client_key_pem;
  config.connect_timeout = std::min(options_.connect_timeout, options_.request_timeout);
  config.request_timeout = options_.request_timeout;
  // client-go sends credentials only over TLS; so do we.
  if (connection_.server.rfind("https://", 0) == 0)
    config.bearer_token = [this] { return bearer_token(); };
  http_ = std::make_unique<HttpClient>(std::move(config));
}

KubeClient::~KubeClient() = default;

const std::string& KubeClient::default_namespace() const {
  return connection_.namespace_name;
}

const ClusterConnection& KubeClient::connection() const {
  return connection_;
}

std::string KubeClient::bearer_token() {
  std::lock_guard lock(token_->mutex);
  if (!token_->from_plugin) return token_->value;
  double now = static_cast<double>(std::time(nullptr));
  bool expired = token_->expires_at && *token_->expires_at - 10 <= now;
  if (token_->value.empty() || expired) {
    auto credential = run_exec_plugin(*connection_.exec);
    token_->value = credential.token;
    token_->expires_at = credential.expires_at;
  }
  return token_->value;
}

KubeResource KubeClient::pod_resource() {
  return {"v1", "Pod", "pods", true};
}

KubeResource KubeClient::resource(const std::string& api_version, const std::string& kind) {
  for (const auto& r : kBuiltinResources)
    if (r.api_version == api_version && r.kind == kind) return r;
  std::string key = api_version + "/" + kind;
  {
    std::lock_guard lock(discovery_mutex_);
    if (auto it = discovered_.find(key); it != discovered_.end()) return it->second;
  }
  std::string discovery =
      api_version.find('/') == std::string::npos ? "/api/" + api_version : "/apis/" + api_version;
  json list;
  try {
    list = call("GET", discovery);
  } catch (const KubeError& error) {
    if (error.http_status() != 404) throw;
    throw KubeError(ErrorCode::kNotFound,
                    "kubernetes: the server does not serve " + api_version +
                        " (is the custom resource definition for " + kind + " installed?)",
                    404, error.reason());
  }
  if (list.contains("resources") && list["resources"].is_array()) {
    for (const auto& entry : list["resources"]) {
      std::string name = entry.value("name", "");
      if (entry.value("kind", "") != kind || name.find('/') != std::string::npos) continue;
      KubeResource r{api_version, kind, name, entry.value("namespaced", true)};
      std::lock_guard lock(discovery_mutex_);
      discovered_[key] = r;
      return r;
    }
  }
  throw KubeError(ErrorCode::kNotFound,
                  "kubernetes: the server serves " + api_version + " but no kind " + kind, 404,
                  "NotFound");
}

std::string KubeClient::path(const KubeResource& r, const std::string& ns,
                             const std::string& name) const {
  std::string p = r.group().empty() ? "/api/" + r.version() : "/apis/" + r.api_version;
  if (r.namespaced) p += "/namespaces/" + url_encode(ns.empty() ? connection_.namespace_name : ns);
  p += "/" + r.plural;
  if (!name.empty()) p += "/" + url_encode(name);
  return p;
}

json KubeClient::call(const std::string& method, const std::string& path_and_query,
                      const std::string& body, const std::string& content_type) {
  milliseconds backoff = options_.initial_backoff;
  bool refreshed_token = false;
  for (int attempt = 0;; ++attempt) {
    HttpResult result;
    try {
      result = http_->request(method, path_and_query, body, content_type);
    } catch (const Error& error) {
      if (error.code() != ErrorCode::kUnavailable || attempt >= options_.max_retries) {
        std::string suffix =
            attempt > 0 ? " (after " + std::to_string(attempt + 1) + " attempts)" : "";
        throw KubeError(error.code(),
                        "kubernetes: " + method + " " + path_only(path_and_query) + ": " +
                            error.message() + suffix,
                        0, "");
      }
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (result.status >= 200 && result.status < 300) {
      if (result.body.empty()) return json::object();
      json parsed = json::parse(result.body, nullptr, false);
      if (parsed.is_discarded())
        throw KubeError(ErrorCode::kInternal,
                        "kubernetes: " + method + " " + path_only(path_and_query) +
                            ": the answer is not JSON: " + result.body.substr(0, 200),
                        result.status, "");
      return parsed;
    }
    if (result.status == 401 && token_->from_plugin && !refreshed_token) {
      refreshed_token = true;
      std::lock_guard lock(token_->mutex);
      token_->value.clear();
      continue;
    }
    if (retryable(result.status) && attempt < options_.max_retries) {
      std::this_thread::sleep_for(std::max(backoff, retry_after(result)));
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    KubeError error = status_error(method, path_and_query, result.status, result.body);
    if (attempt > 0 && retryable(result.status))
      throw KubeError(error.code(),
                      error.message() + " (after " + std::to_string(attempt + 1) + " attempts)",
                      error.http_status(), error.reason());
    throw error;
  }
}

json KubeClient::create(const json& object, const std::string& ns, bool dry_run) {
  if (!object.is_object() || !object.contains("apiVersion") || !object.contains("kind"))
    throw Error(ErrorCode::kInvalidArgument,
                "kubernetes: an object to create needs apiVersion and kind");
  KubeResource r = resource(object.value("apiVersion", ""), object.value("kind", ""));
  json body = object;
  std::string where = ns;
  if (r.namespaced) {
    if (where.empty() && body.contains("metadata") && body["metadata"].is_object())
      where = body["metadata"].value("namespace", "");
    if (where.empty()) where = connection_.namespace_name;
    body["metadata"]["namespace"] = where;
  }
  std::string target = path(r, where);
  if (dry_run) target += "?dryRun=All";
  return call("POST", target, body.dump());
}

json KubeClient::get(const KubeResource& r, const std::string& ns, const std::string& name) {
  return call("GET", path(r, ns, name));
}

json KubeClient::list(const KubeResource& r, const std::string& ns,
                      const std::string& label_selector) {
  std::string base = path(r, ns);
  std::string query = label_selector.empty() ? "" : "labelSelector=" + url_encode(label_selector);
  json result;
  std::string next;
  do {
    std::string q = query;
    if (!next.empty()) q += (q.empty() ? "" : "&") + std::string("continue=") + url_encode(next);
    json page = call("GET", q.empty() ? base : base + "?" + q);
    if (result.is_null()) {
      result = std::move(page);
    } else if (page.contains("items") && page["items"].is_array()) {
      for (auto& item : page["items"]) result["items"].push_back(std::move(item));
      result["metadata"] = page.value("metadata", json::object());
    }
    next.clear();
    if (result.contains("metadata") && result["metadata"].is_object())
      next = result["metadata"].value("continue", "");
  } while (!next.empty());
  if (!result.contains("items") || !result["items"].is_array()) result["items"] = json::array();
  return result;
}

json KubeClient::merge_patch(const KubeResource& r, const std::string& ns, const std::string& name,
                             const json& patch) {
  return call("PATCH", path(r, ns, name), patch.dump(), "application/merge-patch+json");
}

bool KubeClient::remove(const KubeResource& r, const std::string& ns, const std::string& name) {
  json options = {
      {"apiVersion", "v1"}, {"kind", "DeleteOptions"}, {"propagationPolicy", "Background"}};
  try {
    call("DELETE", path(r, ns, name), options.dump());
    return true;
  } catch (const KubeError& error) {
    if (error.http_status() == 404) return false;
    throw;
  }
}

std::string KubeClient::logs(const std::string& ns, const std::string& pod,
                             const std::string& container) {
  std::string target = path(pod_resource(), ns, pod) + "/log";
  if (!container.empty()) target += "?container=" + url_encode(container);
  // The log is text, not JSON: one attempt loop of its own.
  milliseconds backoff = options_.initial_backoff;
  for (int attempt = 0;; ++attempt) {
    HttpResult result;
    try {
      result = http_->request("GET", target);
    } catch (const Error& error) {
      if (error.code() != ErrorCode::kUnavailable || attempt >= options_.max_retries)
        throw KubeError(error.code(),
                        "kubernetes: GET " + path_only(target) + ": " + error.message(), 0, "");
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (result.status >= 200 && result.status < 300) return result.body;
    if (retryable(result.status) && attempt < options_.max_retries) {
      std::this_thread::sleep_for(std::max(backoff, retry_after(result)));
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    throw status_error("GET", target, result.status, result.body);
  }
}

void KubeClient::follow_logs(const std::string& ns, const std::string& pod,
                             const std::string& container,
                             const std::function<bool(std::string_view)>& on_chunk,
                             const std::atomic<bool>* stop) {
  std::string target = path(pod_resource(), ns, pod) + "/log?follow=true";
  if (!container.empty()) target += "&container=" + url_encode(container);
  milliseconds backoff = options_.initial_backoff;
  for (int attempt = 0;; ++attempt) {
    HttpResult result;
    bool delivered = false;
    try {
      result = http_->stream_response(
          "GET", target,
          [&](std::string_view chunk) {
            delivered = true;
            return on_chunk(chunk);
          },
          stop);
    } catch (const Error& error) {
      // Retrying after part of the log was delivered would repeat it; the caller decides.
      if (error.code() != ErrorCode::kUnavailable || delivered || attempt >= options_.max_retries)
        throw KubeError(error.code(),
                        "kubernetes: GET " + path_only(target) + ": " + error.message(), 0, "");
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (result.status == 0 || (result.status >= 200 && result.status < 300)) return;
    if (retryable(result.status) && attempt < options_.max_retries) {
      std::this_thread::sleep_for(std::max(backoff, retry_after(result)));
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    throw status_error("GET", target, result.status, result.body);
  }
}

std::string KubeClient::watch(const KubeResource& r, const std::string& ns,
                              const std::string& label_selector,
                              const std::string& resource_version,
                              const std::function<bool(const std::string&, const json&)>& on_event,
                              const std::atomic<bool>* stop) {
  std::string target = path(r, ns) + "?watch=true&allowWatchBookmarks=true&timeoutSeconds=" +
                       std::to_string(options_.watch_timeout.count());
  if (!resource_version.empty()) target += "&resourceVersion=" + url_encode(resource_version);
  if (!label_selector.empty()) target += "&labelSelector=" + url_encode(label_selector);
  std::string last = resource_version;
  milliseconds backoff = options_.initial_backoff;
  for (int attempt = 0;; ++attempt) {
    std::string pending;
    bool connected = false;
    bool done = false;
    std::optional<KubeError> failure;
    auto on_chunk = [&](std::string_view chunk) {
      connected = true;
      pending.append(chunk);
      size_t start = 0;
      for (size_t newline; (newline = pending.find('\n', start)) != std::string::npos;
           start = newline + 1) {
        std::string_view line(pending.data() + start, newline - start);
        if (line.find_first_not_of(" \r\t") == std::string_view::npos) continue;
        json event = json::parse(line, nullptr, false);
        if (!event.is_object() || !event.contains("type")) {
          failure =
              KubeError(ErrorCode::kInternal,
                        "kubernetes: watch " + path_only(target) +
                            ": a line is not a watch event: " + std::string(line.substr(0, 200)),
                        200, "");
          return false;
        }
        std::string type = event.value("type", "");
        const json& object = event.contains("object") ? event["object"] : json::object();
        if (type == "ERROR") {
          int code = object.is_object() ? object.value("code", 500) : 500;
          failure = status_error("GET", target, code, object.dump());
          return false;
        }
        if (object.is_object() && object.contains("metadata") && object["metadata"].is_object()) {
          std::string rv = object["metadata"].value("resourceVersion", "");
          if (!rv.empty()) last = rv;
        }
        if (!on_event(type, object)) {
          done = true;
          return false;
        }
      }
      pending.erase(0, start);
      return true;
    };
    HttpResult result;
    try {
      result = http_->stream_response("GET", target, on_chunk, stop,
                                      options_.watch_timeout + std::chrono::seconds(30));
    } catch (const Error& error) {
      if (failure) throw *failure;
      if (connected || done) return last;  // the stream broke: resume from `last`
      if (error.code() != ErrorCode::kUnavailable || attempt >= options_.max_retries)
        throw KubeError(error.code(),
                        "kubernetes: watch " + path_only(target) + ": " + error.message(), 0, "");
      std::this_thread::sleep_for(backoff);
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    if (failure) throw *failure;
    if (result.status == 0 || (result.status >= 200 && result.status < 300)) return last;
    if (retryable(result.status) && attempt < options_.max_retries) {
      std::this_thread::sleep_for(std::max(backoff, retry_after(result)));
      backoff = std::min(backoff * 2, options_.max_backoff);
      continue;
    }
    throw status_error("GET", target, result.status, result.body);
  }
}

}  // namespace sextant::orchestration
