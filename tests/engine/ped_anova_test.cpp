// PED-ANOVA importance: the parameter that decides the objective dominates, for every parameter
// kind; results are normalized, deterministic and honest about too few trials.
#include <cmath>
#include <random>

#include <catch2/catch.hpp>

#include "engine/analysis/ped_anova.hpp"
#include "engine/model/search_space.hpp"

using namespace sextant::engine;

namespace {

ParameterSpec numeric(const std::string& name, double lo, double hi, bool log = false) {
  ParameterSpec p;
  p.name = name;
  p.type = ParameterType::kDouble;
  p.min = lo;
  p.max = hi;
  p.distribution = log ? Distribution::kLogUniform : Distribution::kUniform;
  return p;
}

ParameterSpec categorical(const std::string& name, std::vector<std::string> list) {
  ParameterSpec p;
  p.name = name;
  p.type = ParameterType::kCategorical;
  p.list = std::move(list);
  return p;
}

struct Sample {
  std::vector<Assignment> assignments;
  std::vector<double> objective;
  std::vector<ScoredAssignment> points() const {
    std::vector<ScoredAssignment> out;
    for (size_t i = 0; i < assignments.size(); ++i) out.push_back({&assignments[i], objective[i]});
    return out;
  }
};

double importance_of(const ImportanceResult& r, const std::string& name) {
  for (const auto& i : r.importances)
    if (i.parameter == name) return i.importance;
  FAIL("no importance for " << name);
  return -1;
}

// x in [0, 1] decides the loss; y, the log-scale lr and the optimizer are noise.
Sample sample(int n, uint64_t seed, const std::function<double(double, double, double, int)>& f) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  const char* opts[] = {"sgd", "adam", "rmsprop"};
  Sample s;
  for (int i = 0; i < n; ++i) {
    double x = u(rng), y = u(rng), lr = std::pow(10, -4 + 3 * u(rng));
    int o = static_cast<int>(u(rng) * 3) % 3;
    s.assignments.push_back({{"x", format_double(x)},
                             {"y", format_double(y)},
                             {"lr", format_double(lr)},
                             {"opt", opts[o]}});
    s.objective.push_back(f(x, y, lr, o));
  }
  return s;
}

SearchSpace space() {
  SearchSpace s;
  s.parameters = {numeric("x", 0, 1), numeric("y", 0, 1), numeric("lr", 1e-4, 1e-1, true),
                  categorical("opt", {"sgd", "adam", "rmsprop"})};
  return s;
}

}  // namespace

TEST_CASE("PED-ANOVA: the one parameter that matters gets most of the importance", "[unit]") {
  auto s = sample(300, 1, [](double x, double, double, int) { return std::pow(x - 0.3, 2); });
  auto r = ped_anova_importance(space(), ObjectiveType::kMinimize, s.points());
  CHECK(r.trials_used == 300);
  CHECK(r.top_trials == 30);
  CHECK(r.note.empty());
  CHECK(importance_of(r, "x") > 0.8);
  CHECK(r.importances.front().parameter == "x");
  double total = 0;
  for (const auto& i : r.importances) total += i.importance;
  CHECK(total == Approx(1.0));
}

TEST_CASE("PED-ANOVA: log parameters are judged on their log scale, categoricals by category",
          "[unit]") {
  auto by_lr = sample(
      300, 2, [](double, double, double lr, int) { return std::pow(std::log10(lr) + 2.5, 2); });
  auto r = ped_anova_importance(space(), ObjectiveType::kMinimize, by_lr.points());
  CHECK(r.importances.front().parameter == "lr");
  CHECK(importance_of(r, "lr") > 0.6);

  auto by_opt = sample(300, 3, [](double, double, double, int o) { return o == 1 ? 0.0 : 1.0; });
  auto c = ped_anova_importance(space(), ObjectiveType::kMinimize, by_opt.points());
  CHECK(c.importances.front().parameter == "opt");
  CHECK(importance_of(c, "opt") > 0.6);
}

TEST_CASE("PED-ANOVA: maximize looks at the largest values", "[unit]") {
  // Large values come from large y; small values from x near 0. Maximize must pick y.
  auto s = sample(
      300, 4, [](double x, double y, double, int) { return y > 0.85 ? 10 + y : std::min(x, 0.5); });
  auto max = ped_anova_importance(space(), ObjectiveType::kMaximize, s.points());
  CHECK(max.importances.front().parameter == "y");
  auto min = ped_anova_importance(space(), ObjectiveType::kMinimize, s.points());
  CHECK(min.importances.front().parameter == "x");
}

TEST_CASE("PED-ANOVA: deterministic, and the order of equal points does not matter", "[unit]") {
  auto s = sample(120, 5, [](double x, double y, double, int) { return x + 0.2 * y; });
  auto a = ped_anova_importance(space(), ObjectiveType::kMinimize, s.points());
  auto b = ped_anova_importance(space(), ObjectiveType::kMinimize, s.points());
  REQUIRE(a.importances.size() == b.importances.size());
  for (size_t i = 0; i < a.importances.size(); ++i) {
    CHECK(a.importances[i].parameter == b.importances[i].parameter);
    CHECK(a.importances[i].importance == b.importances[i].importance);
  }
  CHECK(importance_of(a, "x") > importance_of(a, "y"));
  CHECK(importance_of(a, "y") > importance_of(a, "opt"));
}

TEST_CASE("PED-ANOVA: too few points, constant parameters and unparsable values", "[unit]") {
  auto s = sample(2, 6, [](double x, double, double, int) { return x; });
  auto few = ped_anova_importance(space(), ObjectiveType::kMinimize, s.points());
  CHECK(few.importances.size() == 4);
  for (const auto& i : few.importances) CHECK(i.importance == 0);
  CHECK(few.note.find("at least 3") != std::string::npos);

  // Every point has the same x: x carries no information, whatever the objective says.
  auto same = sample(100, 7, [](double, double y, double, int) { return y; });
  for (auto& a : same.assignments) a[0].value = "0.5";
  auto r = ped_anova_importance(space(), ObjectiveType::kMinimize, same.points());
  CHECK(importance_of(r, "x") == 0);
  CHECK(importance_of(r, "y") > 0.5);

  // Values that do not parse leave only that parameter's point out.
  auto broken = sample(100, 8, [](double x, double, double, int) { return x; });
  broken.assignments[0][0].value = "abc";
  broken.assignments[1][3].value = "lbfgs";
  auto b = ped_anova_importance(space(), ObjectiveType::kMinimize, broken.points());
  CHECK(b.trials_used == 100);
  CHECK(b.importances.front().parameter == "x");
}
