// Promotion to KServe: an InferenceService per model, canary rollouts, readiness, rollback.
#pragma once

#include <memory>

#include "engine/ports/promoter.hpp"
#include "orchestration/kubernetes/kube_client.hpp"

namespace sextant::serving {

// The InferenceService of model M is named M (KServe then serves it at /v2/models/M), in
// settings.kube_namespace (else the kubeconfig's), labelled sextant.io/model and
// sextant.io/version. Predictor by format: xgboost -> spec.predictor.model {modelFormat
// {name: xgboost}, protocolVersion: v2, storageUri}; sextant-mlp -> the same with modelFormat
// sextant-mlp, which needs a ServingRuntime that runs `sextant serve` (none is built in).
//
// promote():
// - the artifact must be a URI the cluster can read (s3://, gs://, pvc://, http(s)://, ...);
//   a local path is refused (run the experiment with --artifact-prefix).
// - no InferenceService yet: create it (all traffic), wait for Ready.
// - one exists: merge-patch storageUri, and canaryTrafficPercent when a canary is asked (not in
//   RawDeployment mode, which has no canary: a rolling update instead); wait until
//   observedGeneration == generation, Ready is True and the latest revision has the canary's
//   share; smoke inference; then remove canaryTrafficPercent (all traffic) and wait again.
// - readiness is polled until settings.timeout; a revision that fails to load
//   (BlockedByFailedLoad, RevisionFailed) fails at once. On failure after a patch the service
//   is rolled back (canaryTrafficPercent 0, then the previous storageUri) and Error is thrown.
// - the smoke inference (GET /v2/models/M for the input shape, then POST .../infer with
//   zeros) goes to the latest revision's URL, else status.url; when that host cannot be
//   reached from here it is skipped with a note (a cluster-internal URL).
// - an unreachable API server or missing KServe CRDs: Error(kUnavailable / kNotFound) before
//   anything changed.
class KServePromoter : public engine::Promoter {
 public:
  // `client` may be null: one is made from settings (kubeconfig, kube_server) on first use.
  KServePromoter(engine::PromoterSettings settings,
                 std::unique_ptr<orchestration::KubeClient> client = nullptr);
  ~KServePromoter() override;
  std::string name() const override { return "kserve"; }
  std::vector<std::string> plan(const engine::PromotionRequest& request) const override;
  engine::PromotionOutcome promote(const engine::PromotionRequest& request) override;
  engine::PromotionOutcome rollback(const engine::PromotionRequest& request) override;

 private:
  orchestration::KubeClient& client();
  std::string ns();
  nlohmann::json wait_ready(const std::string& name, int canary, engine::PromotionOutcome& outcome);
  void smoke(const nlohmann::json& service, const std::string& model,
             engine::PromotionOutcome& outcome);
  engine::PromotionOutcome rollout(const engine::PromotionRequest& request, int canary);

  engine::PromoterSettings settings_;
  std::unique_ptr<orchestration::KubeClient> client_;
};

class KServePromoterFactory : public engine::PromoterFactory {
 public:
  std::string name() const override { return "kserve"; }
  std::unique_ptr<engine::Promoter> create(
      const engine::PromoterSettings& settings) const override {
    return std::make_unique<KServePromoter>(settings);
  }
};

// The InferenceService object promote() creates for a first version (for tests and --dry-run).
nlohmann::json inference_service_object(const engine::PromotionRequest& request,
                                        const std::string& ns, bool raw_deployment);

}  // namespace sextant::serving
