// Numbers and columns of the bench reports: quantiles, "median [IQR]", padded cells.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

namespace sextant::bench {

// Linear interpolation between order statistics (numpy's default); NaN for no values.
inline double quantile(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const size_t low = static_cast<size_t>(std::floor(position));
  const size_t high = std::min(low + 1, values.size() - 1);
  return values[low] + (position - static_cast<double>(low)) * (values[high] - values[low]);
}

inline double median(const std::vector<double>& values) {
  return quantile(values, 0.5);
}

// printf of one number; "n/a" for NaN, and -0 printed as 0.
inline std::string format(const char* pattern, double value) {
  if (std::isnan(value)) return "n/a";
  char text[64];
  std::snprintf(text, sizeof text, pattern, value + 0.0);
  return text;
}

inline std::string pad(const std::string& text, size_t width, bool left = false) {
  if (text.size() >= width) return text;
  return left ? text + std::string(width - text.size(), ' ')
              : std::string(width - text.size(), ' ') + text;
}

// "median [q25, q75]"
inline std::string median_iqr(const std::vector<double>& values, const char* pattern) {
  return format(pattern, median(values)) + " [" + format(pattern, quantile(values, 0.25)) + ", " +
         format(pattern, quantile(values, 0.75)) + "]";
}

}  // namespace sextant::bench
