// Port: where a registered model version goes to be served (a local server, KServe, ...).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/ports/registry.hpp"

namespace sextant::engine {

// One rollout: version `version` of model `model`, whose files are at `artifact`.
struct PromotionRequest {
  std::string model;       // registry name, also the served name (/v2/models/<model>)
  int64_t version = 0;     // the registry's number for it
  std::string artifact;    // a local directory, or a URI (s3://, gs://, pvc://, ...)
  std::string format;      // "xgboost", "sextant-mlp"
  int canary_percent = 0;  // 1..99: send that share first, check, then all; 0 = all at once
  // The version served before this one (0 = none): what a failed canary returns to.
  int64_t previous_version = 0;
  std::string previous_artifact;  // its artifact ("" = none or unknown)
};

struct PromotionOutcome {
  std::string location;            // where the target serves it from (directory, object name)
  std::vector<std::string> notes;  // what happened, one line each, for the user
};

// Target settings; each promoter reads the ones it needs.
struct PromoterSettings {
  std::filesystem::path models_dir;  // local: the model repository <dir>/<model>/<version>
  std::string server_url;            // local: the running `sextant serve`
  bool server_required = false;      // local: an unreachable server fails the promotion
  std::string kube_namespace;        // kserve
  std::string kubeconfig;            // kserve: path ("" = $KUBECONFIG, ~/.kube/config, in-cluster)
  std::string kube_context;          // kserve: kubeconfig context ("" = its current-context)
  std::string kube_server;           // kserve: API server URL override (tests use a fake)
  bool raw_deployment = false;       // kserve: RawDeployment mode (no canary)
  std::chrono::milliseconds timeout{120'000};  // how long a rollout may take to become ready
};

// Contract:
// - plan() lists the steps promote() would take, one line each, and has no side effects
//   (`sextant promote --dry-run` prints it).
// - promote() makes the target serve `request.version` and returns only when it does (all
//   traffic, after a canary stage if asked). It verifies the new version before it takes
//   traffic (a smoke inference). On any failure it throws sextant::Error and leaves the target
//   serving what it served before: kInvalidArgument for an artifact the target refuses
//   (corrupt, wrong format), kUnavailable for an unreachable target or a rollout that did not
//   become ready in time, kNotFound for a missing artifact. The caller changes the registry
//   only after promote() returned.
// - rollback() makes the target serve an earlier version again (request.version), with the
//   same guarantees; request.canary_percent is ignored.
class Promoter {
 public:
  virtual ~Promoter() = default;
  virtual std::string name() const = 0;
  virtual std::vector<std::string> plan(const PromotionRequest& request) const = 0;
  virtual PromotionOutcome promote(const PromotionRequest& request) = 0;
  virtual PromotionOutcome rollback(const PromotionRequest& request) = 0;
};

class PromoterFactory {
 public:
  virtual ~PromoterFactory() = default;
  virtual std::string name() const = 0;  // the --target value: "local", "kserve"
  virtual std::unique_ptr<Promoter> create(const PromoterSettings& settings) const = 0;
};

using PromoterRegistry = Registry<PromoterFactory>;

}  // namespace sextant::engine
