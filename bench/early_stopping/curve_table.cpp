// Reading and checking make_curves.py's table.
#include "bench/early_stopping/curve_table.hpp"

#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"

namespace sextant::bench {

namespace {

Error bad_table(const std::filesystem::path& file, const std::string& what) {
  return Error(ErrorCode::kInvalidArgument,
               file.string() + ": " + what +
                   " (regenerate it with bench/early_stopping/run.sh --regenerate)");
}

}  // namespace

CurveTable load_curve_table(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in)
    throw Error(ErrorCode::kNotFound, file.string() +
                                          ": no curve table there; make it with "
                                          "bench/early_stopping/make_curves.py");
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw bad_table(file, std::string("not JSON: ") + e.what());
  }
  CurveTable table;
  try {
    table.epochs = j.at("epochs").get<int>();
    table.accuracy = j.at("accuracy").get<std::vector<std::vector<double>>>();
    for (const auto& config : j.at("configs")) table.configs.push_back(config.dump());
    table.seconds_per_epoch = j.value("seconds_per_epoch", 0.0);
    if (j.contains("machine")) {
      const auto& m = j["machine"];
      char load[48] = "";
      if (m.contains("load_average"))  // includes the training jobs themselves
        std::snprintf(load, sizeof load, ", load average %.1f", m["load_average"].get<double>());
      table.machine = std::to_string(m.value("nproc", 0)) + " cpus, " + m.value("cpu", "?") + ", " +
                      std::to_string(m.value("jobs", 1)) + " training jobs at once" + load;
    }
  } catch (const nlohmann::json::exception& e) {
    throw bad_table(file, std::string("expected epochs, configs and accuracy: ") + e.what());
  }
  if (table.epochs < 1) throw bad_table(file, "epochs must be at least 1");
  if (table.accuracy.empty()) throw bad_table(file, "the table has no configuration");
  if (table.configs.size() != table.accuracy.size())
    throw bad_table(file, std::to_string(table.configs.size()) + " configs but " +
                              std::to_string(table.accuracy.size()) + " accuracy rows");
  for (size_t k = 0; k < table.accuracy.size(); ++k)
    if (static_cast<int>(table.accuracy[k].size()) != table.epochs)
      throw bad_table(file, "accuracy row " + std::to_string(k) + " has " +
                                std::to_string(table.accuracy[k].size()) + " values, expected " +
                                std::to_string(table.epochs));
  return table;
}

}  // namespace sextant::bench
