// Standardisation of the observed losses: the GP models (loss - mean) / sd.
#pragma once

#include <vector>

#include <Eigen/Core>

namespace sextant::algorithms::bayesopt {

// sd = 0 (all losses equal, or one loss) is replaced by max |loss| (1 when that is 0), so every
// standardised loss is 0, the model stays defined, and the acquisition explores where the
// variance is. Huge but finite losses (1e300) are
// handled by scaling with max |loss| before squaring, so nothing overflows.
class OutputScaler {
 public:
  static OutputScaler fit(const std::vector<double>& losses);

  double mean() const { return mean_; }
  double scale() const { return scale_; }
  Eigen::VectorXd transform(const std::vector<double>& losses) const;
  double transform(double loss) const { return (loss - mean_) / scale_; }

 private:
  double mean_ = 0;
  double scale_ = 1;
};

}  // namespace sextant::algorithms::bayesopt
