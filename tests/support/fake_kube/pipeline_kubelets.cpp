// Argo Workflow and Tekton PipelineRun "controllers" for the fake API server, running the steps
// with the real local pipeline executor (see pipeline_kubelets.hpp).
#include "tests/support/fake_kube/pipeline_kubelets.hpp"

#include <ctime>
#include <fstream>
#include <sstream>
#include <stop_token>
#include <thread>

#include "engine/util/rfc3339.hpp"
#include "orchestration/pipeline/executor.hpp"
#include "orchestration/pipeline/pipeline.hpp"

extern char** environ;

namespace sextant::testing {
namespace {

using nlohmann::json;

std::string now_text() {
  return engine::format_time_rfc3339(static_cast<double>(std::time(nullptr)));
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

enum class Flavor { kArgo, kTekton };

// Runs the object's pipeline; the caller turns the result into the kind's status.
orchestration::PipelineResult run_steps(FakeKubeApi& api, const ObjectKey& key,
                                        const json& object, Flavor flavor) {
  orchestration::Pipeline pipeline = orchestration::read_pipeline(object, {});
  orchestration::PipelineRunOptions options;
  options.run_dir = api.options().work_dir / "pipelines" / key.ns / key.name;
  options.code_dir = api.options().work_dir;
  for (char** e = environ; *e; ++e) options.env.emplace_back(*e);
  for (const auto& [name, value] : api.options().extra_env) options.env.push_back(name + "=" + value);

  // Deleting the object stops the run, as its controller would.
  std::stop_source stop;
  options.stop = stop.get_token();
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done && api.sleep_while_exists(key, std::chrono::milliseconds(100))) {
    }
    if (!done) stop.request_stop();
  });
  orchestration::PipelineResult result = orchestration::run_pipeline(pipeline, options);
  done = true;
  watcher.join();

  // The steps' pods, with their logs, before the object's final status (a cluster's order).
  json pod_labels = json::object();
  if (flavor == Flavor::kArgo && object.contains("spec") && object["spec"].contains("podMetadata"))
    pod_labels = object["spec"]["podMetadata"].value("labels", json::object());
  if (flavor == Flavor::kTekton && object.contains("metadata"))
    pod_labels = object["metadata"].value("labels", json::object());
  for (size_t i = 0; i < result.steps.size() && i < pipeline.steps.size(); ++i) {
    const auto& step = pipeline.steps[i];
    const auto& ran = result.steps[i];
    if (ran.phase == orchestration::StepPhase::kSkipped ||
        ran.phase == orchestration::StepPhase::kPending)
      continue;
    json labels = pod_labels;
    for (const auto& [k, v] : step.pod_labels) labels[k] = v;
    if (flavor == Flavor::kArgo) {
      labels["workflows.argoproj.io/workflow"] = key.name;
    } else {
      labels["tekton.dev/pipelineRun"] = key.name;
      labels["tekton.dev/pipelineTask"] = step.group;
    }
    std::string pod = key.name + "-" + step.name;
    json object_pod = {{"apiVersion", "v1"},
                       {"kind", "Pod"},
                       {"metadata", {{"name", pod}, {"namespace", key.ns}, {"labels", labels}}},
                       {"spec", {{"containers", {{{"name", step.container}, {"image", "local"}}}}}}};
    try {
      api.create_object(object_pod);
    } catch (const std::exception&) {
      continue;  // the run was deleted meanwhile
    }
    ObjectKey pod_key{"v1", "Pod", "pods", key.ns, pod};
    api.append_log(key.ns, pod, step.container, read_file(ran.log));
    api.end_log(key.ns, pod, step.container);
    bool ok = ran.phase == orchestration::StepPhase::kSucceeded;
    int code = ran.exit_code.value_or(ok ? 0 : 1);
    api.update_status(
        pod_key,
        {{"phase", ok ? "Succeeded" : "Failed"},
         {"containerStatuses",
          {{{"name", step.container},
            {"state",
             {{"terminated",
               {{"exitCode", code}, {"reason", ok ? "Completed" : "Error"},
                {"finishedAt", now_text()}}}}}}}}});
  }
  return result;
}

}  // namespace

void run_workflow_kubelet(FakeKubeApi& api, const ObjectKey& key) {
  auto object = api.get_object(key);
  if (!object) return;
  std::string started = now_text();
  api.update_status(key, {{"phase", "Running"}, {"startedAt", started}});
  orchestration::PipelineResult result;
  try {
    result = run_steps(api, key, *object, Flavor::kArgo);
  } catch (const std::exception& e) {
    api.update_status(key, {{"phase", "Error"}, {"message", e.what()}, {"startedAt", started},
                            {"finishedAt", now_text()}});
    return;
  }
  json nodes = json::object();
  for (const auto& step : result.steps)
    nodes[key.name + "-" + step.name] = {{"displayName", step.name},
                                          {"phase", orchestration::to_string(step.phase)}};
  json status = {{"phase", result.succeeded ? "Succeeded" : "Failed"},
                 {"startedAt", started},
                 {"finishedAt", now_text()},
                 {"nodes", nodes}};
  if (!result.succeeded) status["message"] = result.message;
  api.update_status(key, status);
}

void run_pipeline_run_kubelet(FakeKubeApi& api, const ObjectKey& key) {
  auto object = api.get_object(key);
  if (!object) return;
  std::string started = now_text();
  auto condition = [](const std::string& status, const std::string& reason,
                      const std::string& message) {
    return json::array({{{"type", "Succeeded"},
                         {"status", status},
                         {"reason", reason},
                         {"message", message},
                         {"lastTransitionTime", now_text()}}});
  };
  api.update_status(key, {{"startTime", started},
                          {"conditions", condition("Unknown", "Running", "Tasks Completed: 0")}});
  orchestration::PipelineResult result;
  try {
    result = run_steps(api, key, *object, Flavor::kTekton);
  } catch (const std::exception& e) {
    api.update_status(key, {{"startTime", started},
                            {"conditions", condition("False", "PipelineRunCouldntRun", e.what())}});
    return;
  }
  api.update_status(
      key, {{"startTime", started},
            {"completionTime", now_text()},
            {"conditions", result.succeeded
                               ? condition("True", "Succeeded", "All Tasks have completed")
                               : condition("False", "Failed", result.message)}});
}

void register_pipeline_kubelets(FakeKubeApi& api) {
  api.register_kubelet("argoproj.io/v1alpha1", "Workflow", run_workflow_kubelet);
  api.register_kubelet("tekton.dev/v1beta1", "PipelineRun", run_pipeline_run_kubelet);
  api.register_kubelet("tekton.dev/v1", "PipelineRun", run_pipeline_run_kubelet);
}

}  // namespace sextant::testing
