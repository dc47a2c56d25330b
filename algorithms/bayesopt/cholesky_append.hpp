// Growing a Cholesky factor by one row in O(n^2) instead of refactoring in O(n^3).
#pragma once

#include <Eigen/Core>

namespace sextant::algorithms::bayesopt {

// `factor` holds in its top-left n x n corner the lower-triangular L of K = L L^T and has room
// for row and column n. Writes the factor of [[K, k], [k^T, kappa]]:
//   l = L^-1 k (one forward substitution),  L_nn = sqrt(kappa - l.l).
// When rounding makes kappa - l.l smaller than `floor` (a point on top of an earlier one with
// little noise), floor is used instead and false is returned: the factor is then that of a
// matrix with slightly more noise at the new point, which is still a valid model.
bool cholesky_append(Eigen::MatrixXd& factor, Eigen::Index n, const Eigen::VectorXd& k,
                     double kappa, double floor);

}  // namespace sextant::algorithms::bayesopt
