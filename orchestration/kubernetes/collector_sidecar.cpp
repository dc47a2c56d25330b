// The File and TensorFlowEvent collectors' sidecar and command wrapper on pod templates.
#include "orchestration/kubernetes/collector_sidecar.hpp"

#include <filesystem>
#include <functional>

#include "engine/error.hpp"

namespace sextant::orchestration {
namespace {

using nlohmann::json;

constexpr const char* kVolume = "sextant-metrics";
constexpr const char* kDoneMarker = ".sextant-done";

// A word for `sh -c`, whatever it holds.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Copies what the file gains to stdout until the marker shows the writer has ended. The marker
// is checked before the last read, so nothing written before it is missed.
std::string sidecar_script(const std::string& file, const std::string& marker) {
  return "f=" + shell_quote(file) + "; done=" + shell_quote(marker) +
         "; n=0\n"
         "while :; do\n"
         "  last=0; [ -f \"$done\" ] && last=1\n"
         "  if [ -f \"$f\" ]; then\n"
         "    s=$(wc -c < \"$f\")\n"
         "    if [ \"$s\" -gt \"$n\" ]; then tail -c +$((n + 1)) \"$f\" | head -c $((s - n)); "
         "n=$s; fi\n"
         "  fi\n"
         "  [ \"$last\" = 1 ] && exit 0\n"
         // A fifth of a second where sleep takes fractions (GNU, busybox), else POSIX's 1 s.
         "  sleep 0.2 2>/dev/null || sleep 1\n"
         "done\n";
}

// Once the marker shows the writer has ended: every TensorFlow event file below the directory,
// base64 between a header line with its path (relative to the directory) and an end line.
std::string tf_events_script(const std::string& directory, const std::string& marker) {
  // The directory with its trailing slash, so that ${f#"$d"} leaves the relative path.
  return "d=" + shell_quote(directory + "/") + "; done=" + shell_quote(marker) +
         "\n"
         "until [ -f \"$done\" ]; do sleep 0.2 2>/dev/null || sleep 1; done\n"
         "find \"$d\" -type f -name '*tfevents*' | while read -r f; do\n"
         "  echo \"" +
         std::string(kTfEventsFileLine) +
         " ${f#\"$d\"}\"\n"
         "  base64 \"$f\"\n"
         "  echo \"" +
         std::string(kTfEventsEndLine) +
         "\"\n"
         "done\n";
}

void add_mount(json& container, const std::string& directory) {
  json& mounts = container["volumeMounts"];
  if (!mounts.is_array()) mounts = json::array();
  mounts.push_back({{"name", kVolume}, {"mountPath", directory}});
}

// Pod specs (objects with a "containers" array) holding the primary container.
void for_each_primary_pod(json& node, const std::string& primary,
                          const std::function<void(json& pod_spec, json& container)>& fn) {
  if (node.is_object()) {
    auto containers = node.find("containers");
    if (containers != node.end() && containers->is_array()) {
      for (auto& c : *containers)
        if (c.is_object() && c.value("name", "") == primary) {
          fn(node, c);
          break;
        }
    }
    for (auto& [key, child] : node.items())
      if (key != "containers") for_each_primary_pod(child, primary, fn);
  } else if (node.is_array()) {
    for (auto& child : node) for_each_primary_pod(child, primary, fn);
  }
}

}  // namespace

void add_collector_sidecar(json& object, const engine::ExperimentSpec& spec) {
  const auto& collector = spec.metrics_collector;
  const bool tf_events = collector.kind == engine::CollectorKind::kTensorFlowEvent;
  const std::string what = tf_events ? "TensorFlowEvent" : "File";
  const std::string& primary = spec.trial_template.primary_container_name;
  // The File collector's file lives in the mounted directory; TensorFlow writes into the
  // collector's directory itself.
  std::string directory = tf_events
                              ? collector.file_path
                              : std::filesystem::path(collector.file_path).parent_path().string();
  while (directory.size() > 1 && directory.back() == '/') directory.pop_back();
  std::string marker = (std::filesystem::path(directory) / kDoneMarker).string();
  std::string script =
      tf_events ? tf_events_script(directory, marker) : sidecar_script(collector.file_path, marker);
  int pods = 0;
  for_each_primary_pod(object["spec"], primary, [&](json& pod_spec, json& container) {
    if (!container.contains("command") || !container["command"].is_array() ||
        container["command"].empty())
      throw Error(ErrorCode::kInvalidArgument,
                  "the " + what +
                      " collector on Kubernetes wraps the primary container's command, and "
                      "container \"" +
                      primary + "\" has none (it runs its image's entrypoint): give it a command");
    json argv = container["command"];
    for (const auto& a : container.value("args", json::array())) argv.push_back(a);
    container["command"] = {"sh", "-c",
                            "\"$@\"; code=$?; touch " + shell_quote(marker) + "; exit $code",
                            "sextant-file-collector"};
    container["args"] = argv;
    add_mount(container, directory);

    json sidecar = {{"name", kCollectorSidecar},
                    {"image", container.value("image", "busybox")},
                    {"command", {"sh", "-c", script}}};
    add_mount(sidecar, directory);
    pod_spec["containers"].push_back(sidecar);
    json& volumes = pod_spec["volumes"];
    if (!volumes.is_array()) volumes = json::array();
    volumes.push_back({{"name", kVolume}, {"emptyDir", json::object()}});
    ++pods;
  });
  if (pods == 0)
    throw Error(ErrorCode::kInvalidArgument,
                "the " + what + " collector on Kubernetes needs the primary container \"" +
                    primary +
                    "\" in a pod template (a Job, a training operator's replica); an Argo or "
                    "Tekton step cannot get its sidecar: report by StdOut or push there");
}

}  // namespace sextant::orchestration
