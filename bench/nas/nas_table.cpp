// Reading make_table.py's JSON file.
#include "bench/nas/nas_table.hpp"

#include <fstream>

#include "engine/error.hpp"

namespace sextant::bench::nas {

const double* NasTable::find(const std::string& architecture) const {
  auto it = accuracy.find(architecture);
  return it == accuracy.end() ? nullptr : &it->second;
}

NasTable load_nas_table(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw Error(ErrorCode::kInvalidArgument,
                "cannot read the NAS table " + path + " (make it with bench/nas/make_table.py)");
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorCode::kInvalidArgument, path + " is not JSON: " + e.what());
  }
  NasTable table;
  try {
    table.nas_config = document.at("nasConfig");
    table.num_epochs = document.at("num_epochs").get<int>();
    table.machine = document.value("machine", "");
    table.median_train_seconds = document.value("median_train_seconds", 0.0);
    table.wall_seconds = document.value("wall_seconds", 0.0);
    for (const auto& [architecture, value] : document.at("accuracy").items())
      table.accuracy.emplace(architecture, value.get<double>());
  } catch (const nlohmann::json::exception& e) {
    throw Error(
        ErrorCode::kInvalidArgument,
        path + ": expected nasConfig, num_epochs and accuracy {architecture: number}: " + e.what());
  }
  if (table.accuracy.empty())
    throw Error(ErrorCode::kInvalidArgument, path + " holds no architecture");
  table.best = 0;
  for (const auto& [_, value] : table.accuracy) table.best = std::max(table.best, value);
  for (const auto& [_, value] : table.accuracy) table.at_best += value == table.best;
  return table;
}

}  // namespace sextant::bench::nas
