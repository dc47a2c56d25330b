// The File collector's sidecar and command wrapper on pod templates.
#include "orchestration/kubernetes/file_collector.hpp"

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

void add_file_collector(json& object, const engine::ExperimentSpec& spec) {
  const std::string& file = spec.metrics_collector.file_path;
  const std::string& primary = spec.trial_template.primary_container_name;
  std::string directory = std::filesystem::path(file).parent_path().string();
  std::string marker = (std::filesystem::path(directory) / kDoneMarker).string();
  int pods = 0;
  for_each_primary_pod(object["spec"], primary, [&](json& pod_spec, json& container) {
    if (!container.contains("command") || !container["command"].is_array() ||
        container["command"].empty())
      throw Error(ErrorCode::kInvalidArgument,
                  "the File collector on Kubernetes wraps the primary container's command, and "
                  "container \"" +
                      primary + "\" has none (it runs its image's entrypoint): give it a command");
    json argv = container["command"];
    for (const auto& a : container.value("args", json::array())) argv.push_back(a);
    container["command"] = {"sh", "-c",
                            "\"$@\"; code=$?; touch " + shell_quote(marker) + "; exit $code",
                            "sextant-file-collector"};
    container["args"] = argv;
    add_mount(container, directory);

    json sidecar = {{"name", kFileCollectorContainer},
                    {"image", container.value("image", "busybox")},
                    {"command", {"sh", "-c", sidecar_script(file, marker)}}};
    add_mount(sidecar, directory);
    pod_spec["containers"].push_back(sidecar);
    json& volumes = pod_spec["volumes"];
    if (!volumes.is_array()) volumes = json::array();
    volumes.push_back({{"name", kVolume}, {"emptyDir", json::object()}});
    ++pods;
  });
  if (pods == 0)
    throw Error(ErrorCode::kInvalidArgument,
                "the File collector on Kubernetes needs the primary container \"" + primary +
                    "\" in a pod template (a Job, a training operator's replica); an Argo or "
                    "Tekton step cannot get its sidecar: report by StdOut or push there");
}

}  // namespace sextant::orchestration
