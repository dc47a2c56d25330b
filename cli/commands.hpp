// The `sextant` command line: parses flags and wires the engine with the built-ins.
#pragma once

#include <string>
#include <vector>

namespace sextant::cli {

int run_cli(int argc, char** argv);

struct GlobalOptions {
  std::string db;                // --db (else $SEXTANT_DB, else ./sextant.db)
  std::string output = "table";  // -o
};

struct RunOptions {
  std::string file;
  std::string progress = "auto";
  std::string runs_dir;
  std::string listen = "127.0.0.1:0";
  double grace_seconds = 5;
};

int run_command(const GlobalOptions& global, const RunOptions& options);

struct RenderOptions {
  std::string file;
  std::vector<std::string> sets;  // --set name=value
};
// Prints the object (Job, Workflow, ...) the experiment's first trial would run: the
// algorithm's first assignment, overridden by --set, substituted as Katib does.
int render_command(const GlobalOptions& global, const RenderOptions& options);
int validate_command(const GlobalOptions& global, const std::string& file);
int get_experiments_command(const GlobalOptions& global);
int get_experiment_command(const GlobalOptions& global, const std::string& name);
int get_trials_command(const GlobalOptions& global, const std::string& name);
// The experiment's event log: trial state changes, early-stopping decisions and advice,
// out-of-order steps, missing checkpoints, restarts.
int get_events_command(const GlobalOptions& global, const std::string& name);
int best_command(const GlobalOptions& global, const std::string& name);
int logs_command(const GlobalOptions& global, const std::string& trial);
int report_command(const std::vector<std::string>& metrics, long long step);

}  // namespace sextant::cli
