// The prior-mean piece of the Gaussian process. Outputs are standardised (output_scaler.hpp), so
// the constant mean of the data is 0 there; the interface leaves room for trend means.
#pragma once

#include <memory>

#include <Eigen/Core>

namespace sextant::algorithms::bayesopt {

// Contract: points are rows of feature vectors, as for Kernel.
class Mean {
 public:
  virtual ~Mean() = default;
  virtual std::unique_ptr<Mean> clone() const = 0;
  virtual Eigen::VectorXd at(const Eigen::MatrixXd& points) const = 0;
  // d m(x) / d x_f for one point.
  virtual Eigen::RowVectorXd gradient(const Eigen::RowVectorXd& point) const = 0;
};

// m(x) = c; c = 0 on standardised outputs is the mean of the observed losses.
class ConstantMean final : public Mean {
 public:
  explicit ConstantMean(double value = 0) : value_(value) {}
  std::unique_ptr<Mean> clone() const override { return std::make_unique<ConstantMean>(*this); }
  Eigen::VectorXd at(const Eigen::MatrixXd& points) const override {
    return Eigen::VectorXd::Constant(points.rows(), value_);
  }
  Eigen::RowVectorXd gradient(const Eigen::RowVectorXd& point) const override {
    return Eigen::RowVectorXd::Zero(point.size());
  }

 private:
  double value_;
};

}  // namespace sextant::algorithms::bayesopt
