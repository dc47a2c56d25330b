// gp_hedge: a portfolio of EI, LCB and PI that learns which one to trust (Hoffman, Brochu and
// de Freitas, "Portfolio Allocation for Bayesian Optimization", UAI 2011; the Hedge algorithm).
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "algorithms/bayesopt/acquisition.hpp"
#include "algorithms/common/rng.hpp"

namespace sextant::algorithms::bayesopt {

// Each suggestion, every member nominates its best point and one member's nominee is used, drawn
// with probability softmax(eta * gains), eta = 1. Once new observations arrive, each member's
// gain grows by minus the NEW model's posterior mean (standardised loss) at its last nominee: a
// member whose picks the data now predicts to be good is trusted more. The draw depends on the
// gains only, so the member is drawn first and only its nominee is polished; the other members'
// nominees are their best points of the same candidate sweep.
class GpHedge {
 public:
  static constexpr std::array<AcquisitionKind, 3> kMembers = {
      AcquisitionKind::kExpectedImprovement, AcquisitionKind::kLowerConfidenceBound,
      AcquisitionKind::kProbabilityOfImprovement};
  static constexpr double kEta = 1.0;

  size_t choose(Rng& rng) const;
  std::array<double, 3> probabilities() const;

  // Nominees (unit-cube points, one per member) made with `observations` completed trials known.
  void nominate(std::vector<std::vector<double>> nominees, size_t observations);
  // True when nominees are waiting for a reward and more observations exist now.
  bool reward_due(size_t observations) const;
  // means[i]: the current model's standardised posterior mean at nominees()[i]. Clears them.
  void reward(const std::vector<double>& means);

  const std::array<double, 3>& gains() const { return gains_; }
  const std::vector<std::vector<double>>& nominees() const { return nominees_; }
  size_t nominated_at() const { return nominated_at_; }
  // For restore_state: values as saved.
  void restore(const std::array<double, 3>& gains, std::vector<std::vector<double>> nominees,
               size_t nominated_at);

 private:
  std::array<double, 3> gains_{0, 0, 0};
  std::vector<std::vector<double>> nominees_;
  size_t nominated_at_ = 0;
};

}  // namespace sextant::algorithms::bayesopt
