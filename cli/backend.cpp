// Builds the TrialRunner `sextant run --backend` names (see backend.hpp).
#include "cli/backend.hpp"

#include <cstdlib>
#include <filesystem>
#include <cctype>
#include <fstream>
#include <sstream>

#include "engine/error.hpp"
#include "engine/spec/yaml_document.hpp"
#include "orchestration/kfp/kfp_runner.hpp"
#include "orchestration/kubernetes/kube_config.hpp"
#include "orchestration/kubernetes/kube_runner.hpp"
#include "trials/builtin.hpp"

namespace sextant::cli {
namespace {

std::string read_file(const std::string& path, const std::string& flag) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorCode::kNotFound, flag + " " + path + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string trimmed(std::string text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  return text;
}

orchestration::ClusterConnection cluster_connection(const BackendOptions& options) {
  if (!options.kubeconfig.empty())
    return orchestration::load_kubeconfig(options.kubeconfig, options.context);
  auto path = orchestration::default_kubeconfig_path();
  // Inside a pod without a kubeconfig, the service account is the identity (as kubectl does).
  if (!std::filesystem::exists(path) && std::getenv("KUBERNETES_SERVICE_HOST"))
    return orchestration::in_cluster_config();
  return orchestration::load_kubeconfig(path, options.context);
}

std::unique_ptr<engine::TrialRunner> kubernetes_runner(const BackendOptions& options,
                                                       const BackendContext& context) {
  auto connection = cluster_connection(options);
  orchestration::KubeRunnerOptions runner;
  runner.namespace_name = options.namespace_name;
  runner.advertised_report_url = options.advertise_url;
  runner.artifact_prefix = context.artifact_prefix;
  return std::make_unique<orchestration::KubeRunner>(
      std::make_shared<orchestration::KubeClient>(std::move(connection)), runner);
}

std::unique_ptr<engine::TrialRunner> kfp_runner(const BackendOptions& options,
                                                const BackendContext& context) {
  if (options.kfp_url.empty())
    throw Error(ErrorCode::kInvalidArgument,
                "--backend kfp needs --kfp-url (the Kubeflow Pipelines API, e.g. "
                "http://ml-pipeline.kubeflow:8888)");
  orchestration::HttpClientConfig http;
  http.base_url = options.kfp_url;
  if (!options.kfp_token_file.empty()) {
    std::string file = options.kfp_token_file;
    http.bearer_token = [file] { return trimmed(read_file(file, "--kfp-token-file")); };
  }
  orchestration::KfpRunnerOptions runner;
  if (!options.kfp_pipeline.empty()) {
    auto documents = engine::parse_yaml_documents(
        read_file(options.kfp_pipeline, "--kfp-pipeline"), options.kfp_pipeline);
    if (documents.empty() || !documents.front().value.is_object())
      throw Error(ErrorCode::kInvalidArgument,
                  "--kfp-pipeline " + options.kfp_pipeline + ": not a compiled pipeline spec");
    runner.pipeline_spec = documents.front().value;
  }
  runner.experiment_id = options.kfp_experiment_id;
  // A KFP run's pods reach the engine only through an address the user gives; on one machine
  // (the fake, a kind cluster with host networking) the local address works.
  runner.advertised_report_url =
      options.advertise_url.empty() ? context.report_url : options.advertise_url;
  return std::make_unique<orchestration::KfpRunner>(
      std::make_shared<orchestration::HttpClient>(std::move(http)), runner);
}

}  // namespace

std::unique_ptr<engine::TrialRunner> make_runner(const BackendOptions& options,
                                                 const BackendContext& context) {
  if (options.backend == "kubernetes") return kubernetes_runner(options, context);
  if (options.backend == "kfp") return kfp_runner(options, context);
  if (options.backend != "local")
    throw Error(ErrorCode::kInvalidArgument,
                "--backend " + options.backend + ": expected local, kubernetes or kfp");
  trials::LocalRunnerOptions local;
  local.report_python_path = context.report_python_path;
  local.kill_grace = context.kill_grace;
  // Argo/Tekton trials run as this binary's hidden pipeline driver.
  local.pipeline_driver = {std::filesystem::read_symlink("/proc/self/exe").string(),
                           "pipeline-run"};
  return trials::make_local_runner(std::move(local));
}

}  // namespace sextant::cli
