// The Gaussian-process pieces of bayesianoptimization: kernel derivatives, incremental Cholesky,
// posterior, likelihood gradient and fit, output scaling, and the feature map's rounding.
#include <cmath>

#include <Eigen/Cholesky>
#include <catch2/catch.hpp>

#include "algorithms/bayesopt/feature_map.hpp"
#include "algorithms/bayesopt/gaussian_process.hpp"
#include "algorithms/bayesopt/likelihood_fit.hpp"
#include "algorithms/bayesopt/matern52_kernel.hpp"
#include "algorithms/bayesopt/output_scaler.hpp"
#include "algorithms/common/rng.hpp"
#include "algorithms/common/unit_cube.hpp"
#include "tests/algorithms/algorithm_fixtures.hpp"

namespace sextant::test {
namespace {

using algorithms::Rng;
using algorithms::bayesopt::FeatureLayout;
using algorithms::bayesopt::GaussianProcess;
using algorithms::bayesopt::Matern52Kernel;

// Two numeric inputs and one categorical input with three values (one-hot, weight 1/2).
FeatureLayout mixed_layout() {
  FeatureLayout layout;
  layout.input_of = {0, 1, 2, 2, 2};
  layout.weight = {1, 1, 0.5, 0.5, 0.5};
  layout.inputs = 3;
  return layout;
}

FeatureLayout numeric_layout(size_t d) {
  FeatureLayout layout;
  for (size_t i = 0; i < d; ++i) {
    layout.input_of.push_back(i);
    layout.weight.push_back(1.0);
  }
  layout.inputs = d;
  return layout;
}

Eigen::MatrixXd mixed_points(size_t n, Rng& rng) {
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), 5);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    x(i, 0) = rng.uniform();
    x(i, 1) = rng.uniform();
    x(i, 2 + static_cast<Eigen::Index>(rng.below(3))) = 1.0;
  }
  return x;
}

Eigen::VectorXd theta_of(double variance, std::vector<double> lengths) {
  Eigen::VectorXd theta(static_cast<Eigen::Index>(lengths.size() + 1));
  theta[0] = std::log(variance);
  for (size_t i = 0; i < lengths.size(); ++i)
    theta[static_cast<Eigen::Index>(i + 1)] = std::log(lengths[i]);
  return theta;
}

GaussianProcess make_gp(const FeatureLayout& layout, const Eigen::VectorXd& theta, double noise) {
  auto kernel = std::make_unique<Matern52Kernel>(layout);
  kernel->set_parameters(theta);
  return GaussianProcess(std::move(kernel),
                         std::make_unique<algorithms::bayesopt::ConstantMean>(0.0), noise);
}

double smooth(double a, double b) {
  return std::sin(6 * a) + 0.5 * std::cos(4 * b);
}

}  // namespace

TEST_CASE("bayesopt kernel: Matern 5/2 values, symmetry and the categorical Hamming distance",
          "[algorithms][bayesopt]") {
  Matern52Kernel kernel(mixed_layout());
  kernel.set_parameters(theta_of(2.0, {0.5, 0.25, 0.7}));
  Eigen::MatrixXd a(2, 5), b(1, 5);
  a << 0.1, 0.2, 1, 0, 0,  //
      0.4, 0.9, 0, 1, 0;
  b << 0.3, 0.5, 0, 0, 1;
  const Eigen::MatrixXd k = kernel.cross(a, b);
  const Eigen::MatrixXd kt = kernel.cross(b, a);
  CHECK(k(0, 0) == Approx(kt(0, 0)).epsilon(1e-14));
  // By hand: r^2 = (0.2/0.5)^2 + (0.3/0.25)^2 + 1/0.7^2 (different categories).
  const double r = std::sqrt(0.16 + 1.44 + 1.0 / 0.49);
  const double s = std::sqrt(5.0) * r;
  CHECK(k(0, 0) == Approx(2.0 * (1 + s + s * s / 3) * std::exp(-s)).epsilon(1e-12));
  CHECK(kernel.cross(a, a)(1, 1) == Approx(2.0));
  CHECK(kernel.variance() == Approx(2.0));
}

TEST_CASE("bayesopt kernel: hyperparameter and input gradients match finite differences",
          "[algorithms][bayesopt]") {
  Rng rng(7);
  const Eigen::MatrixXd x = mixed_points(12, rng);
  Eigen::MatrixXd w = Eigen::MatrixXd::Random(12, 12);
  w = (w + w.transpose()).eval();
  Matern52Kernel kernel(mixed_layout());
  const Eigen::VectorXd theta = theta_of(1.3, {0.4, 0.8, 0.6});
  kernel.set_parameters(theta);
  const Eigen::VectorXd analytic = kernel.weighted_gradient(x, w);
  for (Eigen::Index p = 0; p < theta.size(); ++p) {
    const double h = 1e-6;
    Eigen::VectorXd up = theta, down = theta;
    up[p] += h;
    down[p] -= h;
    kernel.set_parameters(up);
    const double f_up = (w.array() * kernel.cross(x, x).array()).sum();
    kernel.set_parameters(down);
    const double f_down = (w.array() * kernel.cross(x, x).array()).sum();
    INFO("hyperparameter " << p);
    CHECK(analytic[p] == Approx((f_up - f_down) / (2 * h)).epsilon(1e-5).margin(1e-7));
  }

  kernel.set_parameters(theta);
  Eigen::RowVectorXd point = x.row(3);
  point[0] = 0.37;
  const Eigen::MatrixXd dk = kernel.cross_gradient(point, x);
  for (Eigen::Index f = 0; f < 2; ++f) {  // the numeric features
    const double h = 1e-6;
    Eigen::RowVectorXd up = point, down = point;
    up[f] += h;
    down[f] -= h;
    const Eigen::MatrixXd numeric = (kernel.cross(up, x) - kernel.cross(down, x)) / (2 * h);
    for (Eigen::Index j = 0; j < x.rows(); ++j)
      CHECK(dk(j, f) == Approx(numeric(0, j)).epsilon(1e-5).margin(1e-8));
  }
}

TEST_CASE("bayesopt GP: appending rows gives the full factorisation and the same posterior",
          "[algorithms][bayesopt]") {
  Rng rng(11);
  const Eigen::MatrixXd x = mixed_points(40, rng);
  Eigen::VectorXd y(40);
  for (Eigen::Index i = 0; i < 40; ++i) y[i] = smooth(x(i, 0), x(i, 1));
  const auto theta = theta_of(1.0, {0.3, 0.5, 1.0});

  GaussianProcess full = make_gp(mixed_layout(), theta, 1e-6);
  full.reset(x, y);
  GaussianProcess grown = make_gp(mixed_layout(), theta, 1e-6);
  grown.reset(x.topRows(10), y.head(10));
  for (Eigen::Index i = 10; i < 40; ++i) grown.append(x.row(i), y[i]);

  // Independent reference: Eigen's LLT of K + noise I.
  Matern52Kernel kernel(mixed_layout());
  kernel.set_parameters(theta);
  Eigen::MatrixXd k = kernel.cross(x, x);
  k.diagonal().array() = 1.0 + 1e-6;
  const Eigen::MatrixXd reference = Eigen::LLT<Eigen::MatrixXd>(k).matrixL();
  CHECK((grown.factor() - reference).cwiseAbs().maxCoeff() < 1e-8);
  CHECK((full.factor() - reference).cwiseAbs().maxCoeff() < 1e-10);

  const Eigen::MatrixXd probe = mixed_points(25, rng);
  Eigen::VectorXd mean_full, var_full, mean_grown, var_grown;
  full.predict(probe, mean_full, var_full);
  grown.predict(probe, mean_grown, var_grown);
  CHECK((mean_full - mean_grown).cwiseAbs().maxCoeff() < 1e-6);
  CHECK((var_full - var_grown).cwiseAbs().maxCoeff() < 1e-8);
}

TEST_CASE("bayesopt GP: the posterior interpolates observations with small noise",
          "[algorithms][bayesopt]") {
  Rng rng(3);
  const Eigen::MatrixXd x = mixed_points(30, rng);
  Eigen::VectorXd y(30);
  for (Eigen::Index i = 0; i < 30; ++i) y[i] = smooth(x(i, 0), x(i, 1));
  GaussianProcess gp = make_gp(mixed_layout(), theta_of(1.0, {0.3, 0.5, 1.0}), 1e-6);
  gp.reset(x, y);
  Eigen::VectorXd mean, variance;
  gp.predict(x, mean, variance);
  CHECK((mean - y).cwiseAbs().maxCoeff() < 1e-3);
  CHECK(variance.maxCoeff() < 1e-4);

  // Far from every observation (numeric coordinates outside the cube) the prior comes back.
  Eigen::MatrixXd far(1, 5);
  far << 9.0, 9.0, 1, 0, 0;
  gp.predict(far, mean, variance);
  CHECK(variance[0] == Approx(1.0).epsilon(1e-6));
  CHECK(std::fabs(mean[0]) < 1e-6);

  // The single-point prediction agrees with the batch one, and its gradient with differences.
  Eigen::RowVectorXd point(5);
  point << 0.42, 0.58, 0, 1, 0;
  Eigen::VectorXd m0, v0;
  gp.predict(point, m0, v0);
  const auto single = gp.predict_point(point);
  CHECK(single.mean == Approx(m0[0]).epsilon(1e-10));
  CHECK(single.variance == Approx(v0[0]).epsilon(1e-8).margin(1e-12));
  for (Eigen::Index f = 0; f < 2; ++f) {
    const double h = 1e-6;
    Eigen::RowVectorXd up = point, down = point;
    up[f] += h;
    down[f] -= h;
    const auto pu = gp.predict_point(up);
    const auto pd = gp.predict_point(down);
    CHECK(single.mean_gradient[f] == Approx((pu.mean - pd.mean) / (2 * h)).epsilon(1e-5));
    CHECK(single.variance_gradient[f] ==
          Approx((pu.variance - pd.variance) / (2 * h)).epsilon(1e-4).margin(1e-7));
  }
}

TEST_CASE("bayesopt likelihood: the blocked inverse from the Cholesky factor is K^-1",
          "[algorithms][bayesopt]") {
  Rng rng(13);
  for (Eigen::Index n : {1, 5, 64, 150}) {  // below, at and across the block size
    const Eigen::MatrixXd x = mixed_points(static_cast<size_t>(n), rng);
    Matern52Kernel kernel(mixed_layout());
    Eigen::MatrixXd k = kernel.cross(x, x);
    k.diagonal().array() += 1e-3;
    const Eigen::LLT<Eigen::MatrixXd> llt(k);
    const Eigen::MatrixXd inverse = algorithms::bayesopt::inverse_from_cholesky(llt.matrixLLT());
    INFO("n " << n);
    CHECK((inverse * k - Eigen::MatrixXd::Identity(n, n)).cwiseAbs().maxCoeff() < 1e-8);
    CHECK((inverse - inverse.transpose()).cwiseAbs().maxCoeff() == 0.0);
  }
}

TEST_CASE("bayesopt likelihood: the gradient matches finite differences",
          "[algorithms][bayesopt]") {
  Rng rng(5);
  const Eigen::MatrixXd x = mixed_points(25, rng);
  Eigen::VectorXd y(25);
  for (Eigen::Index i = 0; i < 25; ++i) y[i] = smooth(x(i, 0), x(i, 1)) + 0.01 * rng.normal();
  Matern52Kernel kernel(mixed_layout());
  Eigen::VectorXd theta(5);
  theta << std::log(0.8), std::log(0.3), std::log(0.6), std::log(1.5), std::log(1e-3);
  Eigen::VectorXd gradient;
  algorithms::bayesopt::negative_log_posterior(kernel, x, y, theta, &gradient);
  for (Eigen::Index p = 0; p < theta.size(); ++p) {
    const double h = 1e-5;
    Eigen::VectorXd up = theta, down = theta;
    up[p] += h;
    down[p] -= h;
    const double numeric =
        (algorithms::bayesopt::negative_log_posterior(kernel, x, y, up, nullptr) -
         algorithms::bayesopt::negative_log_posterior(kernel, x, y, down, nullptr)) /
        (2 * h);
    INFO("hyperparameter " << p);
    CHECK(gradient[p] == Approx(numeric).epsilon(1e-4).margin(1e-6));
  }
}

TEST_CASE("bayesopt likelihood: the fit finds the relevant input and beats the defaults",
          "[algorithms][bayesopt]") {
  Rng rng(9);
  const size_t n = 40;
  Eigen::MatrixXd x(n, 2);
  Eigen::VectorXd y(n);
  for (Eigen::Index i = 0; i < x.rows(); ++i) {
    x(i, 0) = rng.uniform();
    x(i, 1) = rng.uniform();
    y[i] = std::sin(8 * x(i, 0));  // the second input does not matter
  }
  y = (y.array() - y.mean()) / std::sqrt((y.array() - y.mean()).square().mean());
  Matern52Kernel kernel(numeric_layout(2));
  const Eigen::VectorXd start = algorithms::bayesopt::default_hyperparameters(kernel);
  const double before = algorithms::bayesopt::negative_log_posterior(kernel, x, y, start, nullptr);
  Rng fit_rng(1);
  const Eigen::VectorXd theta =
      algorithms::bayesopt::fit_hyperparameters(kernel, x, y, std::nullopt, {2, 80}, fit_rng);
  const double after = algorithms::bayesopt::negative_log_posterior(kernel, x, y, theta, nullptr);
  CHECK(after < before);
  CHECK(std::exp(theta[2]) > 3 * std::exp(theta[1]));  // l(irrelevant) >> l(relevant)
  CHECK(std::exp(theta[3]) < 1e-2);                    // a noiseless function: little noise
  const Eigen::VectorXd lower = algorithms::bayesopt::hyperparameter_lower_bounds(kernel);
  const Eigen::VectorXd upper = algorithms::bayesopt::hyperparameter_upper_bounds(kernel);
  CHECK((theta.array() >= lower.array()).all());
  CHECK((theta.array() <= upper.array()).all());
}

TEST_CASE("bayesopt output scaler: standardises, and survives constant and huge losses",
          "[algorithms][bayesopt]") {
  using algorithms::bayesopt::OutputScaler;
  auto scaler = OutputScaler::fit({1.0, 2.0, 3.0});
  CHECK(scaler.mean() == Approx(2.0));
  CHECK(scaler.scale() == Approx(std::sqrt(2.0 / 3.0)));
  auto constant = OutputScaler::fit({5.0, 5.0, 5.0});
  CHECK(constant.transform(5.0) == 0.0);
  CHECK(std::isfinite(constant.scale()));
  CHECK(constant.scale() > 0);
  auto huge = OutputScaler::fit({1e300, -1e300, 1.0});
  const auto t = huge.transform({1e300, -1e300, 1.0});
  CHECK(t.allFinite());
  CHECK(t[0] > 1.0);
  CHECK(t[1] < -1.0);
  auto tiny_spread = OutputScaler::fit({1e300, 1e300 * (1 + 1e-15)});
  CHECK(std::fabs(tiny_spread.transform(1e300)) < 1e-6);
}

TEST_CASE("bayesopt feature map: rounding in the kernel input matches the trial's value",
          "[algorithms][bayesopt]") {
  engine::SearchSpace space{{
      double_param("lr", 1e-4, 1, 0, Distribution::kLogUniform),
      int_param("layers", 1, 6),
      int_param("units", 1, 1000, 0, Distribution::kLogUniform),
      double_param("drop", 0, 1, 0.25, Distribution::kNormal),
      list_param("opt", ParameterType::kCategorical, {"sgd", "adam", "rmsprop"}),
  }};
  const algorithms::UnitCube cube(space);
  const algorithms::bayesopt::FeatureMap map(cube);
  using algorithms::bayesopt::InputKind;
  CHECK(map.kind(0) == InputKind::kContinuous);
  CHECK(map.kind(1) == InputKind::kStepped);
  CHECK(map.kind(2) == InputKind::kStepped);
  CHECK(map.kind(3) == InputKind::kStepped);
  CHECK(map.kind(4) == InputKind::kCategorical);
  CHECK(map.features() == 4 + 3);
  CHECK(map.cells(1) == 6);
  CHECK(map.cells(4) == 3);

  // A coordinate and its snapped coordinate name the same value, and a cell's centre is the
  // coordinate UnitCube gives that value.
  Rng rng(2);
  for (int i = 0; i < 2000; ++i) {
    for (size_t p = 1; p < 5; ++p) {
      const double u = rng.uniform();
      const double snapped = map.snap(p, u);
      INFO("parameter " << p << " u " << u);
      REQUIRE(cube.value_at(p, u) == cube.value_at(p, snapped));
      CHECK(*cube.unit_of(p, cube.value_at(p, u)) == Approx(snapped).margin(1e-12));
    }
  }
  // One-hot: the list entry's feature is 1.
  const auto features = map.encode(std::vector<double>{0.5, 0.5, 0.5, 0.5, 0.9});
  CHECK(features.tail(3) == Eigen::RowVector3d(0, 0, 1));
  // A wholly stepped space can be enumerated.
  engine::SearchSpace small{
      {int_param("a", 1, 3), list_param("b", ParameterType::kDiscrete, {"1", "2"})}};
  const algorithms::UnitCube small_cube(small);
  const algorithms::bayesopt::FeatureMap small_map(small_cube);
  CHECK(small_map.finite_size(100) == 6);
  CHECK(map.finite_size(1u << 30) == 0);  // lr is continuous
}

}  // namespace sextant::test
