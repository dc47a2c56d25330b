// The recorded NAS table: Katib's `architecture` string -> validation accuracy, and its space.
#pragma once

#include <string>
#include <unordered_map>

#include <nlohmann/json.hpp>

namespace sextant::bench::nas {

struct NasTable {
  nlohmann::json nas_config;  // the spec.nasConfig the table enumerates (make_table.py)
  std::unordered_map<std::string, double> accuracy;  // architecture text -> accuracy (4 decimals)
  double best = 0;                                   // the table's best accuracy
  int at_best = 0;                                   // architectures that reach it
  int num_epochs = 0;
  std::string machine;
  double median_train_seconds = 0;
  double wall_seconds = 0;

  // nullptr when the table has no such architecture.
  const double* find(const std::string& architecture) const;
};

// Reads make_table.py's file. Throws sextant::Error (kInvalidArgument) naming what is wrong.
NasTable load_nas_table(const std::string& path);

}  // namespace sextant::bench::nas
