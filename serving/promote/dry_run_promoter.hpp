// A promoter that only prints what another one would do (`sextant promote --dry-run`).
#pragma once

#include <memory>

#include "engine/ports/promoter.hpp"

namespace sextant::serving {

// promote() and rollback() return the wrapped promoter's plan as notes and change nothing.
class DryRunPromoter : public engine::Promoter {
 public:
  explicit DryRunPromoter(std::unique_ptr<engine::Promoter> inner) : inner_(std::move(inner)) {}
  std::string name() const override { return "dry-run"; }
  std::vector<std::string> plan(const engine::PromotionRequest& request) const override {
    return inner_->plan(request);
  }
  engine::PromotionOutcome promote(const engine::PromotionRequest& request) override {
    return {"(dry run)", inner_->plan(request)};
  }
  engine::PromotionOutcome rollback(const engine::PromotionRequest& request) override {
    return {"(dry run)", inner_->plan(request)};
  }

 private:
  std::unique_ptr<engine::Promoter> inner_;
};

}  // namespace sextant::serving
