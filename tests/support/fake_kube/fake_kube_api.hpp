// A loopback fake Kubernetes API server for tests: HTTPS with a generated certificate, bearer
// tokens, an object store with watch, pod logs, failure injection, and "kubelets" that run a
// Job's containers as local processes.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sextant::testing {

// One stored object: apiVersion ("batch/v1"), kind, plural, namespace ("" when cluster-scoped).
struct ObjectKey {
  std::string api_version;
  std::string kind;
  std::string plural;
  std::string ns;
  std::string name;
};

struct RecordedRequest {
  std::string method;
  std::string path;                                 // without the query, still percent-encoded
  std::string query;                                // raw, without '?'
  std::map<std::string, std::string> query_params;  // decoded
  std::map<std::string, std::string> headers;       // names in lower case
  std::string body;
  std::string client_certificate_cn;  // the presented (and verified) client certificate's CN
  int status = 0;                     // what the fake answered
};

// A kind the fake serves (discovery, paths, list kinds).
struct FakeResource {
  std::string api_version;  // "serving.kserve.io/v1beta1"
  std::string kind;         // "InferenceService"
  std::string plural;       // "inferenceservices"
  bool namespaced = true;
  std::vector<std::string> short_names;
};

struct FakeKubeOptions {
  uint16_t port = 0;  // 0 = a free one
  // Accepted bearer tokens and the user each one authenticates as (for 403 messages).
  std::map<std::string, std::string> tokens{{"fake-token", "sextant-test"}};
  // Where the Job kubelet runs container commands (images do not exist here); "" = the current
  // directory.
  std::filesystem::path work_dir;
  // Added to each container process's environment (over the host's, under the container's env).
  std::map<std::string, std::string> extra_env;
  // Images whose name contains one of these never pull (ErrImagePull, then ImagePullBackOff);
  // an InferenceService whose storageUri contains one fails to load.
  std::set<std::string> unpullable_images{"does-not-exist"};
  // The built-in InferenceService "controller" answers a spec change after this long.
  std::chrono::milliseconds inference_service_delay{150};
  // With allowWatchBookmarks=true, a BOOKMARK this often (0 = never).
  std::chrono::milliseconds bookmark_interval{0};
};

// Contract:
// - Starts listening on 127.0.0.1 in the constructor (https, server certificate for 127.0.0.1
//   and localhost signed by a CA generated at startup); stops and kills every process it started
//   in the destructor.
// - Speaks enough of the real API for kubectl: discovery, create (generateName, dryRun=All,
//   409 AlreadyExists), get, list (labelSelector, fieldSelector metadata.name/namespace,
//   status.phase), watch (resourceVersion, 410 before the compaction point), merge and JSON
//   patch, replace, delete (propagationPolicy; a Job defaults to Orphan with kubectl's Warning),
//   pod logs (follow, tailLines). Errors are real Status objects.
// - Kubelets: a function per (apiVersion, kind) runs on its own thread when such an object is
//   created (not on dry run). Built in: batch/v1 Job (runs containers as processes) and
//   serving.kserve.io/v1beta1 InferenceService (Ready after a short delay, canary traffic).
// - Every public method is thread-safe.
class FakeKubeApi {
 public:
  using Kubelet = std::function<void(FakeKubeApi& api, const ObjectKey& key)>;

  explicit FakeKubeApi(FakeKubeOptions options = {});
  ~FakeKubeApi();
  FakeKubeApi(const FakeKubeApi&) = delete;
  FakeKubeApi& operator=(const FakeKubeApi&) = delete;

  // --- reaching it
  uint16_t port() const;
  std::string server_url() const;  // "https://127.0.0.1:<port>"
  const std::string& ca_pem() const;
  std::string token() const;  // the first configured token
  // Writes a kubeconfig (context "fake", cluster CA inlined, the token) and returns its path.
  std::filesystem::path write_kubeconfig(const std::filesystem::path& file,
                                         const std::string& ns = "default") const;
  // A client certificate signed by the server's CA (PEM cert, PEM key); the fake treats a
  // request carrying it as user `common_name`.
  std::pair<std::string, std::string> issue_client_certificate(
      const std::string& common_name) const;

  // --- what it serves
  void register_resource(const FakeResource& resource);
  void register_kubelet(const std::string& api_version, const std::string& kind, Kubelet kubelet);

  // --- failure injection and scenarios
  // The next `count` requests whose method is `method` ("" = any) and whose path starts with
  // `path_prefix` answer `status` (429, 500, 503, ...) with a Status body, and Retry-After when
  // retry_after_seconds > 0.
  void fail_next(const std::string& method, const std::string& path_prefix, int count, int status,
                 int retry_after_seconds = 0);
  // The next `count` matching requests are answered normally, but only after `delay` (a slow or
  // hung server, for timeouts). Rules are consulted in the order they were added.
  void delay_next(const std::string& method, const std::string& path_prefix, int count,
                  std::chrono::milliseconds delay);
  // verb: get, list, watch, create, update, patch, delete ("" = any); plural "" = any (pod logs
  // are "pods/log"); ns "" = any. Matching requests answer 403 Forbidden.
  void forbid(const std::string& verb, const std::string& plural, const std::string& ns);
  // Watches from a resourceVersion older than `resource_version` fail with 410 Expired: as an
  // ERROR event (what an API server does) or, with as_http_status, as the answer's status.
  void compact(uint64_t resource_version, bool as_http_status = false);
  // The API server goes away (listener and connections closed) and comes back on the same port.
  void stop_listening();
  void start_listening();

  // --- inspection
  std::vector<RecordedRequest> requests() const;
  size_t accepted_connections() const;  // TCP connections so far (keep-alive reuse)
  void clear_requests();
  uint64_t resource_version() const;  // the current (latest) one
  std::optional<nlohmann::json> get_object(const ObjectKey& key) const;
  // Objects of a kind in a namespace ("" = all namespaces).
  std::vector<nlohmann::json> objects(const std::string& api_version, const std::string& kind,
                                      const std::string& ns = "") const;
  std::string container_log(const std::string& ns, const std::string& pod,
                            const std::string& container) const;

  // --- for kubelets (and tests)
  // Stores a new object as if POSTed (defaults, uid, resourceVersion, ADDED event, kubelet).
  // Throws std::runtime_error when it cannot (exists, invalid).
  nlohmann::json create_object(const nlohmann::json& object);
  // Replaces .status; false when the object is gone. Bumps resourceVersion, emits MODIFIED.
  bool update_status(const ObjectKey& key, const nlohmann::json& status);
  // Any change to a stored object (metadata, spec, status); false when gone.
  bool update_object(const ObjectKey& key, const std::function<void(nlohmann::json&)>& change);
  bool delete_object(const ObjectKey& key);
  void append_log(const std::string& ns, const std::string& pod, const std::string& container,
                  const std::string& text);
  // The container ended: followers of its log stop.
  void end_log(const std::string& ns, const std::string& pod, const std::string& container);
  // Runs argv (no shell; PATH lookup) in the work dir with the host environment + extra_env +
  // `env`, its stdout and stderr appended to the container's log as they come. Returns the exit
  // status, 128 + signal when killed (the pod's deletion kills it: 137), or 127 with a log line
  // when it cannot start.
  int run_container_process(const ObjectKey& pod, const std::string& container,
                            const std::vector<std::string>& argv,
                            const std::map<std::string, std::string>& env);
  // Sleeps up to `duration`; false as soon as the object is gone or the fake shuts down.
  bool sleep_while_exists(const ObjectKey& key, std::chrono::milliseconds duration);
  // Waits until the object's resourceVersion differs from `resource_version` (updated to the new
  // one); false when it is gone or the fake shuts down; true with no change after `timeout`.
  bool wait_for_change(const ObjectKey& key, std::string& resource_version,
                       std::chrono::milliseconds timeout);
  bool shutting_down() const;
  const FakeKubeOptions& options() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// The built-in kubelets (registered by the constructor; exposed to be wrapped or re-registered).
void run_job_kubelet(FakeKubeApi& api, const ObjectKey& key);
void run_inference_service_kubelet(FakeKubeApi& api, const ObjectKey& key);

}  // namespace sextant::testing
