// The fake's Job controller and kubelet in one: a pod per attempt, containers as local
// processes, pod and Job status moved the way a cluster moves them (Kubernetes 1.31+ conditions).
#include <atomic>
#include <filesystem>
#include <set>
#include <ctime>
#include <thread>

#include "engine/util/rfc3339.hpp"
#include "tests/support/fake_kube/fake_kube_api.hpp"

namespace sextant::testing {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string now_text() {
  return engine::format_time_rfc3339(static_cast<double>(std::time(nullptr)));
}

std::string random_suffix() {
  static const char* kAlphabet = "bcdfghjklmnpqrstvwxz2456789";
  std::string out;
  for (int i = 0; i < 5; ++i) out += kAlphabet[static_cast<size_t>(std::rand()) % 27];
  return out;
}

json condition(const std::string& type, const std::string& status, const std::string& reason,
               const std::string& message) {
  std::string now = now_text();
  json c = {
      {"type", type}, {"status", status}, {"lastProbeTime", now}, {"lastTransitionTime", now}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  return c;
}

enum class PodEnd { kSucceeded, kFailed, kDeadline, kGone };

bool unpullable(const FakeKubeApi& api, const std::string& image) {
  for (const auto& pattern : api.options().unpullable_images)
    if (!pattern.empty() && image.find(pattern) != std::string::npos) return true;
  return false;
}

std::map<std::string, std::string> container_env(const json& container, const std::string& pod,
                                                 const std::string& ns) {
  std::map<std::string, std::string> env{{"HOSTNAME", pod}};
  for (const auto& entry : container.value("env", json::array())) {
    std::string name = entry.value("name", "");
    if (name.empty()) continue;
    if (entry.contains("value")) {
      env[name] =
          entry["value"].is_string() ? entry["value"].get<std::string>() : entry["value"].dump();
    } else if (entry.contains("valueFrom") && entry["valueFrom"].contains("fieldRef")) {
      std::string field = entry["valueFrom"]["fieldRef"].value("fieldPath", "");
      if (field == "metadata.name") env[name] = pod;
      if (field == "metadata.namespace") env[name] = ns;
    }
  }
  return env;
}

// emptyDir volumes without mount namespaces: each (pod, volume) gets its own directory, and a
// container's mount path is rewritten to it wherever the command, args or env name a path under
// it. So two pods never share the "volume", and a pod's containers do, as on a node.
std::vector<std::pair<std::string, std::string>> empty_dir_paths(const json& pod,
                                                                 const json& container,
                                                                 const std::filesystem::path& root) {
  std::set<std::string> empty_dirs;
  for (const auto& v : pod["spec"].value("volumes", json::array()))
    if (v.contains("emptyDir")) empty_dirs.insert(v.value("name", ""));
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& m : container.value("volumeMounts", json::array())) {
    if (!empty_dirs.count(m.value("name", ""))) continue;
    auto dir = root / pod["metadata"].value("uid", "pod") / m.value("name", "");
    std::filesystem::create_directories(dir);
    out.emplace_back(m.value("mountPath", ""), dir.string());
  }
  return out;
}

std::string map_paths(std::string text,
                      const std::vector<std::pair<std::string, std::string>>& mounts) {
  for (const auto& [mount, dir] : mounts) {
    if (mount.empty()) continue;
    if (text == mount) return dir;
    std::string from = mount + "/", to = dir + "/";
    for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
      text.replace(at, from.size(), to);
  }
  return text;
}

std::vector<std::string> container_argv(const json& container) {
  std::vector<std::string> argv;
  for (const char* list : {"command", "args"})
    for (const auto& a : container.value(list, json::array()))
      argv.push_back(a.is_string() ? a.get<std::string>() : a.dump());
  // Without a command the image's entrypoint would run; there is no image here.
  if (!container.contains("command")) argv.clear();
  return argv;
}

json waiting_status(const json& container, const std::string& reason, const std::string& message) {
  json waiting = {{"reason", reason}};
  if (!message.empty()) waiting["message"] = message;
  return {{"name", container.value("name", "")},
          {"image", container.value("image", "")},
          {"imageID", ""},
          {"ready", false},
          {"started", false},
          {"restartCount", 0},
          {"state", {{"waiting", waiting}}}};
}

class PodRun {
 public:
  PodRun(FakeKubeApi& api, const ObjectKey& job_key, const json& job, Clock::time_point deadline)
      : api_(api), job_key_(job_key), job_(job), deadline_(deadline) {}

  PodEnd run() {
    if (!create_pod()) return PodEnd::kGone;
    const json& spec = pod_["spec"];
    containers_ = spec.value("containers", json::array());
    json init = spec.value("initContainers", json::array());
    std::string started = now_text();
    base_status_ = {{"phase", "Pending"},
                    {"hostIP", "127.0.0.1"},
                    {"qosClass", "BestEffort"},
                    {"startTime", started},
                    {"conditions", {condition("PodScheduled", "True", "", "")}}};

    bool pull_fails = false;
    for (const auto& list : {init, containers_})
      for (const auto& c : list) pull_fails = pull_fails || unpullable(api_, c.value("image", ""));
    if (pull_fails) return stuck_pulling(init);

    for (const auto& c : init) {
      int code = run_one(c);
      if (code != 0) return finish({{c.value("name", ""), code}}, true);
    }
    json running = base_status_;
    running["phase"] = "Running";
    running["podIP"] = "127.0.0.1";
    running["conditions"] = {
        condition("PodReadyToStartContainers", "True", "", ""),
        condition("Initialized", "True", "", ""), condition("Ready", "True", "", ""),
        condition("ContainersReady", "True", "", ""), condition("PodScheduled", "True", "", "")};
    json statuses = json::array();
    for (const auto& c : containers_) {
      json s = waiting_status(c, "", "");
      s["ready"] = true;
      s["started"] = true;
      s["containerID"] = "containerd://" + pod_key_.name + "-" + c.value("name", "");
      s["state"] = {{"running", {{"startedAt", now_text()}}}};
      statuses.push_back(s);
    }
    running["containerStatuses"] = statuses;
    if (!api_.update_status(pod_key_, running)) return PodEnd::kGone;
    api_.update_object(job_key_, [](json& j) { j["status"]["ready"] = 1; });

    std::vector<std::pair<std::string, int>> codes(containers_.size());
    std::atomic<size_t> remaining{containers_.size()};
    std::vector<std::thread> threads;
    for (size_t i = 0; i < containers_.size(); ++i) {
      threads.emplace_back([&, i] {
        codes[i] = {containers_[i].value("name", ""), run_one(containers_[i])};
        --remaining;
      });
    }
    bool deadline_hit = false;
    while (remaining > 0) {
      if (!deadline_hit && Clock::now() >= deadline_) {
        deadline_hit = true;
        api_.delete_object(pod_key_);  // the Job controller removes the pods; processes die
      }
      std::this_thread::sleep_for(milliseconds(20));
    }
    for (auto& t : threads) t.join();
    if (deadline_hit) return PodEnd::kDeadline;
    return finish(codes, false);
  }

  const std::string& pod_name() const { return pod_key_.name; }

 private:
  bool create_pod() {
    const json& template_spec = job_["spec"]["template"];
    std::string job_name = job_key_.name;
    json metadata = template_spec.value("metadata", json::object());
    metadata["name"] = job_name + "-" + random_suffix();
    metadata["namespace"] = job_key_.ns;
    metadata["generateName"] = job_name + "-";
    metadata["ownerReferences"] = {{{"apiVersion", "batch/v1"},
                                    {"kind", "Job"},
                                    {"name", job_name},
                                    {"uid", job_["metadata"].value("uid", "")},
                                    {"controller", true},
                                    {"blockOwnerDeletion", true}}};
    json spec = template_spec.value("spec", json::object());
    spec["nodeName"] = "fake-node";
    json pod = {{"apiVersion", "v1"}, {"kind", "Pod"}, {"metadata", metadata}, {"spec", spec}};
    try {
      pod_ = api_.create_object(pod);
    } catch (const std::exception&) {
      return false;
    }
    pod_key_ = {"v1", "Pod", "pods", job_key_.ns, pod_["metadata"].value("name", "")};
    return true;
  }

  PodEnd stuck_pulling(const json& init) {
    auto statuses_for = [&](const std::string& reason,
                            const std::function<std::string(const std::string&)>& message) {
      json list = json::array();
      for (const auto& c : containers_) {
        std::string image = c.value("image", "");
        list.push_back(unpullable(api_, image) ? waiting_status(c, reason, message(image))
                                               : waiting_status(c, "ContainerCreating", ""));
      }
      return list;
    };
    json pending = base_status_;
    pending["conditions"] = {
        condition("PodReadyToStartContainers", "True", "", ""),
        condition("Initialized", init.empty() ? "True" : "False", "", ""),
        condition("Ready", "False", "ContainersNotReady",
                  "containers with unready status: [" + containers_[0].value("name", "") + "]"),
        condition("ContainersReady", "False", "ContainersNotReady", ""),
        condition("PodScheduled", "True", "", "")};
    pending["containerStatuses"] = statuses_for("ErrImagePull", [](const std::string& image) {
      return "rpc error: code = NotFound desc = failed to pull and unpack image \"" + image +
             "\": failed to resolve reference \"" + image + "\": " + image + ": not found";
    });
    if (!api_.update_status(pod_key_, pending)) return PodEnd::kGone;
    if (!api_.sleep_while_exists(pod_key_, milliseconds(300))) return PodEnd::kGone;
    pending["containerStatuses"] = statuses_for("ImagePullBackOff", [](const std::string& image) {
      return "Back-off pulling image \"" + image + "\"";
    });
    if (!api_.update_status(pod_key_, pending)) return PodEnd::kGone;
    while (api_.sleep_while_exists(pod_key_, milliseconds(100))) {
      if (Clock::now() >= deadline_) {
        api_.delete_object(pod_key_);
        return PodEnd::kDeadline;
      }
    }
    return PodEnd::kGone;
  }

  int run_one(const json& container) {
    std::string name = container.value("name", "");
    std::vector<std::string> argv = container_argv(container);
    int code;
    if (argv.empty()) {
      api_.append_log(pod_key_.ns, pod_key_.name, name,
                      "fake kubelet: container \"" + name +
                          "\" has no command; the fake cannot run image entrypoints\n");
      code = 128;
    } else {
      auto mounts = empty_dir_paths(pod_, container, std::filesystem::absolute(api_.options().work_dir) / "fake-volumes");
      for (auto& a : argv) a = map_paths(a, mounts);
      auto env = container_env(container, pod_key_.name, pod_key_.ns);
      for (auto& [key, value] : env) value = map_paths(value, mounts);
      code = api_.run_container_process(pod_key_, name, argv, env);
    }
    api_.end_log(pod_key_.ns, pod_key_.name, name);
    finished_at_[name] = now_text();
    return code;
  }

  PodEnd finish(const std::vector<std::pair<std::string, int>>& codes, bool init_failed) {
    bool ok = !init_failed;
    json statuses = json::array();
    for (const auto& c : containers_) {
      std::string name = c.value("name", "");
      int code = -1;
      for (const auto& [n, v] : codes)
        if (n == name) code = v;
      json s = waiting_status(c, "", "");
      s["containerID"] = "containerd://" + pod_key_.name + "-" + name;
      if (code < 0) {
        s["state"] = {{"waiting", {{"reason", "PodInitializing"}}}};
      } else {
        json terminated = {{"exitCode", code},
                           {"reason", code == 0 ? "Completed" : "Error"},
                           {"startedAt", base_status_.value("startTime", "")},
                           {"finishedAt", finished_at_[name]},
                           {"containerID", s["containerID"]}};
        if (code != 0 && c.value("terminationMessagePolicy", "") == "FallbackToLogsOnError") {
          std::string log = api_.container_log(pod_key_.ns, pod_key_.name, name);
          terminated["message"] = log.size() > 2048 ? log.substr(log.size() - 2048) : log;
        }
        s["state"] = {{"terminated", terminated}};
        if (code != 0) ok = false;
      }
      statuses.push_back(s);
    }
    json done = base_status_;
    done["phase"] = ok ? "Succeeded" : "Failed";
    done["podIP"] = "127.0.0.1";
    std::string reason = "PodCompleted";
    done["conditions"] = {condition("PodReadyToStartContainers", "False", "", ""),
                          condition("Initialized", init_failed ? "False" : "True", "", ""),
                          condition("Ready", "False", reason, ""),
                          condition("ContainersReady", "False", reason, ""),
                          condition("PodScheduled", "True", "", "")};
    done["containerStatuses"] = statuses;
    if (!api_.update_status(pod_key_, done)) return PodEnd::kGone;
    return ok ? PodEnd::kSucceeded : PodEnd::kFailed;
  }

  FakeKubeApi& api_;
  ObjectKey job_key_;
  json job_;
  Clock::time_point deadline_;
  json pod_;
  ObjectKey pod_key_;
  json containers_;
  json base_status_;
  std::map<std::string, std::string> finished_at_;
};

}  // namespace

void run_job_kubelet(FakeKubeApi& api, const ObjectKey& key) {
  auto job = api.get_object(key);
  if (!job) return;
  const json& spec = (*job)["spec"];
  int backoff_limit = spec.value("backoffLimit", 6);
  long deadline_seconds = spec.value("activeDeadlineSeconds", 0L);
  auto deadline = deadline_seconds > 0 ? Clock::now() + std::chrono::seconds(deadline_seconds)
                                       : Clock::time_point::max();
  std::string start_time = now_text();
  int failed = 0;
  if (!api.update_status(key, {{"startTime", start_time},
                               {"active", 1},
                               {"ready", 0},
                               {"terminating", 0},
                               {"uncountedTerminatedPods", json::object()}}))
    return;
  auto terminal = [&](const std::string& type, const std::string& reason,
                      const std::string& message, int succeeded) {
    api.update_object(key, [&](json& j) {
      json status = {{"startTime", start_time},
                     {"active", 0},
                     {"ready", 0},
                     {"terminating", 0},
                     {"uncountedTerminatedPods", json::object()}};
      if (succeeded > 0) {
        status["succeeded"] = succeeded;
        status["completionTime"] = now_text();
        status["conditions"] = {condition("SuccessCriteriaMet", "True", reason, message),
                                condition("Complete", "True", reason, message)};
      } else {
        status["failed"] = failed;
        status["conditions"] = {condition("FailureTarget", "True", reason, message),
                                condition("Failed", "True", reason, message)};
      }
      j["status"] = status;
    });
  };
  for (;;) {
    PodRun pod(api, key, *job, deadline);
    PodEnd end = pod.run();
    if (api.shutting_down() || !api.get_object(key)) return;
    switch (end) {
      case PodEnd::kGone:
        return;
      case PodEnd::kSucceeded:
        terminal("Complete", "CompletionsReached", "Reached expected number of succeeded pods", 1);
        return;
      case PodEnd::kDeadline:
        ++failed;
        terminal("Failed", "DeadlineExceeded", "Job was active longer than specified deadline", 0);
        return;
      case PodEnd::kFailed:
        ++failed;
        if (failed > backoff_limit) {
          terminal("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit",
                   0);
          return;
        }
        api.update_object(key, [&](json& j) {
          j["status"]["failed"] = failed;
          j["status"]["ready"] = 0;
        });
        if (!api.sleep_while_exists(key, milliseconds(100))) return;
    }
  }
}

}  // namespace sextant::testing
