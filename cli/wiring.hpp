// Wires the engine with the built-in algorithms and runners: the only place that knows them all.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "engine/ports/algorithm.hpp"
#include "engine/spec/spec_loader.hpp"

namespace sextant::cli {

struct Builtins {
  engine::AlgorithmRegistry algorithms;
  engine::EarlyStopperRegistry early_stopping;
  engine::SpecCatalog catalog() const { return {&algorithms, &early_stopping}; }
};

std::unique_ptr<Builtins> make_builtins();

// Trial directories default to "<db stem>-runs" beside the database.
std::filesystem::path default_runs_dir(const std::filesystem::path& db_path);

// Directory of the Python reporting module, put on the workers' PYTHONPATH.
std::filesystem::path python_report_dir();

}  // namespace sextant::cli
