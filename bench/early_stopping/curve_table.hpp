// The recorded learning curves the replay runs on (make_curves.py's JSON table).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sextant::bench {

// Row k is configuration k of examples/mlp-digits trained for `epochs` epochs: accuracy[k][e-1]
// is the validation accuracy train.py printed after epoch e (4 decimals).
struct CurveTable {
  int epochs = 0;
  std::vector<std::vector<double>> accuracy;
  std::vector<std::string> configs;  // each row's hyperparameters, as compact JSON
  double seconds_per_epoch = 0;      // mean wall time of one epoch when the table was made
  std::string machine;               // where it was made ("2 cpus, AMD EPYC")

  int rows() const { return static_cast<int>(accuracy.size()); }
};

// Throws sextant::Error (kNotFound, kInvalidArgument) naming the file and what is wrong.
CurveTable load_curve_table(const std::filesystem::path& file);

}  // namespace sextant::bench
