// Loading a Katib v1beta1 Experiment (YAML or JSON): parse, apply Katib's defaults, validate.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/ports/algorithm.hpp"
#include "engine/ports/early_stopper.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::engine {

// What this build can run: validation checks algorithm names and settings against it.
struct SpecCatalog {
  const AlgorithmRegistry* algorithms = nullptr;
  const EarlyStopperRegistry* early_stopping = nullptr;
};

// Every algorithm name Katib defines (reference katib.md section 3), so that a name Katib knows
// but this build lacks is reported as "not implemented yet" rather than "does not exist".
const std::vector<std::string>& katib_algorithm_names();

// Reads, defaults and validates. Throws SpecError listing every problem found (each with file,
// line, column, field path, expected and found), or Error(kNotFound) when the file is missing.
// code_dir is the spec file's folder.
ExperimentSpec load_experiment_file(const std::filesystem::path& file, const SpecCatalog& catalog);

// Same, from text; `file_name` is used in diagnostics and code_dir for relative commands.
ExperimentSpec parse_experiment(const std::string& text, const std::string& file_name,
                                const std::filesystem::path& code_dir, const SpecCatalog& catalog);

// Rebuilds the typed spec from a document that was already defaulted and validated (what the
// store keeps). Does not re-run validation against a catalog.
ExperimentSpec spec_from_document(const nlohmann::json& document, const std::string& source_file,
                                  const std::filesystem::path& code_dir);

// Prints a JSON document as block-style YAML (for `-o yaml`).
std::string to_yaml(const nlohmann::json& document);

}  // namespace sextant::engine
