// Runs a built spec with `sextant run` and reads back the experiment and its trials as JSON.
#pragma once

#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.hpp"
#include "tests/e2e/spec_builder.hpp"
#include "tests/support/shared_dir.hpp"

namespace sextant::testing {

using nlohmann::json;

struct Ran {
  ProcessResult run;
  json experiment;
  json trials;
};

inline Ran run_spec(const TempDir& dir, const SpecOptions& options) {
  auto spec = dir.write(options.name + ".yaml", build_spec(options));
  auto db = (dir / "test.db").string();
  Ran r;
  r.run = run_sextant({"--db", db, "run", "-f", spec, "--progress", "lines", "--grace", "1"});
  auto exp = run_sextant({"--db", db, "get", "experiment", options.name, "-o", "json"});
  REQUIRE(exp.exit_code == 0);
  r.experiment = json::parse(exp.out);
  auto trials = run_sextant({"--db", db, "get", "trials", options.name, "-o", "json"});
  REQUIRE(trials.exit_code == 0);
  r.trials = json::parse(trials.out);
  return r;
}

inline const json& condition(const json& experiment, const std::string& type) {
  for (const auto& c : experiment["status"]["conditions"])
    if (c["type"] == type) return c;
  FAIL("no condition " << type << " in " << experiment["status"].dump());
  static json none;
  return none;
}

inline std::string last_state(const json& trial) {
  return trial["status"]["conditions"].back()["type"];
}

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A Katib conformance file with `from` replaced by `to` for each pair (each must occur); skips
// the test (exit 77) when ../shared is absent.
inline std::string katib_spec(
    const std::string& file, const std::vector<std::pair<std::string, std::string>>& replacements) {
  std::string spec = read_text(require_conformance_dir() / file);
  for (const auto& [from, to] : replacements) {
    auto at = spec.find(from);
    REQUIRE(at != std::string::npos);
    spec.replace(at, from.size(), to);
  }
  return spec;
}

}  // namespace sextant::testing
