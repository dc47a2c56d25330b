// The Kubernetes backend (see kube_runner.hpp): create trial objects, follow them and their pods
// with level-triggered watch loops, stream the primary container's (or the File collector
// sidecar's) log into metrics.
#include "orchestration/kubernetes/kube_runner.hpp"

#include <algorithm>
#include <condition_variable>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "engine/error.hpp"
#include "orchestration/kubernetes/collector_sidecar.hpp"
#include "orchestration/kubernetes/tf_events_dump.hpp"
#include "orchestration/kubernetes/trial_object.hpp"
#include "orchestration/status/gjson.hpp"
#include "trials/local/launch_plan.hpp"
#include "trials/metrics/json_lines_parser.hpp"
#include "trials/metrics/line_buffer.hpp"
#include "trials/metrics/text_metrics_parser.hpp"
#include "trials/metrics/tf_event_reader.hpp"

namespace sextant::orchestration {
namespace {

using nlohmann::json;

constexpr const char* kLogName = "trial.log";

// Waiting reasons that do not clear up by themselves: the trial fails with the kubelet's words
// instead of sitting Pending forever (ErrImagePull alone is retried once by the kubelet first).
const std::set<std::string> kStuckReasons{"ImagePullBackOff", "InvalidImageName",
                                          "ErrImageNeverPull", "CreateContainerConfigError",
                                          "CreateContainerError"};

std::string label_of(const json& object, const std::string& key) {
  const json* labels = object.contains("metadata") ? &object["metadata"] : nullptr;
  if (!labels || !labels->contains("labels") || !(*labels)["labels"].is_object()) return "";
  return (*labels)["labels"].value(key, "");
}

std::string name_of(const json& object) {
  return object.contains("metadata") ? object["metadata"].value("name", "") : "";
}

std::string make_handle(const KubeResource& r, const std::string& ns, const std::string& name) {
  return "kube:" + r.api_version + ":" + r.kind + ":" + ns + ":" + name;
}

struct ParsedHandle {
  std::string api_version, kind, ns, name;
};

std::optional<ParsedHandle> parse_handle(const std::string& handle) {
  std::vector<std::string> parts;
  size_t begin = 0;
  for (size_t colon; (colon = handle.find(':', begin)) != std::string::npos; begin = colon + 1)
    parts.push_back(handle.substr(begin, colon - begin));
  parts.push_back(handle.substr(begin));
  if (parts.size() != 5 || parts[0] != "kube") return std::nullopt;
  return ParsedHandle{parts[1], parts[2], parts[3], parts[4]};
}

// The text a matched condition carries (Katib copies reason and message from it).
std::string field_or(const json& match, const char* key, const std::string& fallback) {
  if (match.is_object() && match.contains(key) && match[key].is_string() &&
      !match[key].get<std::string>().empty())
    return match[key].get<std::string>();
  return fallback;
}

}  // namespace

class KubeRunner::Impl {
 public:
  Impl(std::shared_ptr<KubeClient> client, KubeRunnerOptions options)
      : client_(std::move(client)), options_(std::move(options)) {}

  ~Impl() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      stop_flag_ = true;
      for (auto& [name, t] : trials_) t->log_stop = true;
      for (auto& t : retired_) t->log_stop = true;
    }
    wake_.notify_all();
    for (auto* thread : {&object_watch_, &pod_watch_})
      if (thread->joinable()) thread->join();
    std::vector<std::shared_ptr<Tracked>> all;
    {
      std::lock_guard lock(mutex_);
      for (auto& [name, t] : trials_) all.push_back(t);
      all.insert(all.end(), retired_.begin(), retired_.end());
    }
    for (auto& t : all) join_threads(*t);
  }

  std::string start(const engine::TrialLaunch& launch, engine::TrialEvents& events) {
    try {
      const auto& spec = *launch.spec;
      TrialWorkerEnv env{options_.advertised_report_url, launch.report_token, artifact_uri(launch)};
      if (options_.advertised_report_url.empty()) env.report_token.clear();
      json object = cluster_trial_object(spec, launch.trial, launch.assignment, launch.labels, env);
      if (spec.metrics_collector.kind == engine::CollectorKind::kFile ||
          spec.metrics_collector.kind == engine::CollectorKind::kTensorFlowEvent)
        add_collector_sidecar(object, spec);
      std::string ns = namespace_for(spec);
      KubeResource resource =
          client_->resource(object.value("apiVersion", ""), object.value("kind", ""));
      auto tracked = track(launch, events, resource, ns, launch.trial);
      try {
        client_->create(object, ns);
      } catch (const KubeError& e) {
        if (e.code() == ErrorCode::kUnavailable) {
          // The API server is away (the client already retried): keep trying in the background
          // instead of failing a trial that never started; the watch loops pick it up.
          create_later(tracked, std::move(object), e.what());
          ensure_watching(spec, resource, ns);
          return make_handle(resource, ns, launch.trial);
        }
        if (e.http_status() != 409) throw;
        // Ours from a previous engine (same name, same trial label): follow it.
        json existing = client_->get(resource, ns, launch.trial);
        if (label_of(existing, kTrialLabel) != launch.trial) {
          untrack(launch.trial);
          throw Error(ErrorCode::kConflict,
                      resource.kind + " " + ns + "/" + launch.trial +
                          " already exists and was not created for this trial (no " + kTrialLabel +
                          "=" + launch.trial +
                          " label); delete it or rename the "
                          "experiment");
        }
        append_log(*tracked, "sextant: adopted the existing " + resource.kind + " " + ns + "/" +
                                 launch.trial + "\n");
      }
      ensure_watching(spec, resource, ns);
      wake_.notify_all();
      return make_handle(resource, ns, launch.trial);
    } catch (const std::exception& e) {
      untrack(launch.trial);
      events.on_exit({launch.trial, false, "StartError", e.what()});
      return "";
    }
  }

  bool adopt(const engine::TrialLaunch& launch, const std::string& handle,
             engine::TrialEvents& events) {
    auto parsed = parse_handle(handle);
    if (!parsed) return false;
    KubeResource resource = client_->resource(parsed->api_version, parsed->kind);
    json existing;
    try {
      existing = client_->get(resource, parsed->ns, parsed->name);
    } catch (const KubeError& e) {
      if (e.http_status() == 404) return false;  // gone: the controller runs the trial again
      throw;
    }
    if (label_of(existing, kTrialLabel) != launch.trial) return false;
    track(launch, events, resource, parsed->ns, parsed->name);
    ensure_watching(*launch.spec, resource, parsed->ns);
    wake_.notify_all();
    return true;
  }

  void cancel(const std::string& trial, std::chrono::milliseconds) {
    std::shared_ptr<Tracked> t;
    {
      std::lock_guard lock(mutex_);
      auto it = trials_.find(trial);
      if (it == trials_.end() || it->second->finishing) return;
      t = it->second;
      t->cancelled = true;
    }
    finish(t, false, "Cancelled", "deleted the trial's " + t->resource.kind + " on request");
  }

  bool reap_orphan(const std::string& trial, const std::string& handle) {
    auto parsed = parse_handle(handle);
    if (!parsed) return false;
    KubeResource resource = client_->resource(parsed->api_version, parsed->kind);
    return client_->remove(resource, parsed->ns, parsed->name);
  }

 private:
  struct Tracked {
    std::string trial, ns, name;
    KubeResource resource;
    const engine::ExperimentSpec* spec = nullptr;
    engine::TrialEvents* events = nullptr;
    std::filesystem::path log_path;
    // The container whose log carries the metrics: the primary one (StdOut), or the File
    // collector's sidecar; and its parser (TEXT lines, or JSON lines for a JSON metrics file).
    std::string log_container;
    std::shared_ptr<const trials::TextMetricsParser> parser;
    std::shared_ptr<const trials::JsonLinesParser> json_parser;
    // TensorFlowEvent: the event files the sidecar prints, and the metrics to read from them.
    std::unique_ptr<TfEventsDump> tf_events;
    std::vector<std::string> metric_names;
    bool seen = false;       // listed or watched at least once (so a later absence means deleted)
    bool finishing = false;  // finish() ran: no second on_exit
    std::atomic<bool> cancelled{false};
    // The primary container's log.
    std::string log_pod;
    std::atomic<bool> log_stop{false};
    std::thread log_thread;
    std::thread finish_thread;
    std::thread creator;  // retries the create while the API server is unreachable
    std::atomic<bool> log_done{false};
    size_t log_bytes = 0;  // bytes already processed (a reconnect skips them)
    trials::LineBuffer lines;
  };

  std::string namespace_for(const engine::ExperimentSpec& spec) const {
    return options_.namespace_name.empty() ? spec.namespace_name : options_.namespace_name;
  }

  std::string artifact_uri(const engine::TrialLaunch& launch) const {
    if (options_.artifact_prefix.empty()) return "";
    return options_.artifact_prefix + "/" + launch.experiment + "/" + launch.trial;
  }

  std::shared_ptr<Tracked> track(const engine::TrialLaunch& launch, engine::TrialEvents& events,
                                 const KubeResource& resource, const std::string& ns,
                                 const std::string& name) {
    auto t = std::make_shared<Tracked>();
    t->trial = launch.trial;
    t->ns = ns;
    t->name = name;
    t->resource = resource;
    t->spec = launch.spec;
    t->events = &events;
    t->log_path = launch.trial_dir / kLogName;
    std::ofstream(t->log_path, std::ios::trunc);  // a re-read log replaces what was there
    const auto& collector = launch.spec->metrics_collector;
    std::vector<std::string> names = launch.spec->objective.all_metric_names();
    std::erase(names, std::string());
    t->log_container = launch.spec->trial_template.primary_container_name;
    // With a sidecar, trial.log holds what the sidecar reads; this says where the rest is.
    const std::string training_log =
        "the training container's own log: kubectl logs -n " + ns + " <pod> -c " + t->log_container;
    if (collector.kind == engine::CollectorKind::kStdOut) {
      t->parser = parsers_.text(names, collector.filters);
    } else if (collector.kind == engine::CollectorKind::kFile) {
      t->log_container = kCollectorSidecar;
      if (collector.format == engine::FileFormat::kJson)
        t->json_parser = std::make_shared<trials::JsonLinesParser>(names);
      else
        t->parser = parsers_.text(names, collector.filters);
      append_log(*t, "sextant: this log is " + collector.file_path +
                         " as the File collector's sidecar reads it; " + training_log + "\n");
    } else if (collector.kind == engine::CollectorKind::kTensorFlowEvent) {
      t->log_container = kCollectorSidecar;
      t->metric_names = names;
      auto dir = launch.trial_dir / "metrics" / "tfevent";
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);  // a retried trial starts without the old files
      t->tf_events = std::make_unique<TfEventsDump>(dir);
      append_log(*t, "sextant: the TensorFlow event files under " + collector.file_path +
                         " arrive through the collector's sidecar when the training container "
                         "ends, into " +
                         dir.string() + "; " + training_log + "\n");
    } else if (collector.kind != engine::CollectorKind::kPush) {
      append_log(*t, std::string("sextant: the ") + engine::to_string(collector.kind) +
                         " collector has no reader on Kubernetes; metrics arrive only by push "
                         "(SEXTANT_REPORT_URL, with --advertise-url)\n");
    }
    std::lock_guard lock(mutex_);
    if (auto old = trials_.find(launch.trial); old != trials_.end())
      retired_.push_back(old->second);
    trials_[launch.trial] = t;
    return t;
  }

  // Threads of a forgotten trial are joined when the runner goes, never by a map erase.
  void create_later(const std::shared_ptr<Tracked>& t, json object, const std::string& why) {
    append_log(*t, "sextant: cannot reach the API server yet (" + why + "); retrying\n");
    std::lock_guard lock(mutex_);
    t->creator = std::thread([this, t, object = std::move(object)] {
      auto backoff = options_.initial_backoff;
      while (!stopping() && !t->cancelled) {
        try {
          client_->create(object, t->ns);
          return;
        } catch (const KubeError& e) {
          if (e.http_status() == 409) return;  // an earlier attempt got through
          if (e.code() != ErrorCode::kUnavailable) {
            finish(t, false, "StartError", e.what());
            return;
          }
        } catch (const std::exception& e) {
          finish(t, false, "StartError", e.what());
          return;
        }
        pause(backoff);
        backoff = std::min(backoff * 2, options_.max_backoff);
      }
    });
  }

  void untrack(const std::string& trial) {
    std::lock_guard lock(mutex_);
    auto it = trials_.find(trial);
    if (it == trials_.end()) return;
    retired_.push_back(it->second);
    trials_.erase(it);
  }

  void ensure_watching(const engine::ExperimentSpec& spec, const KubeResource& resource,
                       const std::string& ns) {
    std::lock_guard lock(mutex_);
    if (object_watch_.joinable()) return;
    selector_ = experiment_selector(spec.name);
    watched_ = resource;
    watched_ns_ = ns;
    object_watch_ = std::thread([this] { watch_loop(false); });
    pod_watch_ = std::thread([this] { watch_loop(true); });
  }

  // List, then watch from the list's resourceVersion, as an informer does: a broken stream is
  // resumed from the last resourceVersion seen (after a backoff while the API server is away);
  // only a 410 (that version is compacted away) makes it list again. Handling is idempotent, so
  // an event seen twice does no harm.
  void watch_loop(bool pods) {
    KubeResource resource = pods ? KubeClient::pod_resource() : watched_;
    auto backoff = options_.initial_backoff;
    std::string version;  // "" = list first
    while (!stopping()) {
      try {
        if (version.empty()) {
          json list = client_->list(resource, watched_ns_, selector_);
          std::set<std::string> present;
          for (const auto& item : list.value("items", json::array())) {
            present.insert(name_of(item));
            pods ? on_pod(item) : on_object("ADDED", item);
          }
          if (!pods) notice_missing(present);
          version = list["metadata"].value("resourceVersion", "0");
        }
        version = client_->watch(
            resource, watched_ns_, selector_, version,
            [&](const std::string& type, const json& object) {
              if (type != "BOOKMARK") pods ? on_pod(object) : on_object(type, object);
              return !stopping();
            },
            &stop_flag_);
        backoff = options_.initial_backoff;
      } catch (const KubeError& e) {
        if (e.http_status() == 410) {
          version.clear();  // too old: list again
          continue;
        }
        pause(backoff);
        backoff = std::min(backoff * 2, options_.max_backoff);
      } catch (const std::exception&) {
        pause(backoff);
        backoff = std::min(backoff * 2, options_.max_backoff);
      }
    }
  }

  bool stopping() {
    std::lock_guard lock(mutex_);
    return stop_;
  }

  void pause(std::chrono::milliseconds how_long) {
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, how_long, [&] { return stop_; });
  }

  std::shared_ptr<Tracked> find(const std::string& trial) {
    std::lock_guard lock(mutex_);
    auto it = trials_.find(trial);
    if (it == trials_.end() || it->second->finishing) return nullptr;
    return it->second;
  }

  void on_object(const std::string& type, const json& object) {
    auto t = find(label_of(object, kTrialLabel));
    if (!t || name_of(object) != t->name) return;
    if (type == "DELETED") {
      if (!t->cancelled)
        finish(t, false, "Deleted",
               t->resource.kind + " " + t->ns + "/" + t->name + " was deleted outside sextant");
      return;
    }
    {
      std::lock_guard lock(mutex_);
      t->seen = true;
    }
    const auto& tt = t->spec->trial_template;
    // Katib's order: failure first, then success (katib.md 2.8).
    if (!tt.failure_condition.empty())
      if (auto match = condition_match(object, tt.failure_condition)) {
        finish(t, false, field_or(*match, "reason", "Failed"),
               field_or(*match, "message",
                        t->resource.kind + " " + t->name + " met the failureCondition"));
        return;
      }
    if (!tt.success_condition.empty())
      if (auto match = condition_match(object, tt.success_condition))
        finish(t, true, field_or(*match, "reason", "Succeeded"), field_or(*match, "message", ""));
  }

  // A trial we saw before that a relist no longer shows was deleted while we were not watching.
  void notice_missing(const std::set<std::string>& present) {
    std::vector<std::shared_ptr<Tracked>> gone;
    {
      std::lock_guard lock(mutex_);
      for (auto& [name, t] : trials_)
        if (t->seen && !t->finishing && !t->cancelled && !present.count(t->name)) gone.push_back(t);
    }
    for (auto& t : gone)
      finish(t, false, "Deleted",
             t->resource.kind + " " + t->ns + "/" + t->name + " was deleted outside sextant");
  }

  bool is_primary_pod(const Tracked& t, const json& pod) const {
    for (const auto& [key, value] : t.spec->trial_template.primary_pod_labels)
      if (label_of(pod, key) != value) return false;
    return true;
  }

  void on_pod(const json& pod) {
    auto t = find(label_of(pod, kTrialLabel));
    if (!t || !is_primary_pod(*t, pod)) return;
    const std::string& container = t->spec->trial_template.primary_container_name;
    const json status = pod.value("status", json::object());
    for (const auto& cs : status.value("containerStatuses", json::array())) {
      if (cs.value("name", "") != container) continue;
      const json state = cs.value("state", json::object());
      if (state.contains("waiting")) {
        std::string reason = state["waiting"].value("reason", "");
        if (kStuckReasons.count(reason)) {
          finish(t, false, reason,
                 "pod " + name_of(pod) + " container " + container + ": " +
                     state["waiting"].value("message", reason));
          return;
        }
      }
      if (state.contains("running") || state.contains("terminated")) follow_log(t, name_of(pod));
    }
  }

  void follow_log(const std::shared_ptr<Tracked>& t, const std::string& pod) {
    std::lock_guard lock(mutex_);
    if (!t->log_pod.empty() || t->finishing) return;
    t->log_pod = pod;
    t->log_thread = std::thread([this, t] { read_log(t); });
  }

  // Follows the log until the container ends; a reconnect reads it again from the start and
  // skips the bytes already handled.
  void read_log(const std::shared_ptr<Tracked>& t) {
    const std::string& container = t->log_container;
    auto backoff = options_.initial_backoff;
    while (!t->log_stop) {
      size_t offset = 0;
      try {
        client_->follow_logs(
            t->ns, t->log_pod, container,
            [&](std::string_view chunk) {
              size_t end = offset + chunk.size();
              if (end > t->log_bytes) {
                take_log(*t, chunk.substr(t->log_bytes > offset ? t->log_bytes - offset : 0));
                t->log_bytes = end;
              }
              offset = end;
              return !t->log_stop.load();
            },
            &t->log_stop);
        break;  // the container ended
      } catch (const std::exception&) {
        std::unique_lock lock(mutex_);
        wake_.wait_for(lock, backoff, [&] { return stop_ || t->log_stop.load(); });
        backoff = std::min(backoff * 2, options_.max_backoff);
      }
    }
    t->log_done = true;
  }

  // After the follower (if any) has stopped: read the metrics container's whole log once and
  // handle what the stream did not deliver. This covers a container that ended before the pod
  // watch saw it run (the object's watch can report the end first) and a stream cut short.
  void catch_up_log(Tracked& t) {
    const std::string& container = t.log_container;
    try {
      if (t.log_pod.empty()) {
        json pods = client_->list(KubeClient::pod_resource(), t.ns, trial_selector(t.trial));
        for (const auto& pod : pods.value("items", json::array()))
          if (is_primary_pod(t, pod)) t.log_pod = name_of(pod);  // the last: a retry's pod
      }
      if (!t.log_pod.empty()) {
        std::string text = client_->logs(t.ns, t.log_pod, container);
        if (text.size() > t.log_bytes) take_log(t, std::string_view(text).substr(t.log_bytes));
        t.log_bytes = std::max(t.log_bytes, text.size());
      }
    } catch (const std::exception& e) {
      append_log(t, std::string("sextant: could not read the log: ") + e.what() + "\n");
    }
    std::vector<engine::MetricReport> reports;
    if (t.tf_events) {
      t.lines.flush([&](std::string_view line) { t.tf_events->line(line); });
      read_tf_events(t);
      return;
    }
    t.lines.flush([&](std::string_view line) { parse(t, line, reports); });
    if (!reports.empty()) t.events->on_metrics(std::move(reports));
  }

  // The event files the sidecar printed are complete now (it printed them after the training
  // container ended): read them as the local runner does.
  void read_tf_events(Tracked& t) {
    for (const auto& p : t.tf_events->problems()) append_log(t, "sextant: " + p + "\n");
    std::vector<std::string> notes;
    auto reports = trials::tf_event_metrics(t.tf_events->directory(), t.metric_names, &notes);
    for (const auto& n : notes) append_log(t, "sextant: TensorFlow events: " + n + "\n");
    append_log(t, "sextant: " + std::to_string(t.tf_events->files()) +
                      " TensorFlow event file(s) received, " + std::to_string(reports.size()) +
                      " scalar(s) of the experiment's metrics\n");
    for (auto& r : reports) r.trial = t.trial;
    if (!reports.empty()) t.events->on_metrics(std::move(reports));
  }

  void take_log(Tracked& t, std::string_view data) {
    if (t.tf_events) {  // base64 of binary files: decoded, not copied into trial.log
      t.lines.feed(data, [&](std::string_view line) { t.tf_events->line(line); });
      return;
    }
    append_log(t, data);
    std::vector<engine::MetricReport> reports;
    t.lines.feed(data, [&](std::string_view line) { parse(t, line, reports); });
    if (!reports.empty()) t.events->on_metrics(std::move(reports));
  }

  void parse(const Tracked& t, std::string_view line, std::vector<engine::MetricReport>& out) {
    size_t before = out.size();
    if (t.json_parser) {
      std::string error = t.json_parser->parse_line(line, out);
      if (!error.empty()) append_log(t, "sextant: " + error + "\n");
    } else if (t.parser) {
      t.parser->parse_line(line, out);
    }
    for (size_t i = before; i < out.size(); ++i) out[i].trial = t.trial;
  }

  static void append_log(const Tracked& t, std::string_view data) {
    std::ofstream out(t.log_path, std::ios::app | std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
  }

  // The trial is over: let the log reader drain (the container has ended, so its stream closes),
  // clean up the object unless retained, then tell the controller. Runs on its own thread so the
  // watch loops never wait for it.
  void finish(const std::shared_ptr<Tracked>& t, bool succeeded, std::string reason,
              std::string message) {
    std::lock_guard lock(mutex_);
    if (t->finishing) return;
    t->finishing = true;
    t->finish_thread = std::thread(
        [this, t, succeeded, reason = std::move(reason), message = std::move(message)]() mutable {
          drain_log(*t);
          std::string cleanup_note;
          if (t->cancelled || !t->spec->trial_template.retain) {
            try {
              client_->remove(t->resource, t->ns, t->name);
            } catch (const std::exception& e) {
              cleanup_note = std::string(" (could not delete it: ") + e.what() + ")";
            }
          }
          if (!cleanup_note.empty()) append_log(*t, "sextant:" + cleanup_note + "\n");
          engine::TrialExit exit{t->trial, succeeded, succeeded ? "" : reason,
                                 succeeded ? message : message + cleanup_note};
          if (!stopping()) t->events->on_exit(std::move(exit));  // the controller may be gone
        });
  }

  void drain_log(Tracked& t) {
    bool reading;
    {
      std::lock_guard lock(mutex_);
      reading = t.log_thread.joinable();
    }
    if (!reading || t.cancelled) {
      t.log_stop = true;
    } else {
      // A finished container's stream ends by itself; a slow one gets a few seconds before the
      // catch-up read below takes over.
      for (int i = 0; i < 30 && !t.log_stop; ++i) {
        std::unique_lock lock(mutex_);
        if (wake_.wait_for(lock, std::chrono::milliseconds(100), [&] { return stop_; })) break;
        if (t.log_done) break;
      }
      t.log_stop = true;
    }
    {
      std::lock_guard lock(join_mutex_);
      if (t.log_thread.joinable()) t.log_thread.join();
    }
    if (!t.cancelled) catch_up_log(t);
  }

  void join_threads(Tracked& t) {
    t.log_stop = true;
    {
      std::lock_guard lock(join_mutex_);
      if (t.log_thread.joinable()) t.log_thread.join();
    }
    if (t.creator.joinable()) t.creator.join();
    if (t.finish_thread.joinable()) t.finish_thread.join();
  }

  std::shared_ptr<KubeClient> client_;
  KubeRunnerOptions options_;
  trials::ParserCache parsers_;
  std::mutex mutex_;
  std::mutex join_mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<bool> stop_flag_{false};
  std::map<std::string, std::shared_ptr<Tracked>> trials_;
  std::vector<std::shared_ptr<Tracked>> retired_;
  std::string selector_;
  KubeResource watched_;
  std::string watched_ns_;
  std::thread object_watch_;
  std::thread pod_watch_;
};

KubeRunner::KubeRunner(std::shared_ptr<KubeClient> client, KubeRunnerOptions options)
    : impl_(std::make_unique<Impl>(std::move(client), std::move(options))) {}

KubeRunner::~KubeRunner() = default;

std::string KubeRunner::start(const engine::TrialLaunch& launch, engine::TrialEvents& events) {
  return impl_->start(launch, events);
}

bool KubeRunner::adopt(const engine::TrialLaunch& launch, const std::string& handle,
                       engine::TrialEvents& events) {
  return impl_->adopt(launch, handle, events);
}

void KubeRunner::cancel(const std::string& trial, std::chrono::milliseconds grace) {
  impl_->cancel(trial, grace);
}

bool KubeRunner::reap_orphan(const std::string& trial, const std::string& handle) {
  return impl_->reap_orphan(trial, handle);
}

std::filesystem::path KubeRunner::log_path(const std::filesystem::path& trial_dir) const {
  return trial_dir / kLogName;
}

}  // namespace sextant::orchestration
