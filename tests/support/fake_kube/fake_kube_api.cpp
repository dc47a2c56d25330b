// FakeKubeApi: routing, authentication, the object store, watch and log streams, failure
// injection, and the process plumbing kubelets use.
#include "tests/support/fake_kube/fake_kube_api.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <random>
#include <stdexcept>
#include <thread>

#include "engine/util/base64.hpp"
#include "engine/util/rfc3339.hpp"
#include "tests/support/fake_kube/selectors.hpp"
#include "tests/support/fake_kube/tls_material.hpp"
#include "tests/support/fake_kube/tls_server.hpp"
#include "trials/local/process.hpp"

extern char** environ;

namespace sextant::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

struct Resource {
  FakeResource info;
  std::string singular;
  bool has_status = true;
  std::string group() const {
    size_t slash = info.api_version.find('/');
    return slash == std::string::npos ? "" : info.api_version.substr(0, slash);
  }
  std::string version() const {
    size_t slash = info.api_version.find('/');
    return slash == std::string::npos ? info.api_version : info.api_version.substr(slash + 1);
  }
  // "jobs.batch", "pods": how the API server names a resource in messages.
  std::string qualified() const {
    return group().empty() ? info.plural : info.plural + "." + group();
  }
};

struct Event {
  uint64_t rv;
  std::string type;
  std::string collection;  // "gv|plural"
  std::string ns;
  json object;
};

struct LogBuffer {
  std::string text;
  bool ended = false;
};

struct FailRule {
  std::string method;
  std::string prefix;
  int count;
  int status;  // 0: answer normally, after `delay`
  int retry_after;
  milliseconds delay{0};
};

struct ForbidRule {
  std::string verb;
  std::string plural;
  std::string ns;
};

// What an internal operation answers: an HTTP status and a JSON body.
struct Outcome {
  int status = 200;
  json body;
  std::map<std::string, std::string> headers;
  bool ok() const { return status >= 200 && status < 300; }
};

std::string now_rfc3339() {
  return engine::format_time_rfc3339(static_cast<double>(std::time(nullptr)));
}

std::string random_text(size_t n, const char* alphabet) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  size_t size = std::strlen(alphabet);
  std::string out;
  for (size_t i = 0; i < n; ++i) out += alphabet[rng() % size];
  return out;
}

std::string new_uid() {
  std::string hex = random_text(32, "0123456789abcdef");
  hex[12] = '4';
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" +
         hex.substr(16, 4) + "-" + hex.substr(20);
}

// Kubernetes' name generator alphabet (no vowels, no confusable digits).
std::string name_suffix() {
  return random_text(5, "bcdfghjklmnpqrstvwxz2456789");
}

json status_body(int code, const std::string& reason, const std::string& message,
                 json details = nullptr) {
  json s = {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", json::object()},
            {"status", "Failure"}, {"message", message}, {"reason", reason},
            {"code", code}};
  if (!details.is_null()) s["details"] = std::move(details);
  return s;
}

Outcome failure(int code, const std::string& reason, const std::string& message,
                json details = nullptr) {
  return {code, status_body(code, reason, message, std::move(details)), {}};
}

std::string percent_decode(const std::string& text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else if (text[i] == '+') {
      out += ' ';
    } else {
      out += text[i];
    }
  }
  return out;
}

std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> params;
  size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    size_t amp = query.find('&', start);
    std::string part =
        query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) {
      size_t eq = part.find('=');
      params[percent_decode(part.substr(0, eq))] =
          eq == std::string::npos ? "" : percent_decode(part.substr(eq + 1));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return params;
}

bool valid_dns_subdomain(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (char c : name)
    if (!(std::islower(static_cast<unsigned char>(c)) ||
          std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.'))
      return false;
  return std::isalnum(static_cast<unsigned char>(name.front())) &&
         std::isalnum(static_cast<unsigned char>(name.back()));
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string store_key(const std::string& collection, const std::string& ns,
                      const std::string& name) {
  return collection + "|" + ns + "|" + name;
}

// Job validation, the part a test can trip over: containers, images, restartPolicy.
json job_causes(const json& job) {
  json causes = json::array();
  auto cause = [&](const std::string& field, const std::string& reason, const std::string& text) {
    causes.push_back({{"reason", reason}, {"message", field + ": " + text}, {"field", field}});
  };
  const json* pod_spec = nullptr;
  if (job.contains("spec") && job["spec"].contains("template") &&
      job["spec"]["template"].contains("spec"))
    pod_spec = &job["spec"]["template"]["spec"];
  if (!pod_spec || !pod_spec->contains("containers") || !(*pod_spec)["containers"].is_array() ||
      (*pod_spec)["containers"].empty()) {
    cause("spec.template.spec.containers", "FieldValueRequired", "Required value");
    return causes;
  }
  const json& containers = (*pod_spec)["containers"];
  for (size_t i = 0; i < containers.size(); ++i) {
    std::string at = "spec.template.spec.containers[" + std::to_string(i) + "]";
    if (containers[i].value("name", "").empty())
      cause(at + ".name", "FieldValueRequired", "Required value");
    if (containers[i].value("image", "").empty())
      cause(at + ".image", "FieldValueRequired", "Required value");
  }
  std::string policy = pod_spec->value("restartPolicy", "");
  if (policy != "Never" && policy != "OnFailure") {
    if (policy.empty())
      cause("spec.template.spec.restartPolicy", "FieldValueRequired",
            "Required value: valid values: \"OnFailure\", \"Never\"");
    else
      cause("spec.template.spec.restartPolicy", "FieldValueNotSupported",
            "Unsupported value: \"" + policy + "\": supported values: \"OnFailure\", \"Never\"");
  }
  return causes;
}

}  // namespace

struct FakeKubeApi::Impl {
  FakeKubeApi* self = nullptr;
  FakeKubeOptions options;
  TlsMaterial tls;
  std::unique_ptr<TlsServer> server;

  mutable std::mutex mutex;
  std::condition_variable changed;
  std::map<std::string, Resource> resources;  // "gv|plural"
  std::vector<std::string> resource_order;
  std::map<std::string, json> store;
  std::vector<Event> events;
  uint64_t rv = 1;
  uint64_t compacted_before = 0;
  bool compact_as_status = false;
  std::vector<RecordedRequest> recorded;
  std::vector<FailRule> fail_rules;
  std::vector<ForbidRule> forbid_rules;
  std::map<std::string, Kubelet> kubelets;            // "apiVersion|kind"
  std::map<std::string, LogBuffer> logs;              // "ns/pod/container"
  std::map<std::string, std::set<pid_t>> pod_groups;  // "ns/pod" -> process groups
  std::vector<std::thread> kubelet_threads;
  std::atomic<bool> stopping{false};

  // ---------- registry

  const Resource* find_resource(const std::string& api_version, const std::string& plural) const {
    auto it = resources.find(api_version + "|" + plural);
    return it == resources.end() ? nullptr : &it->second;
  }

  const Resource* resource_for_kind(const std::string& api_version, const std::string& kind) const {
    for (const auto& [key, r] : resources)
      if (r.info.api_version == api_version && r.info.kind == kind) return &r;
    return nullptr;
  }

  void add_resource(const FakeResource& info) {
    std::string key = info.api_version + "|" + info.plural;
    Resource r;
    r.info = info;
    r.singular = lower(info.kind);
    r.has_status = info.kind != "ConfigMap" && info.kind != "Secret";
    if (!resources.count(key)) resource_order.push_back(key);
    resources[key] = r;
  }

  // ---------- store (callers hold the mutex)

  uint64_t bump() { return ++rv; }

  void emit(const std::string& type, const Resource& r, const json& object) {
    events.push_back({rv, type, r.info.api_version + "|" + r.info.plural,
                      object["metadata"].value("namespace", ""), object});
    changed.notify_all();
  }

  json& finish_metadata(json& object) {
    object["metadata"]["resourceVersion"] = std::to_string(rv);
    return object;
  }

  void apply_job_defaults(json& job) {
    auto& spec = job["spec"];
    std::string uid = job["metadata"]["uid"];
    std::string name = job["metadata"]["name"];
    if (!spec.contains("backoffLimit")) spec["backoffLimit"] = 6;
    if (!spec.contains("completions")) spec["completions"] = 1;
    if (!spec.contains("parallelism")) spec["parallelism"] = 1;
    if (!spec.contains("completionMode")) spec["completionMode"] = "NonIndexed";
    if (!spec.contains("suspend")) spec["suspend"] = false;
    if (!spec.contains("selector"))
      spec["selector"] = {{"matchLabels", {{"batch.kubernetes.io/controller-uid", uid}}}};
    auto& labels = spec["template"]["metadata"]["labels"];
    labels["batch.kubernetes.io/controller-uid"] = uid;
    labels["batch.kubernetes.io/job-name"] = name;
    labels["controller-uid"] = uid;
    labels["job-name"] = name;
    auto& job_labels = job["metadata"]["labels"];
    if (!job_labels.is_object()) job_labels = json::object();
    job_labels["batch.kubernetes.io/controller-uid"] = uid;
    job_labels["batch.kubernetes.io/job-name"] = name;
    job_labels["controller-uid"] = uid;
    job_labels["job-name"] = name;
  }

  Outcome create_locked(const Resource& r, const std::string& ns, json object, bool dry_run,
                        std::optional<ObjectKey>* started) {
    if (!object.is_object())
      return failure(400, "BadRequest", "the body of the request was not a JSON object");
    std::string api_version = object.value("apiVersion", "");
    std::string kind = object.value("kind", "");
    if (api_version != r.info.api_version)
      return failure(400, "BadRequest",
                     "the API version in the data (" + api_version +
                         ") does not match the expected API version (" + r.info.api_version + ")");
    if (kind != r.info.kind)
      return failure(400, "BadRequest",
                     "the kind in the data (" + kind + ") does not match the expected kind (" +
                         r.info.kind + ")");
    if (!object.contains("metadata") || !object["metadata"].is_object())
      object["metadata"] = json::object();
    auto& metadata = object["metadata"];
    if (r.info.namespaced) {
      std::string body_ns = metadata.value("namespace", "");
      if (!body_ns.empty() && body_ns != ns)
        return failure(400, "BadRequest",
                       "the namespace of the provided object does not match the namespace sent "
                       "on the request");
      metadata["namespace"] = ns;
    } else {
      metadata.erase("namespace");
    }
    std::string name = metadata.value("name", "");
    std::string shown_kind = r.info.kind + (r.group().empty() ? "" : "." + r.group());
    if (name.empty()) {
      std::string prefix = metadata.value("generateName", "");
      if (prefix.empty())
        return failure(422, "Invalid",
                       shown_kind +
                           " \"\" is invalid: metadata.name: Required value: name or "
                           "generateName is required",
                       {{"group", r.group()},
                        {"kind", r.info.kind},
                        {"causes",
                         {{{"reason", "FieldValueRequired"},
                           {"message", "Required value: name or generateName is required"},
                           {"field", "metadata.name"}}}}});
      do {
        name = prefix + name_suffix();
      } while (store.count(store_key(r.info.api_version + "|" + r.info.plural, ns, name)));
      metadata["name"] = name;
    }
    json causes = json::array();
    if (!valid_dns_subdomain(name))
      causes.push_back({{"reason", "FieldValueInvalid"},
                        {"message", "Invalid value: \"" + name +
                                        "\": a lowercase RFC 1123 subdomain must consist of lower "
                                        "case alphanumeric characters, '-' or '.', and must start "
                                        "and end with an alphanumeric character"},
                        {"field", "metadata.name"}});
    if (r.info.api_version == "batch/v1" && r.info.kind == "Job")
      for (auto& c : job_causes(object)) causes.push_back(c);
    if (!causes.empty()) {
      std::string text;
      for (const auto& c : causes) {
        std::string m = c.value("message", "");
        text += (text.empty() ? "" : ", ") +
                (m.rfind(c.value("field", ""), 0) == 0 ? m : c.value("field", "") + ": " + m);
      }
      if (causes.size() > 1) text = "[" + text + "]";
      return failure(
          422, "Invalid", shown_kind + " \"" + name + "\" is invalid: " + text,
          {{"name", name}, {"group", r.group()}, {"kind", r.info.kind}, {"causes", causes}});
    }
    std::string key = store_key(r.info.api_version + "|" + r.info.plural, ns, name);
    if (store.count(key))
      return failure(409, "AlreadyExists", r.qualified() + " \"" + name + "\" already exists",
                     {{"name", name}, {"group", r.group()}, {"kind", r.info.plural}});
    metadata["uid"] = new_uid();
    metadata["creationTimestamp"] = now_rfc3339();
    metadata["generation"] = 1;
    if (r.has_status) object["status"] = json::object();
    if (r.info.api_version == "batch/v1" && r.info.kind == "Job") apply_job_defaults(object);
    if (r.info.api_version == "v1" && r.info.kind == "Pod") {
      if (!object["spec"].contains("restartPolicy")) object["spec"]["restartPolicy"] = "Always";
      object["status"] = {{"phase", "Pending"}, {"qosClass", "BestEffort"}};
    }
    if (dry_run) {
      object["metadata"]["resourceVersion"] = std::to_string(rv);
      return {201, object, {}};
    }
    bump();
    finish_metadata(object);
    store[key] = object;
    emit("ADDED", r, object);
    if (r.info.namespaced) ensure_namespace(ns);
    auto kubelet = kubelets.find(r.info.api_version + "|" + r.info.kind);
    if (kubelet != kubelets.end() && started)
      *started = ObjectKey{r.info.api_version, r.info.kind, r.info.plural, ns, name};
    return {201, object, {}};
  }

  // Like the NamespaceAutoProvision admission plugin: a namespace exists once it is used, so
  // clients that look a namespace up (kubectl does after a NotFound) find it.
  void ensure_namespace(const std::string& ns) {
    std::string key = store_key("v1|namespaces", "", ns);
    if (ns.empty() || store.count(key) || !resources.count("v1|namespaces")) return;
    const Resource& r = resources.at("v1|namespaces");
    json object = {{"apiVersion", "v1"},
                   {"kind", "Namespace"},
                   {"metadata",
                    {{"name", ns},
                     {"uid", new_uid()},
                     {"creationTimestamp", now_rfc3339()},
                     {"labels", {{"kubernetes.io/metadata.name", ns}}}}},
                   {"spec", {{"finalizers", {"kubernetes"}}}},
                   {"status", {{"phase", "Active"}}}};
    bump();
    finish_metadata(object);
    store[key] = object;
    emit("ADDED", r, object);
  }

  void start_kubelet(const ObjectKey& key) {
    Kubelet kubelet;
    {
      std::lock_guard lock(mutex);
      auto it = kubelets.find(key.api_version + "|" + key.kind);
      if (it == kubelets.end() || stopping) return;
      kubelet = it->second;
      kubelet_threads.emplace_back([this, kubelet, key] {
        try {
          kubelet(*self, key);
        } catch (const std::exception& error) {
          std::fprintf(stderr, "fake kube: kubelet for %s %s/%s: %s\n", key.kind.c_str(),
                       key.ns.c_str(), key.name.c_str(), error.what());
        }
      });
    }
  }

  // Removes the object and, per propagation, its dependents; kills a deleted pod's processes.
  void delete_locked(const Resource& r, const std::string& key, const std::string& propagation) {
    auto it = store.find(key);
    if (it == store.end()) return;
    json object = it->second;
    store.erase(it);
    bump();
    finish_metadata(object);
    object["metadata"]["deletionTimestamp"] = now_rfc3339();
    emit("DELETED", r, object);
    std::string ns = object["metadata"].value("namespace", "");
    std::string name = object["metadata"].value("name", "");
    if (r.info.api_version == "v1" && r.info.kind == "Pod") {
      for (pid_t group : pod_groups[ns + "/" + name]) killpg(group, SIGKILL);
      for (auto& [log_key, buffer] : logs)
        if (log_key.rfind(ns + "/" + name + "/", 0) == 0) buffer.ended = true;
    }
    std::string uid = object["metadata"].value("uid", "");
    std::vector<std::pair<const Resource*, std::string>> dependents;
    for (auto& [other_key, other] : store) {
      const auto& owners = other["metadata"].value("ownerReferences", json::array());
      for (const auto& owner : owners) {
        if (owner.value("uid", "") != uid) continue;
        std::string collection = other_key.substr(0, other_key.find('|', other_key.find('|') + 1));
        auto res = resources.find(collection);
        if (res != resources.end()) dependents.emplace_back(&res->second, other_key);
      }
    }
    for (auto& [res, dep_key] : dependents) {
      if (propagation == "Orphan") {
        auto& dep = store[dep_key];
        auto& owners = dep["metadata"]["ownerReferences"];
        json kept = json::array();
        for (auto& o : owners)
          if (o.value("uid", "") != uid) kept.push_back(o);
        owners = kept;
        bump();
        finish_metadata(dep);
        emit("MODIFIED", *res, dep);
      } else {
        delete_locked(*res, dep_key, "Background");
      }
    }
  }

  // ---------- HTTP

  FakeHttpResponse to_http(const Outcome& o) {
    FakeHttpResponse response;
    response.status = o.status;
    response.body = o.body.dump();
    response.headers = o.headers;
    return response;
  }

  FakeHttpResponse handle(const FakeHttpRequest& request) {
    RecordedRequest rec;
    rec.method = request.method;
    size_t question = request.target.find('?');
    rec.path = request.target.substr(0, question);
    rec.query = question == std::string::npos ? "" : request.target.substr(question + 1);
    rec.query_params = parse_query(rec.query);
    rec.headers = request.headers;
    rec.body = request.body;
    rec.client_certificate_cn = request.client_certificate_cn;
    FakeHttpResponse response = route(request, rec);
    rec.status = response.status;
    std::lock_guard lock(mutex);
    recorded.push_back(std::move(rec));
    return response;
  }

  std::string authenticate(const FakeHttpRequest& request) {
    auto it = request.headers.find("authorization");
    if (it != request.headers.end() && it->second.rfind("Bearer ", 0) == 0) {
      auto user = options.tokens.find(it->second.substr(7));
      if (user != options.tokens.end()) return user->second;
    }
    return request.client_certificate_cn;
  }

  FakeHttpResponse route(const FakeHttpRequest& request, const RecordedRequest& rec) {
    milliseconds delay{0};
    {
      std::lock_guard lock(mutex);
      for (auto& rule : fail_rules) {
        if (rule.count <= 0) continue;
        if (!rule.method.empty() && rule.method != request.method) continue;
        if (rec.path.rfind(rule.prefix, 0) != 0) continue;
        --rule.count;
        if (rule.status == 0) {
          delay = rule.delay;
          break;
        }
        static const std::map<int, std::pair<std::string, std::string>> kReasons = {
            {429, {"TooManyRequests", "Too many requests, please try again later."}},
            {500, {"InternalError", "Internal error occurred: injected by the fake"}},
            {502, {"InternalError", "Bad gateway (injected by the fake)"}},
            {503, {"ServiceUnavailable", "The server is currently unable to handle the request"}},
            {504, {"Timeout", "The server was unable to return a response in the time allotted"}}};
        auto reason = kReasons.count(rule.status) ? kReasons.at(rule.status)
                                                  : std::pair<std::string, std::string>{
                                                        "InternalError", "injected failure"};
        json details = json::object();
        if (rule.retry_after > 0) details["retryAfterSeconds"] = rule.retry_after;
        Outcome o = failure(rule.status, reason.first, reason.second, details);
        if (rule.retry_after > 0) o.headers["Retry-After"] = std::to_string(rule.retry_after);
        return to_http(o);
      }
    }
    // A slow server: waits (in slices, so that a stopping server is not held up).
    for (auto until = Clock::now() + delay; Clock::now() < until && !stopping;)
      std::this_thread::sleep_for(
          std::min<Clock::duration>(until - Clock::now(), milliseconds(20)));
    if (rec.path == "/healthz" || rec.path == "/livez" || rec.path == "/readyz") {
      FakeHttpResponse ok;
      ok.content_type = "text/plain; charset=utf-8";
      ok.body = "ok";
      return ok;
    }
    std::string user = authenticate(request);
    if (user.empty()) return to_http(failure(401, "Unauthorized", "Unauthorized"));

    std::vector<std::string> segments;
    for (size_t start = 1; start <= rec.path.size();) {
      size_t slash = rec.path.find('/', start);
      std::string part =
          rec.path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      if (!part.empty()) segments.push_back(percent_decode(part));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    if (segments.empty()) return to_http(not_found_path());
    if (segments[0] == "version" && segments.size() == 1) return to_http(version());
    if (segments[0] == "openapi") return to_http(not_found_path());
    std::string gv;
    size_t rest_at;
    if (segments[0] == "api") {
      if (segments.size() == 1) return to_http(api_versions());
      gv = segments[1];
      rest_at = 2;
    } else if (segments[0] == "apis") {
      if (segments.size() == 1) return to_http(api_groups(false, ""));
      if (segments.size() == 2) return to_http(api_groups(true, segments[1]));
      gv = segments[1] + "/" + segments[2];
      rest_at = 3;
    } else {
      return to_http(not_found_path());
    }
    std::vector<std::string> rest(segments.begin() + static_cast<long>(rest_at), segments.end());
    if (rest.empty()) return to_http(resource_list(gv));
    std::string ns;
    if (rest[0] == "namespaces" && rest.size() >= 3) {
      ns = rest[1];
      rest.erase(rest.begin(), rest.begin() + 2);
    }
    const Resource* found;
    {
      std::lock_guard lock(mutex);
      found = find_resource(gv, rest[0]);
    }
    if (!found || rest.size() > 3) return to_http(not_found_path());
    Resource r = *found;
    std::string name = rest.size() > 1 ? rest[1] : "";
    std::string sub = rest.size() > 2 ? rest[2] : "";
    if (r.info.namespaced && !name.empty() && ns.empty()) return to_http(not_found_path());
    if (!r.info.namespaced && !ns.empty()) return to_http(not_found_path());
    if (!sub.empty() && sub != "status" && !(sub == "log" && r.info.kind == "Pod"))
      return to_http(not_found_path());

    const auto& params = rec.query_params;
    bool watching =
        params.count("watch") && (params.at("watch") == "true" || params.at("watch") == "1");
    std::string verb;
    const std::string& m = request.method;
    if (m == "GET")
      verb = name.empty() ? (watching ? "watch" : "list") : "get";
    else if (m == "POST" && name.empty())
      verb = "create";
    else if (m == "PUT" && !name.empty())
      verb = "update";
    else if (m == "PATCH" && !name.empty())
      verb = "patch";
    else if (m == "DELETE")
      verb = name.empty() ? "deletecollection" : "delete";
    else
      return to_http(failure(405, "MethodNotAllowed",
                             "the server does not allow this method on the requested resource"));
    std::string resource_name = sub.empty() ? r.info.plural : r.info.plural + "/" + sub;
    if (auto denied = authorize(user, verb, r, resource_name, ns, name)) return to_http(*denied);

    bool dry_run = params.count("dryRun") && params.at("dryRun") == "All";
    if (verb == "watch") return watch(r, ns, params);
    if (sub == "log") return pod_log(ns, name, params);
    if (verb == "get") return to_http(get(r, ns, name));
    if (verb == "list") return to_http(list(r, ns, params));
    if (verb == "create") return to_http(create(r, ns, request.body, dry_run));
    if (verb == "patch" || verb == "update")
      return to_http(modify(r, ns, name, sub, request, verb == "patch", dry_run));
    if (verb == "delete") return to_http(remove(r, ns, name, request.body, params, dry_run));
    return to_http(remove_collection(r, ns, params, request.body, dry_run));
  }

  std::optional<Outcome> authorize(const std::string& user, const std::string& verb,
                                   const Resource& r, const std::string& resource_name,
                                   const std::string& ns, const std::string& name) {
    std::lock_guard lock(mutex);
    for (const auto& rule : forbid_rules) {
      if (!rule.verb.empty() && rule.verb != verb) continue;
      if (!rule.plural.empty() && rule.plural != resource_name && rule.plural != r.info.plural)
        continue;
      if (!rule.ns.empty() && rule.ns != ns) continue;
      std::string shown = r.group().empty() ? resource_name : resource_name + "." + r.group();
      if (!name.empty()) shown += " \"" + name + "\"";
      std::string where = ns.empty() ? " at the cluster scope" : " in the namespace \"" + ns + "\"";
      return failure(403, "Forbidden",
                     shown + " is forbidden: User \"" + user + "\" cannot " + verb +
                         " resource \"" + resource_name + "\" in API group \"" + r.group() + "\"" +
                         where,
                     {{"name", name}, {"group", r.group()}, {"kind", r.info.plural}});
    }
    return std::nullopt;
  }

  Outcome not_found_path() {
    return failure(404, "NotFound", "the server could not find the requested resource",
                   json::object());
  }

  Outcome version() {
    return {200,
            {{"major", "1"},
             {"minor", "31"},
             {"gitVersion", "v1.31.0-sextant-fake"},
             {"gitCommit", "0000000000000000000000000000000000000000"},
             {"gitTreeState", "clean"},
             {"buildDate", "2024-08-13T00:00:00Z"},
             {"goVersion", "go1.22.5"},
             {"compiler", "gc"},
             {"platform", "linux/amd64"}},
            {}};
  }

  Outcome api_versions() {
    return {200,
            {{"kind", "APIVersions"},
             {"versions", {"v1"}},
             {"serverAddressByClientCIDRs",
              {{{"clientCIDR", "0.0.0.0/0"},
                {"serverAddress", "127.0.0.1:" + std::to_string(server->port())}}}}},
            {}};
  }

  Outcome api_groups(bool one, const std::string& group_name) {
    std::lock_guard lock(mutex);
    json groups = json::array();
    std::map<std::string, size_t> index;
    for (const auto& key : resource_order) {
      const Resource& r = resources.at(key);
      if (r.group().empty()) continue;
      if (!index.count(r.group())) {
        index[r.group()] = groups.size();
        groups.push_back({{"name", r.group()}, {"versions", json::array()}});
      }
      json& g = groups[index[r.group()]];
      json version = {{"groupVersion", r.info.api_version}, {"version", r.version()}};
      if (std::find(g["versions"].begin(), g["versions"].end(), version) == g["versions"].end())
        g["versions"].push_back(version);
      if (!g.contains("preferredVersion")) g["preferredVersion"] = version;
    }
    if (one) {
      if (!index.count(group_name)) return not_found_path();
      json g = groups[index[group_name]];
      g["kind"] = "APIGroup";
      g["apiVersion"] = "v1";
      return {200, g, {}};
    }
    return {200, {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}}, {}};
  }

  Outcome resource_list(const std::string& gv) {
    std::lock_guard lock(mutex);
    json list = json::array();
    for (const auto& key : resource_order) {
      const Resource& r = resources.at(key);
      if (r.info.api_version != gv) continue;
      json entry = {
          {"name", r.info.plural},
          {"singularName", r.singular},
          {"namespaced", r.info.namespaced},
          {"kind", r.info.kind},
          {"verbs",
           {"create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"}}};
      if (!r.info.short_names.empty()) entry["shortNames"] = r.info.short_names;
      list.push_back(entry);
      if (r.has_status)
        list.push_back({{"name", r.info.plural + "/status"},
                        {"singularName", ""},
                        {"namespaced", r.info.namespaced},
                        {"kind", r.info.kind},
                        {"verbs", {"get", "patch", "update"}}});
      if (r.info.kind == "Pod" && gv == "v1")
        list.push_back({{"name", "pods/log"},
                        {"singularName", ""},
                        {"namespaced", true},
                        {"kind", "Pod"},
                        {"verbs", {"get"}}});
    }
    if (list.empty()) return not_found_path();
    return {200,
            {{"kind", "APIResourceList"},
             {"apiVersion", "v1"},
             {"groupVersion", gv},
             {"resources", list}},
            {}};
  }

  Outcome not_found(const Resource& r, const std::string& name) {
    return failure(404, "NotFound", r.qualified() + " \"" + name + "\" not found",
                   {{"name", name}, {"group", r.group()}, {"kind", r.info.plural}});
  }

  Outcome get(const Resource& r, const std::string& ns, const std::string& name) {
    std::lock_guard lock(mutex);
    auto it = store.find(store_key(r.info.api_version + "|" + r.info.plural, ns, name));
    if (it == store.end()) return not_found(r, name);
    return {200, it->second, {}};
  }

  Outcome list(const Resource& r, const std::string& ns,
               const std::map<std::string, std::string>& params) {
    std::string labels = params.count("labelSelector") ? params.at("labelSelector") : "";
    std::string fields = params.count("fieldSelector") ? params.at("fieldSelector") : "";
    std::lock_guard lock(mutex);
    std::string prefix = r.info.api_version + "|" + r.info.plural + "|" +
                         (ns.empty() && r.info.namespaced ? "" : ns + "|");
    json items = json::array();
    for (auto it = store.lower_bound(prefix); it != store.end() && it->first.rfind(prefix, 0) == 0;
         ++it) {
      auto label_match = matches_label_selector(it->second, labels);
      auto field_match = matches_field_selector(it->second, fields);
      if (!label_match)
        return failure(400, "BadRequest",
                       "unable to parse requirement: invalid label selector \"" + labels + "\"");
      if (!field_match)
        return failure(400, "BadRequest",
                       "\"" + fields +
                           "\" is not a known field selector: only \"metadata.name\", "
                           "\"metadata.namespace\", \"status.phase\"");
      if (*label_match && *field_match) items.push_back(it->second);
    }
    return {200,
            {{"kind", r.info.kind + "List"},
             {"apiVersion", r.info.api_version},
             {"metadata", {{"resourceVersion", std::to_string(rv)}}},
             {"items", items}},
            {}};
  }

  Outcome create(const Resource& r, const std::string& ns, const std::string& body, bool dry_run) {
    json object = json::parse(body, nullptr, false);
    if (object.is_discarded())
      return failure(400, "BadRequest", "the body of the request was in an unknown format");
    std::optional<ObjectKey> started;
    Outcome o;
    {
      std::lock_guard lock(mutex);
      o = create_locked(r, ns, object, dry_run, &started);
    }
    if (started) start_kubelet(*started);
    return o;
  }

  Outcome modify(const Resource& r, const std::string& ns, const std::string& name,
                 const std::string& sub, const FakeHttpRequest& request, bool patch, bool dry_run) {
    json input = json::parse(request.body, nullptr, false);
    if (input.is_discarded())
      return failure(400, "BadRequest", "the body of the request was in an unknown format");
    auto ct = request.headers.find("content-type");
    std::string type =
        ct == request.headers.end() ? "" : ct->second.substr(0, ct->second.find(';'));
    bool builtin = r.group().empty() || r.group() == "batch" || r.group() == "apps";
    if (patch && type != "application/merge-patch+json" && type != "application/json-patch+json" &&
        !(type == "application/strategic-merge-patch+json" && builtin))
      return failure(415, "UnsupportedMediaType",
                     "the body of the request was in an unknown format - accepted media types "
                     "include: application/json-patch+json, application/merge-patch+json" +
                         std::string(builtin ? ", application/strategic-merge-patch+json" : ""));
    std::lock_guard lock(mutex);
    std::string key = store_key(r.info.api_version + "|" + r.info.plural, ns, name);
    auto it = store.find(key);
    if (it == store.end()) return not_found(r, name);
    const json old = it->second;
    json updated = old;
    if (patch) {
      try {
        if (type == "application/json-patch+json")
          updated = old.patch(input);
        else
          updated.merge_patch(input);
      } catch (const std::exception& error) {
        return failure(422, "Invalid", std::string("the patch cannot be applied: ") + error.what());
      }
    } else {
      std::string given =
          input.contains("metadata") ? input["metadata"].value("resourceVersion", "") : "";
      if (!given.empty() && given != old["metadata"].value("resourceVersion", ""))
        return failure(409, "Conflict",
                       "Operation cannot be fulfilled on " + r.qualified() + " \"" + name +
                           "\": the object has been modified; please apply your changes to the "
                           "latest version and try again",
                       {{"name", name}, {"group", r.group()}, {"kind", r.info.plural}});
      updated = input;
    }
    if (sub == "status") {
      json status = updated.contains("status") ? updated["status"] : json::object();
      updated = old;
      updated["status"] = status;
    } else if (r.has_status) {
      updated["status"] = old.contains("status") ? old["status"] : json::object();
    }
    updated["apiVersion"] = old["apiVersion"];
    updated["kind"] = old["kind"];
    for (const char* field :
         {"name", "namespace", "uid", "creationTimestamp", "generation", "resourceVersion"}) {
      if (old["metadata"].contains(field))
        updated["metadata"][field] = old["metadata"][field];
      else
        updated["metadata"].erase(field);
    }
    if (updated == old) return {200, old, {}};
    if (updated.value("spec", json()) != old.value("spec", json()))
      updated["metadata"]["generation"] = old["metadata"].value("generation", 1) + 1;
    if (dry_run) return {200, updated, {}};
    bump();
    finish_metadata(updated);
    store[key] = updated;
    emit("MODIFIED", r, updated);
    return {200, updated, {}};
  }

  std::string propagation_of(const Resource& r, const std::string& body,
                             const std::map<std::string, std::string>& params, bool& defaulted) {
    std::string policy = params.count("propagationPolicy") ? params.at("propagationPolicy") : "";
    json options_body = json::parse(body.empty() ? "{}" : body, nullptr, false);
    if (options_body.is_object() && options_body.contains("propagationPolicy") &&
        options_body["propagationPolicy"].is_string())
      policy = options_body["propagationPolicy"];
    if (options_body.is_object() && options_body.contains("orphanDependents") &&
        options_body["orphanDependents"].is_boolean() && policy.empty())
      policy = options_body["orphanDependents"].get<bool>() ? "Orphan" : "Background";
    defaulted = policy.empty();
    if (policy.empty()) policy = r.info.kind == "Job" ? "Orphan" : "Background";
    return policy;
  }

  Outcome remove(const Resource& r, const std::string& ns, const std::string& name,
                 const std::string& body, const std::map<std::string, std::string>& params,
                 bool dry_run) {
    bool defaulted = false;
    std::string policy = propagation_of(r, body, params, defaulted);
    std::lock_guard lock(mutex);
    std::string key = store_key(r.info.api_version + "|" + r.info.plural, ns, name);
    auto it = store.find(key);
    if (it == store.end()) return not_found(r, name);
    std::string uid = it->second["metadata"].value("uid", "");
    if (!dry_run) delete_locked(r, key, policy);
    Outcome o{200,
              {{"kind", "Status"},
               {"apiVersion", "v1"},
               {"metadata", json::object()},
               {"status", "Success"},
               {"details",
                {{"name", name}, {"group", r.group()}, {"kind", r.info.plural}, {"uid", uid}}}},
              {}};
    if (defaulted && r.info.kind == "Job")
      o.headers["Warning"] =
          "299 - \"child pods are preserved by default when jobs are deleted; set "
          "propagationPolicy=Background to remove them or set propagationPolicy=Orphan to "
          "suppress this warning\"";
    return o;
  }

  Outcome remove_collection(const Resource& r, const std::string& ns,
                            const std::map<std::string, std::string>& params,
                            const std::string& body, bool dry_run) {
    Outcome listed = list(r, ns, params);
    if (!listed.ok()) return listed;
    bool defaulted = false;
    std::string policy = propagation_of(r, body, params, defaulted);
    std::lock_guard lock(mutex);
    if (!dry_run)
      for (const auto& item : listed.body["items"])
        delete_locked(
            r,
            store_key(r.info.api_version + "|" + r.info.plural,
                      item["metadata"].value("namespace", ""), item["metadata"].value("name", "")),
            policy);
    return listed;
  }

  FakeHttpResponse watch(const Resource& r, const std::string& ns,
                         const std::map<std::string, std::string>& params) {
    std::string labels = params.count("labelSelector") ? params.at("labelSelector") : "";
    std::string fields = params.count("fieldSelector") ? params.at("fieldSelector") : "";
    if (!matches_label_selector(json::object(), labels) ||
        !matches_field_selector(json{{"metadata", json::object()}}, fields))
      return to_http(failure(400, "BadRequest", "invalid selector"));
    std::string from = params.count("resourceVersion") ? params.at("resourceVersion") : "";
    uint64_t start = 0;
    if (!from.empty() && from != "0") {
      try {
        start = std::stoull(from);
      } catch (...) {
        return to_http(failure(400, "BadRequest", "invalid resource version: " + from));
      }
    }
    bool bookmarks =
        params.count("allowWatchBookmarks") && params.at("allowWatchBookmarks") == "true";
    milliseconds timeout{0};
    if (params.count("timeoutSeconds"))
      timeout = milliseconds(1000 * std::stoll(params.at("timeoutSeconds")));
    {
      std::lock_guard lock(mutex);
      if (start != 0 && start < compacted_before && compact_as_status)
        return to_http(failure(
            410, "Expired",
            "too old resource version: " + from + " (" + std::to_string(compacted_before) + ")"));
    }
    std::string collection = r.info.api_version + "|" + r.info.plural;
    FakeHttpResponse response;
    response.content_type = "application/json";
    response.streamer = [this, r, ns, labels, fields, start, from, bookmarks, timeout,
                         collection](ChunkWriter& out) {
      auto matches = [&](const json& object) {
        if (r.info.namespaced && !ns.empty() && object["metadata"].value("namespace", "") != ns)
          return false;
        return matches_label_selector(object, labels).value_or(false) &&
               matches_field_selector(object, fields).value_or(false);
      };
      auto line = [](const std::string& type, const json& object) {
        return json{{"type", type}, {"object", object}}.dump() + "\n";
      };
      uint64_t sent;
      std::string initial;
      {
        std::lock_guard lock(mutex);
        if (start != 0 && start < compacted_before) {
          json status = status_body(
              410, "Expired",
              "too old resource version: " + from + " (" + std::to_string(compacted_before) + ")");
          std::string text = line("ERROR", status);
          out.write(text);
          return;
        }
        if (start == 0) {
          std::string prefix = collection + "|";
          for (auto it = store.lower_bound(prefix);
               it != store.end() && it->first.rfind(prefix, 0) == 0; ++it)
            if (matches(it->second)) initial += line("ADDED", it->second);
          sent = rv;
        } else {
          sent = start;
        }
      }
      if (!initial.empty() && !out.write(initial)) return;
      auto deadline = timeout.count() > 0 ? Clock::now() + timeout : Clock::time_point::max();
      auto next_bookmark = Clock::now() + options.bookmark_interval;
      while (out.open() && !stopping && Clock::now() < deadline) {
        std::string batch;
        {
          std::unique_lock lock(mutex);
          auto first = std::upper_bound(events.begin(), events.end(), sent,
                                        [](uint64_t v, const Event& e) { return v < e.rv; });
          if (first == events.end()) {
            changed.wait_for(lock, milliseconds(100));
            first = std::upper_bound(events.begin(), events.end(), sent,
                                     [](uint64_t v, const Event& e) { return v < e.rv; });
          }
          for (auto it = first; it != events.end(); ++it) {
            sent = it->rv;
            if (it->collection == collection && matches(it->object))
              batch += line(it->type, it->object);
          }
          if (bookmarks && options.bookmark_interval.count() > 0 && Clock::now() >= next_bookmark) {
            next_bookmark = Clock::now() + options.bookmark_interval;
            batch += line("BOOKMARK", {{"kind", r.info.kind},
                                       {"apiVersion", r.info.api_version},
                                       {"metadata", {{"resourceVersion", std::to_string(rv)}}}});
          }
        }
        if (!batch.empty() && !out.write(batch)) return;
      }
    };
    return response;
  }

  FakeHttpResponse pod_log(const std::string& ns, const std::string& name,
                           const std::map<std::string, std::string>& params) {
    std::string container = params.count("container") ? params.at("container") : "";
    bool follow =
        params.count("follow") && (params.at("follow") == "true" || params.at("follow") == "1");
    long tail = params.count("tailLines") ? std::stol(params.at("tailLines")) : -1;
    std::string key;
    {
      std::lock_guard lock(mutex);
      auto it = store.find(store_key("v1|pods", ns, name));
      if (it == store.end())
        return to_http(failure(404, "NotFound", "pods \"" + name + "\" not found",
                               {{"name", name}, {"kind", "pods"}}));
      const json& pod = it->second;
      const json spec = pod.value("spec", json::object());
      const json pod_status = pod.value("status", json::object());
      std::vector<std::string> names;
      for (const char* list : {"containers", "initContainers"})
        for (const auto& c : spec.value(list, json::array())) names.push_back(c.value("name", ""));
      if (container.empty()) {
        size_t regular = spec.value("containers", json::array()).size();
        if (regular != 1) {
          std::string choices;
          for (const auto& n : names) choices += (choices.empty() ? "" : " ") + n;
          return to_http(failure(400, "BadRequest",
                                 "a container name must be specified for pod " + name +
                                     ", choose one of: [" + choices + "]"));
        }
        container = names[0];
      } else if (std::find(names.begin(), names.end(), container) == names.end()) {
        return to_http(
            failure(400, "BadRequest", "container " + container + " is not valid for pod " + name));
      }
      key = ns + "/" + name + "/" + container;
      if (!logs.count(key)) {
        std::string reason = "ContainerCreating";
        for (const auto& status : pod_status.value("containerStatuses", json::array()))
          if (status.value("name", "") == container && status.contains("state") &&
              status["state"].contains("waiting"))
            reason = status["state"]["waiting"].value("reason", reason);
        return to_http(failure(400, "BadRequest",
                               "container \"" + container + "\" in pod \"" + name +
                                   "\" is waiting to start: " + reason));
      }
    }
    auto tail_of = [tail](const std::string& text) {
      if (tail < 0) return text;
      size_t at = text.size();
      long lines = 0;
      if (at > 0 && text.back() == '\n') --at;
      while (at > 0) {
        size_t nl = text.rfind('\n', at - 1);
        if (nl == std::string::npos) return text;
        if (++lines == tail) return text.substr(nl + 1);
        at = nl;
      }
      return text;
    };
    FakeHttpResponse response;
    response.content_type = "text/plain";
    if (!follow) {
      std::lock_guard lock(mutex);
      response.body = tail_of(logs[key].text);
      return response;
    }
    response.streamer = [this, key, tail_of](ChunkWriter& out) {
      size_t offset = 0;
      bool first = true;
      while (out.open() && !stopping) {
        std::string piece;
        bool ended;
        {
          std::unique_lock lock(mutex);
          LogBuffer& buffer = logs[key];
          if (buffer.text.size() == offset && !buffer.ended) {
            changed.wait_for(lock, milliseconds(100));
          }
          piece = buffer.text.substr(offset);
          offset = buffer.text.size();
          ended = buffer.ended;
        }
        if (first) {
          piece = tail_of(piece);
          first = false;
        }
        if (!piece.empty() && !out.write(piece)) return;
        if (ended) return;
      }
    };
    return response;
  }
};

FakeKubeApi::FakeKubeApi(FakeKubeOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->self = this;
  impl_->options = std::move(options);
  if (impl_->options.work_dir.empty()) impl_->options.work_dir = std::filesystem::current_path();
  for (const FakeResource& r : std::initializer_list<FakeResource>{
           {"v1", "Pod", "pods", true, {"po"}},
           {"v1", "ConfigMap", "configmaps", true, {"cm"}},
           {"v1", "Secret", "secrets", true, {}},
           {"v1", "Namespace", "namespaces", false, {"ns"}},
           {"batch/v1", "Job", "jobs", true, {}},
           {"argoproj.io/v1alpha1", "Workflow", "workflows", true, {"wf"}},
           {"tekton.dev/v1", "PipelineRun", "pipelineruns", true, {"pr", "prs"}},
           {"tekton.dev/v1", "TaskRun", "taskruns", true, {"tr", "trs"}},
           {"tekton.dev/v1beta1", "PipelineRun", "pipelineruns", true, {"pr", "prs"}},
           {"tekton.dev/v1beta1", "TaskRun", "taskruns", true, {"tr", "trs"}},
           {"serving.kserve.io/v1beta1", "InferenceService", "inferenceservices", true, {"isvc"}},
       })
    impl_->add_resource(r);
  impl_->kubelets["batch/v1|Job"] = run_job_kubelet;
  impl_->kubelets["serving.kserve.io/v1beta1|InferenceService"] = run_inference_service_kubelet;
  impl_->tls = generate_tls_material();
  {
    std::lock_guard lock(impl_->mutex);
    for (const char* ns : {"default", "kube-system"}) impl_->ensure_namespace(ns);
  }
  impl_->server = std::make_unique<TlsServer>(
      impl_->tls, [impl = impl_.get()](const FakeHttpRequest& r) { return impl->handle(r); });
  impl_->server->start(impl_->options.port);
}

FakeKubeApi::~FakeKubeApi() {
  impl_->stopping = true;
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(impl_->mutex);
    for (auto& [pod, groups] : impl_->pod_groups)
      for (pid_t group : groups) killpg(group, SIGKILL);
    impl_->changed.notify_all();
  }
  impl_->server->stop();
  // Kubelets may still start threads until they see `stopping`; join until none are left.
  for (;;) {
    {
      std::lock_guard lock(impl_->mutex);
      threads.swap(impl_->kubelet_threads);
      for (auto& [pod, groups] : impl_->pod_groups)
        for (pid_t group : groups) killpg(group, SIGKILL);
      impl_->changed.notify_all();
    }
    if (threads.empty()) break;
    for (auto& t : threads) t.join();
    threads.clear();
  }
}

uint16_t FakeKubeApi::port() const {
  return impl_->server->port();
}

std::string FakeKubeApi::server_url() const {
  return "https://127.0.0.1:" + std::to_string(port());
}

const std::string& FakeKubeApi::ca_pem() const {
  return impl_->tls.ca_cert_pem;
}

std::string FakeKubeApi::token() const {
  return impl_->options.tokens.empty() ? "" : impl_->options.tokens.begin()->first;
}

std::filesystem::path FakeKubeApi::write_kubeconfig(const std::filesystem::path& file,
                                                    const std::string& ns) const {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->ensure_namespace(ns);  // kubectl looks its namespace up after a NotFound
  }
  std::ofstream out(file);
  out << "apiVersion: v1\nkind: Config\ncurrent-context: fake\n"
      << "clusters:\n- name: fake\n  cluster:\n    server: " << server_url()
      << "\n    certificate-authority-data: " << engine::base64_encode(ca_pem()) << "\n"
      << "users:\n- name: fake\n  user:\n    token: " << token() << "\n"
      << "contexts:\n- name: fake\n  context:\n    cluster: fake\n    user: fake\n    namespace: "
      << ns << "\n";
  if (!out) throw std::runtime_error("fake kube: cannot write " + file.string());
  return file;
}

std::pair<std::string, std::string> FakeKubeApi::issue_client_certificate(
    const std::string& common_name) const {
  return issue_certificate(impl_->tls, common_name);
}

void FakeKubeApi::register_resource(const FakeResource& resource) {
  std::lock_guard lock(impl_->mutex);
  impl_->add_resource(resource);
}

void FakeKubeApi::register_kubelet(const std::string& api_version, const std::string& kind,
                                   Kubelet kubelet) {
  std::lock_guard lock(impl_->mutex);
  impl_->kubelets[api_version + "|" + kind] = std::move(kubelet);
}

void FakeKubeApi::fail_next(const std::string& method, const std::string& path_prefix, int count,
                            int status, int retry_after_seconds) {
  std::lock_guard lock(impl_->mutex);
  impl_->fail_rules.push_back({method, path_prefix, count, status, retry_after_seconds, {}});
}

void FakeKubeApi::delay_next(const std::string& method, const std::string& path_prefix, int count,
                             std::chrono::milliseconds delay) {
  std::lock_guard lock(impl_->mutex);
  impl_->fail_rules.push_back({method, path_prefix, count, 0, 0, delay});
}

void FakeKubeApi::forbid(const std::string& verb, const std::string& plural,
                         const std::string& ns) {
  std::lock_guard lock(impl_->mutex);
  impl_->forbid_rules.push_back({verb, plural, ns});
}

void FakeKubeApi::compact(uint64_t resource_version, bool as_http_status) {
  std::lock_guard lock(impl_->mutex);
  impl_->compacted_before = resource_version;
  impl_->compact_as_status = as_http_status;
}

void FakeKubeApi::stop_listening() {
  impl_->server->stop();
}

void FakeKubeApi::start_listening() {
  impl_->server->start(0);
}

std::vector<RecordedRequest> FakeKubeApi::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->recorded;
}

size_t FakeKubeApi::accepted_connections() const {
  return impl_->server->accepted();
}

void FakeKubeApi::clear_requests() {
  std::lock_guard lock(impl_->mutex);
  impl_->recorded.clear();
}

uint64_t FakeKubeApi::resource_version() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->rv;
}

std::optional<nlohmann::json> FakeKubeApi::get_object(const ObjectKey& key) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->store.find(store_key(key.api_version + "|" + key.plural, key.ns, key.name));
  if (it == impl_->store.end()) return std::nullopt;
  return it->second;
}

std::vector<nlohmann::json> FakeKubeApi::objects(const std::string& api_version,
                                                 const std::string& kind,
                                                 const std::string& ns) const {
  std::lock_guard lock(impl_->mutex);
  std::vector<json> out;
  const Resource* r = impl_->resource_for_kind(api_version, kind);
  if (!r) return out;
  std::string prefix = api_version + "|" + r->info.plural + "|" + (ns.empty() ? "" : ns + "|");
  for (auto it = impl_->store.lower_bound(prefix);
       it != impl_->store.end() && it->first.rfind(prefix, 0) == 0; ++it)
    out.push_back(it->second);
  return out;
}

std::string FakeKubeApi::container_log(const std::string& ns, const std::string& pod,
                                       const std::string& container) const {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->logs.find(ns + "/" + pod + "/" + container);
  return it == impl_->logs.end() ? "" : it->second.text;
}

nlohmann::json FakeKubeApi::create_object(const nlohmann::json& object) {
  std::optional<ObjectKey> started;
  Outcome o;
  {
    std::lock_guard lock(impl_->mutex);
    const Resource* r =
        impl_->resource_for_kind(object.value("apiVersion", ""), object.value("kind", ""));
    if (!r)
      throw std::runtime_error("fake kube: kind " + object.value("kind", "") + " in " +
                               object.value("apiVersion", "") + " is not registered");
    std::string ns = r->info.namespaced ? object["metadata"].value("namespace", "default") : "";
    o = impl_->create_locked(*r, ns, object, false, &started);
  }
  if (!o.ok()) throw std::runtime_error("fake kube: " + o.body.value("message", o.body.dump()));
  if (started) impl_->start_kubelet(*started);
  return o.body;
}

bool FakeKubeApi::update_status(const ObjectKey& key, const nlohmann::json& status) {
  return update_object(key, [&](json& object) { object["status"] = status; });
}

bool FakeKubeApi::update_object(const ObjectKey& key,
                                const std::function<void(nlohmann::json&)>& change) {
  std::lock_guard lock(impl_->mutex);
  auto it = impl_->store.find(store_key(key.api_version + "|" + key.plural, key.ns, key.name));
  if (it == impl_->store.end()) return false;
  json updated = it->second;
  change(updated);
  if (updated == it->second) return true;
  if (updated.value("spec", json()) != it->second.value("spec", json()))
    updated["metadata"]["generation"] = it->second["metadata"].value("generation", 1) + 1;
  impl_->bump();
  impl_->finish_metadata(updated);
  it->second = updated;
  const Resource* r = impl_->find_resource(key.api_version, key.plural);
  if (r) impl_->emit("MODIFIED", *r, updated);
  return true;
}

bool FakeKubeApi::delete_object(const ObjectKey& key) {
  std::lock_guard lock(impl_->mutex);
  const Resource* r = impl_->find_resource(key.api_version, key.plural);
  std::string k = store_key(key.api_version + "|" + key.plural, key.ns, key.name);
  if (!r || !impl_->store.count(k)) return false;
  impl_->delete_locked(*r, k, "Background");
  return true;
}

void FakeKubeApi::append_log(const std::string& ns, const std::string& pod,
                             const std::string& container, const std::string& text) {
  std::lock_guard lock(impl_->mutex);
  impl_->logs[ns + "/" + pod + "/" + container].text += text;
  impl_->changed.notify_all();
}

void FakeKubeApi::end_log(const std::string& ns, const std::string& pod,
                          const std::string& container) {
  std::lock_guard lock(impl_->mutex);
  impl_->logs[ns + "/" + pod + "/" + container].ended = true;
  impl_->changed.notify_all();
}

int FakeKubeApi::run_container_process(const ObjectKey& pod, const std::string& container,
                                       const std::vector<std::string>& argv,
                                       const std::map<std::string, std::string>& env) {
  append_log(pod.ns, pod.name, container, "");
  if (argv.empty()) {
    append_log(pod.ns, pod.name, container, "fake kubelet: the container has no command\n");
    return 127;
  }
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq != std::string::npos) merged[entry.substr(0, eq)] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : impl_->options.extra_env) merged[k] = v;
  for (const auto& [k, v] : env) merged[k] = v;
  trials::SpawnSpec spec;
  spec.argv = argv;
  for (const auto& [k, v] : merged) spec.env.push_back(k + "=" + v);
  spec.cwd = impl_->options.work_dir;
  std::string program = argv[0];
  if (program.find('/') != std::string::npos) {
    spec.exec_path = std::filesystem::path(program).is_absolute()
                         ? program
                         : (impl_->options.work_dir / program).string();
  } else {
    std::string path = merged.count("PATH") ? merged["PATH"] : "/usr/bin:/bin";
    for (size_t start = 0; start <= path.size();) {
      size_t colon = path.find(':', start);
      std::string dir =
          path.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
      auto candidate = std::filesystem::path(dir.empty() ? "." : dir) / program;
      if (access(candidate.c_str(), X_OK) == 0) {
        spec.exec_path = candidate.string();
        break;
      }
      if (colon == std::string::npos) break;
      start = colon + 1;
    }
    if (spec.exec_path.empty()) {
      append_log(pod.ns, pod.name, container,
                 "exec: \"" + program + "\": executable file not found in $PATH\n");
      return 127;
    }
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return 127;
  // spawn_process wants the output descriptor above 2.
  spec.output_fd = fds[1];
  trials::SpawnResult spawned = trials::spawn_process(spec);
  close(fds[1]);
  if (spawned.pid <= 0) {
    close(fds[0]);
    append_log(pod.ns, pod.name, container, spawned.error + "\n");
    return 127;
  }
  std::string pod_key = pod.ns + "/" + pod.name;
  bool gone = false;
  {
    std::lock_guard lock(impl_->mutex);
    impl_->pod_groups[pod_key].insert(spawned.pid);
    gone = impl_->stopping || !impl_->store.count(store_key("v1|pods", pod.ns, pod.name));
  }
  if (gone) killpg(spawned.pid, SIGKILL);
  char buffer[4096];
  for (;;) {
    ssize_t got = read(fds[0], buffer, sizeof buffer);
    if (got > 0) {
      append_log(pod.ns, pod.name, container, std::string(buffer, static_cast<size_t>(got)));
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(spawned.pid, &status, 0) < 0 && errno == EINTR) {
  }
  {
    std::lock_guard lock(impl_->mutex);
    impl_->pod_groups[pod_key].erase(spawned.pid);
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 1;
}

bool FakeKubeApi::sleep_while_exists(const ObjectKey& key, std::chrono::milliseconds duration) {
  auto deadline = Clock::now() + duration;
  std::unique_lock lock(impl_->mutex);
  std::string k = store_key(key.api_version + "|" + key.plural, key.ns, key.name);
  while (Clock::now() < deadline) {
    if (impl_->stopping || !impl_->store.count(k)) return false;
    impl_->changed.wait_until(lock, std::min(deadline, Clock::now() + milliseconds(50)));
  }
  return !impl_->stopping && impl_->store.count(k);
}

bool FakeKubeApi::wait_for_change(const ObjectKey& key, std::string& resource_version,
                                  std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  std::unique_lock lock(impl_->mutex);
  std::string k = store_key(key.api_version + "|" + key.plural, key.ns, key.name);
  for (;;) {
    if (impl_->stopping) return false;
    auto it = impl_->store.find(k);
    if (it == impl_->store.end()) return false;
    std::string now = it->second["metadata"].value("resourceVersion", "");
    if (now != resource_version) {
      resource_version = now;
      return true;
    }
    if (Clock::now() >= deadline) return true;
    impl_->changed.wait_until(lock, std::min(deadline, Clock::now() + milliseconds(50)));
  }
}

bool FakeKubeApi::shutting_down() const {
  return impl_->stopping;
}

const FakeKubeOptions& FakeKubeApi::options() const {
  return impl_->options;
}

}  // namespace sextant::testing
