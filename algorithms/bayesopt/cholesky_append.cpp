// One forward substitution per appended row (the cholesky_add_row idea of BayesOpt and Limbo).
#include "algorithms/bayesopt/cholesky_append.hpp"

#include <algorithm>
#include <cmath>

#include <Eigen/Core>

namespace sextant::algorithms::bayesopt {

bool cholesky_append(Eigen::MatrixXd& factor, Eigen::Index n, const Eigen::VectorXd& k,
                     double kappa, double floor) {
  Eigen::VectorXd row = k;
  if (n > 0) factor.topLeftCorner(n, n).triangularView<Eigen::Lower>().solveInPlace(row);
  const double diagonal = kappa - row.squaredNorm();
  factor.block(n, 0, 1, n) = row.transpose();
  factor.block(0, n, n, 1).setZero();
  const bool exact = diagonal >= floor;
  factor(n, n) = std::sqrt(std::max(diagonal, floor));
  return exact;
}

}  // namespace sextant::algorithms::bayesopt
