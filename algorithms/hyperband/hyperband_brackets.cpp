// Bracket sizes and resources with exact integer powers.
#include "algorithms/hyperband/hyperband_brackets.hpp"

namespace sextant::algorithms {

double integer_power(int64_t eta, int s) {
  double value = 1;
  for (int k = 0; k < s; ++k) value *= static_cast<double>(eta);
  return value;
}

int hyperband_s_max(double r_l, int64_t eta) {
  // The relative slack only forgives the rounding of a user-written r_l such as "0.729e3"; an
  // r_l really below eta^s stays below it.
  const double limit = r_l * (1 + 1e-12);
  int s = 0;
  double next = static_cast<double>(eta);
  while (next <= limit && next <= static_cast<double>(kMaxBracketConfigurations) * eta) {
    ++s;
    next *= static_cast<double>(eta);
  }
  return s;
}

std::vector<HyperbandBracket> hyperband_brackets(double r_l, int64_t eta) {
  const int s_max = hyperband_s_max(r_l, eta);
  std::vector<HyperbandBracket> brackets;
  for (int s = s_max; s >= 0; --s) {
    HyperbandBracket b;
    b.s = s;
    // ceil(a / b) = (a + b - 1) / b on whole numbers; eta^s is exact (see the header).
    const auto power = static_cast<int64_t>(integer_power(eta, s));
    b.configurations = ((s_max + 1) * power + s) / (s + 1);
    for (int i = 0; i <= s; ++i) b.resources.push_back(r_l / integer_power(eta, s - i));
    brackets.push_back(std::move(b));
  }
  return brackets;
}

int64_t rung_size(int64_t n0, int64_t eta, int i) {
  if (n0 <= 0 || i == 0) return n0 < 0 ? 0 : n0;
  if (n0 < eta) return 0;  // not even one configuration is in the top 1/eta
  int64_t size = n0;
  for (int k = 0; k < i && size > 0; ++k) size /= eta;  // floor(floor(n/e)/e) = floor(n/e^2)
  return size < 1 ? 1 : size;
}

}  // namespace sextant::algorithms
