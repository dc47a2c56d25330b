// KServePromoter: InferenceService create/patch through the Kubernetes client, readiness polling
// with KServe's status rules, the canary stage and its rollback.
#include "serving/kserve/kserve_promoter.hpp"

#include <thread>

#include "engine/error.hpp"
#include "orchestration/kubernetes/kube_config.hpp"
#include "serving/http/http_client.hpp"

namespace sextant::serving {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

constexpr const char* kApiVersion = "serving.kserve.io/v1beta1";
constexpr const char* kKind = "InferenceService";
constexpr auto kPollInterval = std::chrono::milliseconds(100);

std::string model_format(const std::string& format) {
  return format.empty() ? "xgboost" : format;
}

bool remote_uri(const std::string& artifact) {
  return artifact.find("://") != std::string::npos && artifact.rfind("file://", 0) != 0;
}

json predictor_model(const engine::PromotionRequest& r) {
  return {{"modelFormat", {{"name", model_format(r.format)}}},
          {"protocolVersion", "v2"},
          {"storageUri", r.artifact}};
}

std::string condition(const json& service, const std::string& type,
                      std::string* message = nullptr) {
  const auto& status = service.value("status", json::object());
  for (const auto& c : status.value("conditions", json::array()))
    if (c.value("type", "") == type) {
      if (message) *message = c.value("message", c.value("reason", ""));
      return c.value("status", "Unknown");
    }
  return "Unknown";
}

// The share of traffic the latest revision gets, or -1 when the status does not say.
int latest_percent(const json& service) {
  const auto& status = service.value("status", json::object());
  auto traffic = status.value("components", json::object())
                     .value("predictor", json::object())
                     .value("traffic", json::array());
  for (const auto& t : traffic)
    if (t.value("latestRevision", false)) return t.value("percent", -1);
  return -1;
}

}  // namespace

json inference_service_object(const engine::PromotionRequest& r, const std::string& ns,
                              bool raw_deployment) {
  json annotations = {{"serving.kserve.io/enable-tag-routing", "true"}};
  if (raw_deployment) annotations["serving.kserve.io/deploymentMode"] = "RawDeployment";
  return {{"apiVersion", kApiVersion},
          {"kind", kKind},
          {"metadata",
           {{"name", r.model},
            {"namespace", ns},
            {"labels",
             {{"sextant.io/model", r.model}, {"sextant.io/version", std::to_string(r.version)}}},
            {"annotations", annotations}}},
          {"spec", {{"predictor", {{"model", predictor_model(r)}}}}}};
}

KServePromoter::KServePromoter(engine::PromoterSettings settings,
                               std::unique_ptr<orchestration::KubeClient> client)
    : settings_(std::move(settings)), client_(std::move(client)) {}

KServePromoter::~KServePromoter() = default;

orchestration::KubeClient& KServePromoter::client() {
  if (!client_) {
    orchestration::ClusterConnection connection;
    auto file = settings_.kubeconfig.empty() ? orchestration::default_kubeconfig_path()
                                             : std::filesystem::path(settings_.kubeconfig);
    if (std::filesystem::exists(file) || !settings_.kubeconfig.empty())
      connection = orchestration::load_kubeconfig(file, settings_.kube_context);
    else
      connection = orchestration::in_cluster_config();
    if (!settings_.kube_server.empty()) connection.server = settings_.kube_server;
    orchestration::KubeClientOptions options;
    options.max_retries = 2;  // a promotion fails fast on an unreachable cluster
    client_ = std::make_unique<orchestration::KubeClient>(connection, options);
  }
  return *client_;
}

std::string KServePromoter::ns() {
  return settings_.kube_namespace.empty() ? client().default_namespace() : settings_.kube_namespace;
}

std::vector<std::string> KServePromoter::plan(const engine::PromotionRequest& r) const {
  std::string where =
      "InferenceService " + r.model +
      (settings_.kube_namespace.empty() ? "" : " in namespace " + settings_.kube_namespace);
  std::vector<std::string> steps;
  steps.push_back("read " + where + " (serving.kserve.io/v1beta1)");
  steps.push_back("if absent: create it with predictor model {modelFormat: " +
                  model_format(r.format) + ", protocolVersion: v2, storageUri: " + r.artifact +
                  "}" + (settings_.raw_deployment ? ", deploymentMode RawDeployment" : ""));
  bool canary = r.canary_percent > 0 && !settings_.raw_deployment;
  steps.push_back(
      std::string("if present: merge-patch spec.predictor.model.storageUri = ") + r.artifact +
      (canary ? " and spec.predictor.canaryTrafficPercent = " + std::to_string(r.canary_percent)
              : ""));
  steps.push_back(
      "wait (up to " + std::to_string(settings_.timeout.count() / 1000) + " s) for Ready" +
      (canary ? " and " + std::to_string(r.canary_percent) + "% on the latest revision" : ""));
  steps.push_back("smoke inference: POST <latest revision url>/v2/models/" + r.model + "/infer");
  if (canary)
    steps.push_back(
        "merge-patch canaryTrafficPercent = null (100% to the new version) and wait for Ready");
  steps.push_back("on failure: canaryTrafficPercent = 0 and the previous storageUri back");
  return steps;
}

json KServePromoter::wait_ready(const std::string& name, int canary,
                                engine::PromotionOutcome& outcome) {
  auto& kube = client();
  auto resource = kube.resource(kApiVersion, kKind);
  auto deadline = Clock::now() + settings_.timeout;
  std::string last = "no status yet";
  for (;;) {
    auto service = kube.get(resource, ns(), name);
    long generation = service["metadata"].value("generation", 0L);
    const auto& status = service.value("status", json::object());
    long observed = status.value("observedGeneration", 0L);
    std::string message;
    std::string transition =
        status.value("modelStatus", json::object()).value("transitionStatus", "");
    if (observed == generation &&
        (transition == "BlockedByFailedLoad" || transition == "InvalidSpec" ||
         condition(service, "LatestDeploymentReady", &message) == "False")) {
      if (message.empty()) condition(service, "PredictorConfigurationReady", &message);
      throw Error(ErrorCode::kInvalidArgument,
                  "InferenceService " + name + ": the new revision failed" +
                      (message.empty() ? "" : ": " + message) +
                      (transition.empty() ? "" : " (" + transition + ")"));
    }
    bool ready = observed == generation && condition(service, "Ready", &message) == "True";
    int percent = latest_percent(service);
    bool split = canary <= 0 ? (percent == -1 || percent == 100) : percent == canary;
    if (ready && split) {
      outcome.notes.push_back(
          "InferenceService " + name + " is Ready" +
          (percent >= 0 ? " with " + std::to_string(percent) + "% on the latest revision" : ""));
      return service;
    }
    last = observed != generation ? "generation " + std::to_string(generation) + " not observed yet"
           : !ready               ? "Ready is not True" + (message.empty() ? "" : ": " + message)
                    : "latest revision has " + std::to_string(percent) + "%, waiting for " +
                          std::to_string(canary <= 0 ? 100 : canary) + "%";
    if (Clock::now() > deadline)
      throw Error(ErrorCode::kUnavailable,
                  "InferenceService " + name + " did not become ready within " +
                      std::to_string(settings_.timeout.count() / 1000) + " s (" + last + ")");
    std::this_thread::sleep_for(kPollInterval);
  }
}

void KServePromoter::smoke(const json& service, const std::string& model,
                           engine::PromotionOutcome& outcome) {
  const auto& status = service.value("status", json::object());
  std::string url = status.value("url", "");
  auto traffic = status.value("components", json::object())
                     .value("predictor", json::object())
                     .value("traffic", json::array());
  for (const auto& t : traffic)
    if (t.value("tag", "") == "latest" && t.contains("url")) url = t["url"].get<std::string>();
  if (url.empty() || url.rfind("http://", 0) != 0) {
    outcome.notes.push_back("smoke inference skipped: the service has no http URL");
    return;
  }
  HttpReply meta;
  try {
    HttpConnection connection(parse_http_url(url), std::chrono::milliseconds(3000));
    meta = connection.request("GET", "/v2/models/" + model);
    if (meta.status != 200)
      throw Error(ErrorCode::kUnavailable,
                  "GET /v2/models/" + model + " answered " + std::to_string(meta.status));
    auto input = json::parse(meta.body).at("inputs").at(0);
    int64_t features = input.at("shape").back().get<int64_t>();
    json request = {{"inputs",
                     {{{"name", input.at("name")},
                       {"datatype", input.value("datatype", "FP32")},
                       {"shape", {1, features}},
                       {"data", std::vector<double>(features, 0.0)}}}}};
    auto answer = connection.request("POST", "/v2/models/" + model + "/infer", request.dump());
    if (answer.status != 200)
      throw Error(ErrorCode::kInvalidArgument, "the smoke inference at " + url + " answered " +
                                                   std::to_string(answer.status) + ": " +
                                                   answer.body);
    outcome.notes.push_back("smoke inference at " + url + " answered");
  } catch (const Error& e) {
    if (e.code() == ErrorCode::kUnavailable && meta.status == 0) {
      outcome.notes.push_back("smoke inference skipped: " + url + " is not reachable from here");
      return;
    }
    throw;
  } catch (const json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument,
                "the model metadata at " + url + " is not usable: " + e.what());
  }
}

engine::PromotionOutcome KServePromoter::rollout(const engine::PromotionRequest& r, int canary) {
  if (!remote_uri(r.artifact))
    throw Error(
        ErrorCode::kInvalidArgument,
        "KServe needs the model where the cluster can read it; " + r.artifact +
            " is a local path (run the experiment with --artifact-prefix s3://... or pvc://..., "
            "or promote with --target local)");
  auto& kube = client();
  auto resource = kube.resource(kApiVersion, kKind);  // fails when KServe is not installed
  std::string name = r.model;
  engine::PromotionOutcome outcome;
  outcome.location = "InferenceService " + ns() + "/" + name;
  std::optional<json> existing;
  try {
    existing = kube.get(resource, ns(), name);
  } catch (const orchestration::KubeError& e) {
    if (e.http_status() != 404) throw;
  }
  if (!existing) {
    kube.create(inference_service_object(r, ns(), settings_.raw_deployment), ns());
    outcome.notes.push_back("created InferenceService " + name + " (" + model_format(r.format) +
                            ", " + r.artifact + ")");
    try {
      auto service = wait_ready(name, 0, outcome);
      smoke(service, name, outcome);
    } catch (const Error&) {
      kube.remove(resource, ns(), name);  // nothing served before: leave nothing behind
      throw;
    }
    return outcome;
  }

  if (canary > 0 && settings_.raw_deployment) {
    outcome.notes.push_back("RawDeployment has no canary: a rolling update replaces the version");
    canary = 0;
  }
  std::string previous_uri = (*existing)["spec"]
                                 .value("predictor", json::object())
                                 .value("model", json::object())
                                 .value("storageUri", "");
  json patch = {{"metadata", {{"labels", {{"sextant.io/version", std::to_string(r.version)}}}}},
                {"spec",
                 {{"predictor",
                   {{"model", predictor_model(r)},
                    {"canaryTrafficPercent", canary > 0 ? json(canary) : json()}}}}}};
  kube.merge_patch(resource, ns(), name, patch);
  outcome.notes.push_back("patched InferenceService " + name + ": storageUri " + r.artifact +
                          (canary > 0 ? ", canaryTrafficPercent " + std::to_string(canary) : ""));
  try {
    auto service = wait_ready(name, canary, outcome);
    smoke(service, name, outcome);
    if (canary > 0) {
      kube.merge_patch(resource, ns(), name,
                       {{"spec", {{"predictor", {{"canaryTrafficPercent", nullptr}}}}}});
      outcome.notes.push_back("canary passed: all traffic to version " + std::to_string(r.version));
      wait_ready(name, 0, outcome);
    }
  } catch (const Error& failure) {
    // Back to what served before: the pinned previous revision first (instant), then its spec.
    try {
      if (canary > 0)
        kube.merge_patch(resource, ns(), name,
                         {{"spec", {{"predictor", {{"canaryTrafficPercent", 0}}}}}});
      std::string back = !r.previous_artifact.empty() ? r.previous_artifact : previous_uri;
      json restore = {
          {"metadata", {{"labels", {{"sextant.io/version", std::to_string(r.previous_version)}}}}},
          {"spec",
           {{"predictor",
             {{"canaryTrafficPercent", nullptr}, {"model", {{"storageUri", back}}}}}}}};
      if (!back.empty()) kube.merge_patch(resource, ns(), name, restore);
    } catch (const std::exception& e) {
      throw Error(failure.code(),
                  std::string(failure.what()) + "; rolling back also failed: " + e.what());
    }
    throw Error(failure.code(),
                std::string(failure.what()) + "; rolled back to the previous version");
  }
  return outcome;
}

engine::PromotionOutcome KServePromoter::promote(const engine::PromotionRequest& r) {
  return rollout(r, r.canary_percent);
}

engine::PromotionOutcome KServePromoter::rollback(const engine::PromotionRequest& r) {
  return rollout(r, 0);
}

}  // namespace sextant::serving
