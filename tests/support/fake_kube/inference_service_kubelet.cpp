// The fake's KServe controller: each spec change becomes Ready after a short delay, with
// Knative-style revisions and canary traffic split per spec.predictor.canaryTrafficPercent.
#include <cstdio>
#include <ctime>

#include "engine/util/rfc3339.hpp"
#include "tests/support/fake_kube/fake_kube_api.hpp"

namespace sextant::testing {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;

std::string now_text() {
  return engine::format_time_rfc3339(static_cast<double>(std::time(nullptr)));
}

json ready_condition(const std::string& type, bool ready, const std::string& reason = "",
                     const std::string& message = "") {
  json c = {
      {"type", type}, {"status", ready ? "True" : "False"}, {"lastTransitionTime", now_text()}};
  if (!reason.empty()) c["reason"] = reason;
  if (!message.empty()) c["message"] = message;
  return c;
}

std::string revision_name(const std::string& service, int number) {
  char digits[16];
  std::snprintf(digits, sizeof digits, "%05d", number);
  return service + "-predictor-" + digits;
}

}  // namespace

void run_inference_service_kubelet(FakeKubeApi& api, const ObjectKey& key) {
  int revisions = 0;
  json last_template;
  std::string latest, rolled_out, previous;
  std::string seen_rv;
  for (;;) {
    auto object = api.get_object(key);
    if (!object) return;
    long generation = (*object)["metadata"].value("generation", 1L);
    long observed = object->contains("status") && (*object)["status"].is_object()
                        ? (*object)["status"].value("observedGeneration", 0L)
                        : 0L;
    if (observed == generation) {
      if (!api.wait_for_change(key, seen_rv, std::chrono::seconds(3600))) return;
      continue;
    }
    if (!api.sleep_while_exists(key, api.options().inference_service_delay)) return;
    object = api.get_object(key);
    if (!object) return;
    generation = (*object)["metadata"].value("generation", 1L);
    json predictor = (*object)["spec"].value("predictor", json::object());
    std::optional<int> canary;
    if (predictor.contains("canaryTrafficPercent") && predictor["canaryTrafficPercent"].is_number())
      canary = predictor["canaryTrafficPercent"].get<int>();
    json template_part = predictor;
    template_part.erase("canaryTrafficPercent");
    if (template_part != last_template) {
      last_template = template_part;
      latest = revision_name(key.name, ++revisions);
    }
    std::string storage;
    if (predictor.contains("model") && predictor["model"].is_object())
      storage = predictor["model"].value("storageUri", "");
    for (const char* format : {"sklearn", "xgboost", "tensorflow", "pytorch", "onnx"})
      if (storage.empty() && predictor.contains(format))
        storage = predictor[format].value("storageUri", "");
    bool fails = false;
    for (const auto& pattern : api.options().unpullable_images)
      if (!pattern.empty() && storage.find(pattern) != std::string::npos) fails = true;

    std::string host = key.name + "." + key.ns;
    json traffic = json::array();
    if (!fails) {
      if (!canary || rolled_out.empty() || rolled_out == latest) {
        if (latest != rolled_out) {
          previous = rolled_out;
          rolled_out = latest;
        }
        traffic.push_back({{"revisionName", latest}, {"percent", 100}, {"latestRevision", true}});
      } else {
        traffic.push_back(
            {{"tag", "latest"},
             {"revisionName", latest},
             {"percent", *canary},
             {"latestRevision", true},
             {"url", "http://latest-" + key.name + "-predictor-" + key.ns + ".example.com"}});
        traffic.push_back(
            {{"tag", "prev"},
             {"revisionName", rolled_out},
             {"percent", 100 - *canary},
             {"latestRevision", false},
             {"url", "http://prev-" + key.name + "-predictor-" + key.ns + ".example.com"}});
      }
    }
    json status = object->value("status", json::object());
    status["observedGeneration"] = generation;
    status["url"] = "http://" + host + ".example.com";
    status["address"] = {
        {"url", "http://" + key.name + "-predictor." + key.ns + ".svc.cluster.local"}};
    if (fails) {
      std::string message = "Revision \"" + latest + "\" failed with message: model " + storage +
                            " could not be loaded.";
      status["conditions"] = {
          ready_condition("IngressReady", true),
          ready_condition("LatestDeploymentReady", false, "RevisionFailed", message),
          ready_condition("PredictorConfigurationReady", false, "RevisionFailed", message),
          ready_condition("PredictorReady", !rolled_out.empty()),
          ready_condition("Ready", !rolled_out.empty())};
      status["modelStatus"] = {
          {"transitionStatus", "BlockedByFailedLoad"},
          {"states",
           {{"activeModelState", rolled_out.empty() ? "" : "Loaded"},
            {"targetModelState", "FailedToLoad"}}},
          {"lastFailureInfo", {{"reason", "ModelLoadFailed"}, {"message", message}}}};
      json& predictor_status = status["components"]["predictor"];
      predictor_status["latestCreatedRevision"] = latest;
    } else {
      status["conditions"] = {ready_condition("IngressReady", true),
                              ready_condition("LatestDeploymentReady", true),
                              ready_condition("PredictorConfigurationReady", true),
                              ready_condition("PredictorReady", true),
                              ready_condition("PredictorRouteReady", true),
                              ready_condition("Ready", true),
                              ready_condition("RoutesReady", true)};
      status["modelStatus"] = {
          {"transitionStatus", "UpToDate"},
          {"states", {{"activeModelState", "Loaded"}, {"targetModelState", "Loaded"}}}};
      json predictor_status = {
          {"latestCreatedRevision", latest},
          {"latestReadyRevision", latest},
          {"latestRolledoutRevision", rolled_out},
          {"traffic", traffic},
          {"url", "http://" + key.name + "-predictor." + key.ns + ".example.com"}};
      if (!previous.empty()) predictor_status["previousRolledoutRevision"] = previous;
      status["components"]["predictor"] = predictor_status;
    }
    if (!api.update_status(key, status)) return;
  }
}

}  // namespace sextant::testing
