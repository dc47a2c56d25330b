// A loopback fake of the Kubeflow Pipelines v2beta1 REST API that really runs the pipelines:
// each task's container command runs as a local process, in dependency order.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sextant::testing {

// What the fake checks and does, as the real API server and its Argo backend would:
// - POST /apis/v2beta1/runs: display_name required; exactly one of pipeline_spec and
//   pipeline_version_reference (only pipeline_spec is supported); every runtime parameter
//   declared in root.inputDefinitions.parameters with a JSON value of its parameterType; a
//   declared parameter without a value and without defaultValue/isOptional is an error (400
//   with a google.rpc.Status-like body {code, message}). The run starts PENDING, turns
//   RUNNING, then SUCCEEDED or FAILED (error.message names the failed task and its exit status).
// - Tasks run in root.dag dependency order (dependentTasks), each as the executor's container
//   command + args with {{$.inputs.parameters['x']}} replaced (componentInputParameter,
//   runtimeValue.constant) and the container's env added to the fake's own environment plus
//   `extra_env`; in `work_dir`. Images are ignored: the commands must exist on this host.
// - GET /apis/v2beta1/runs/{id} (404 when unknown), GET /apis/v2beta1/runs (all),
//   POST /apis/v2beta1/runs/{id}:terminate (kills the running task, state CANCELED),
//   GET /apis/v2beta1/healthz. A bearer token is required when `token` is set (401 otherwise).
class FakeKfp {
 public:
  struct Options {
    std::filesystem::path work_dir;
    std::map<std::string, std::string> extra_env;
    std::string token;  // "" = no authentication
  };

  explicit FakeKfp(Options options);
  ~FakeKfp();
  FakeKfp(const FakeKfp&) = delete;
  FakeKfp& operator=(const FakeKfp&) = delete;

  std::string url() const;  // http://127.0.0.1:<port>
  // Every run as GET would show it, in creation order.
  std::vector<nlohmann::json> runs() const;
  // "METHOD path" of every request received, in order.
  std::vector<std::string> requests() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sextant::testing
