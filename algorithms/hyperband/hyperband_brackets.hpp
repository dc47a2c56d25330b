// Hyperband's bracket arithmetic: how many brackets, how many configurations per rung, and the
// resource each rung trains with (Li et al., JMLR 2018, Algorithm 1).
#pragma once

#include <cstdint>
#include <vector>

namespace sextant::algorithms {

// Brackets larger than this are rejected by validation: eta^s_max configurations would not fit
// any experiment, and the integer arithmetic below stays exact.
inline constexpr int64_t kMaxBracketConfigurations = 1000000;

// s_max = floor(log_eta(r_l)), computed with integer powers of eta so that r_l = 27, eta = 3
// gives 3 (ln 27 / ln 3 is 2.9999999999999996 in floating point). 0 when r_l < eta, also for
// r_l < 1 (one bracket of one configuration trained with r_l).
int hyperband_s_max(double r_l, int64_t eta);

// eta^s as a double: exact while it stays below 2^53 (always, under the limit above).
double integer_power(int64_t eta, int s);

struct HyperbandBracket {
  int s = 0;                      // Katib's current_s; brackets run s_max first
  int64_t configurations = 0;     // n = ceil((s_max+1) eta^s / (s+1)): rung 0's size
  std::vector<double> resources;  // r_i = r_l eta^(i-s), i = 0..s
};

// Brackets s = s_max, s_max-1, ..., 0, in Katib's order.
std::vector<HyperbandBracket> hyperband_brackets(double r_l, int64_t eta);

// The size of rung i of a bracket whose rung 0 holds n0 configurations: floor(n0 eta^-i), at
// least 1 once rung 1 has a configuration. A full bracket (n0 = n >= eta^s) is Li et al.'s
// floor(n eta^-i) exactly; n0 is smaller only when a finite space ran out of configurations, and
// then a rung 0 of fewer than eta configurations promotes none (none is in the top 1/eta), while
// a larger one still carries its best to the last rung.
int64_t rung_size(int64_t n0, int64_t eta, int i);

}  // namespace sextant::algorithms
