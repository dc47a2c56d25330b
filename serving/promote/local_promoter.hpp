// Promotion to `sextant serve`: copy into the model repository, verify, tell the server to swap.
#pragma once

#include "engine/ports/promoter.hpp"

namespace sextant::serving {

// Steps of promote(): (1) when the server is required, check that it answers; (2) copy the
// artifact directory to <models_dir>/<model>/<version> (through a temporary directory and a
// rename, so the server never sees half a copy); (3) load it here and run the smoke inference
// (a corrupt artifact is refused before any server sees it); (4) POST
// /v2/repository/models/<model>/load with the version to the server, which loads, verifies
// and swaps atomically; (5) confirm with GET /v2/models/<model>/versions/<version>/ready.
// A server that does not answer is an error only when settings.server_required; otherwise the
// version waits in the repository and `sextant serve` loads it when it starts.
// Canary traffic is refused: the local server swaps whole versions.
class LocalPromoter : public engine::Promoter {
 public:
  explicit LocalPromoter(engine::PromoterSettings settings) : settings_(std::move(settings)) {}
  std::string name() const override { return "local"; }
  std::vector<std::string> plan(const engine::PromotionRequest& request) const override;
  engine::PromotionOutcome promote(const engine::PromotionRequest& request) override;
  engine::PromotionOutcome rollback(const engine::PromotionRequest& request) override;

 private:
  // Puts the artifact into the repository (verified) unless it is there; returns the directory.
  std::filesystem::path install(const engine::PromotionRequest& request, bool& created) const;
  // Tells the server; returns false (with a note) when it does not answer and is not required.
  bool notify_server(const engine::PromotionRequest& request,
                     engine::PromotionOutcome& outcome) const;

  engine::PromoterSettings settings_;
};

class LocalPromoterFactory : public engine::PromoterFactory {
 public:
  std::string name() const override { return "local"; }
  std::unique_ptr<engine::Promoter> create(
      const engine::PromoterSettings& settings) const override {
    return std::make_unique<LocalPromoter>(settings);
  }
};

// "file:///x" -> "/x"; a path stays a path; "" for URIs of other schemes.
std::string local_artifact_path(const std::string& artifact);

}  // namespace sextant::serving
