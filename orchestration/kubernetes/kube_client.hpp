// A Kubernetes REST client: create, get, list, patch, watch, logs and delete of any kind, with the
// API's Status errors turned into readable messages and retries on throttling and outages.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "orchestration/kubernetes/kube_config.hpp"

namespace sextant::orchestration {

class HttpClient;

// Where a kind lives in the REST API.
struct KubeResource {
  std::string api_version;  // "batch/v1", "v1"
  std::string kind;         // "Job"
  std::string plural;       // "jobs"
  bool namespaced = true;

  std::string group() const;    // "batch", "" for the core group
  std::string version() const;  // "v1"
};

// A failed API call. code() follows the HTTP status: 404 kNotFound; 409 kConflict; 410
// (watch from an expired resourceVersion) kConflict; 400/401/403/405/415/422 kInvalidArgument;
// 429, 5xx, an unreachable or silent server kUnavailable (retried); a server certificate that
// fails verification kInvalidArgument (not retried). http_status() is 0 when no answer came.
class KubeError : public Error {
 public:
  KubeError(ErrorCode code, std::string message, int http_status, std::string reason)
      : Error(code, std::move(message)), http_status_(http_status), reason_(std::move(reason)) {}
  int http_status() const { return http_status_; }
  // Status.reason: NotFound, AlreadyExists, Conflict, Forbidden, Unauthorized, Invalid, Expired,
  // Gone, TooManyRequests, ServiceUnavailable, ...; "" when the answer was not a Status.
  const std::string& reason() const { return reason_; }

 private:
  int http_status_;
  std::string reason_;
};

struct KubeClientOptions {
  int max_retries = 5;  // extra attempts after 429/500/502/503/504 or a connection failure
  std::chrono::milliseconds initial_backoff{200};  // doubled per retry; Retry-After wins if longer
  std::chrono::milliseconds max_backoff{10000};
  std::chrono::milliseconds request_timeout{30000};  // one attempt of one call
  std::chrono::milliseconds connect_timeout{5000};
  // A watch asks the server to end it after this long (timeoutSeconds) and gives up on a silent
  // stream a little later; callers resume from the returned resourceVersion.
  std::chrono::seconds watch_timeout{300};
};

// Contract: every method is thread-safe and bounded in time (a watch or a log follow lasts
// until the server ends it, the callback says stop, or *stop turns true). A namespace argument
// "" means default_namespace(). Failures throw KubeError with the verb, path, status and the
// server's message: "kubernetes: POST /apis/batch/v1/namespaces/ns/jobs: 403 Forbidden: ...".
// Retries: every verb is retried on 429/500/502/503/504 and on connection failures with
// exponential backoff, up to max_retries; a retried create that then meets 409 AlreadyExists
// reports it (the caller's adopt case). A 401 with an exec credential plugin re-runs the plugin
// once.
class KubeClient {
 public:
  explicit KubeClient(ClusterConnection connection, KubeClientOptions options = {});
  ~KubeClient();
  KubeClient(const KubeClient&) = delete;
  KubeClient& operator=(const KubeClient&) = delete;

  const std::string& default_namespace() const;
  const ClusterConnection& connection() const;

  // apiVersion + kind -> resource: a built-in table for common kinds (Pod, Job, ConfigMap,
  // Workflow, PipelineRun, TaskRun, InferenceService, ...), else API discovery of
  // /apis/<group>/<version> (cached). Throws KubeError(kNotFound) for a kind the server lacks.
  KubeResource resource(const std::string& api_version, const std::string& kind);
  static KubeResource pod_resource();

  // POST; namespaced objects get metadata.namespace = ns. dry_run adds dryRun=All (validated,
  // not stored). Returns the object as the server stored it.
  nlohmann::json create(const nlohmann::json& object, const std::string& ns, bool dry_run = false);
  nlohmann::json get(const KubeResource& r, const std::string& ns, const std::string& name);
  // The List object ("items", "metadata.resourceVersion"); selector "" lists everything.
  nlohmann::json list(const KubeResource& r, const std::string& ns,
                      const std::string& label_selector);
  // PATCH application/merge-patch+json (RFC 7386; null removes a field).
  nlohmann::json merge_patch(const KubeResource& r, const std::string& ns, const std::string& name,
                             const nlohmann::json& patch);
  // Watches from resource_version ("" = the current objects as ADDED, then changes), calling
  // on_event(type, object) for ADDED, MODIFIED, DELETED and BOOKMARK until on_event returns
  // false, *stop is true, or the server ends the stream. Returns the last resourceVersion seen,
  // to resume from. A 410 (HTTP status, or an ERROR event with code 410) throws KubeError with
  // http_status() 410: list again and watch from the list's resourceVersion.
  std::string watch(
      const KubeResource& r, const std::string& ns, const std::string& label_selector,
      const std::string& resource_version,
      const std::function<bool(const std::string& type, const nlohmann::json& object)>& on_event,
      const std::atomic<bool>* stop = nullptr);
  // A container's log so far (container "" when the pod has one container).
  std::string logs(const std::string& ns, const std::string& pod, const std::string& container);
  // follow=true: chunks as they come until the container ends, on_chunk returns false or *stop.
  void follow_logs(const std::string& ns, const std::string& pod, const std::string& container,
                   const std::function<bool(std::string_view)>& on_chunk,
                   const std::atomic<bool>* stop = nullptr);
  // DELETE with propagationPolicy Background (dependents such as a Job's pods go too); false
  // when it was already gone (404).
  bool remove(const KubeResource& r, const std::string& ns, const std::string& name);

  // "/apis/batch/v1/namespaces/ns/jobs" (name "" = the collection).
  std::string path(const KubeResource& r, const std::string& ns,
                   const std::string& name = "") const;

 private:
  struct Token;
  nlohmann::json call(const std::string& method, const std::string& path_and_query,
                      const std::string& body = "",
                      const std::string& content_type = "application/json");
  std::string bearer_token();

  ClusterConnection connection_;
  KubeClientOptions options_;
  std::unique_ptr<HttpClient> http_;
  std::unique_ptr<Token> token_;
  std::mutex discovery_mutex_;
  std::map<std::string, KubeResource> discovered_;  // "group/version/Kind"
};

// Percent-encodes a query parameter value ("a=b,c in (x)" -> "a%3Db%2Cc%20in%20%28x%29").
std::string url_encode(std::string_view text);

}  // namespace sextant::orchestration
