// LearningCurves: the objective values early-stopping rules read, and the step at which they judge.
#include <catch2/catch.hpp>

#include "engine/ports/early_stopper.hpp"

using namespace sextant::engine;

namespace {
std::vector<int64_t> steps(const Curve& c) {
  std::vector<int64_t> out;
  for (const auto& p : c) out.push_back(p.step);
  return out;
}
}  // namespace

TEST_CASE("learning curves: only a new newest step asks for a decision") {
  LearningCurves curves;
  CHECK(curves.find("t") == nullptr);
  CHECK(curves.add("t", 1, 0.5));
  CHECK(curves.add("t", 3, 0.7));
  CHECK_FALSE(curves.add("t", 2, 0.6));   // out of order: kept, in order
  CHECK_FALSE(curves.add("t", 3, 0.75));  // repeated: replaces
  const Curve* c = curves.find("t");
  REQUIRE(c != nullptr);
  CHECK(steps(*c) == std::vector<int64_t>{1, 2, 3});
  CHECK(c->back().value == 0.75);
  CHECK(curves.add("t", 4, 0.8));
  curves.erase("t");
  CHECK(curves.find("t") == nullptr);
}

TEST_CASE("learning curves: value_at takes the last value at or before a step") {
  LearningCurves curves;
  curves.add("t", 2, 0.5);
  curves.add("t", 10, 0.9);
  const Curve& c = *curves.find("t");
  CHECK(value_at(c, 1) == nullptr);
  CHECK(value_at(c, 2)->value == 0.5);
  CHECK(value_at(c, 9)->value == 0.5);
  CHECK(value_at(c, 10)->value == 0.9);
  CHECK(value_at(c, 99)->step == 10);
}
