// The `sextant` command line: parses flags and wires the engine with the built-ins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/backend.hpp"

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
  bool dashboard_public = false;  // --dashboard-public: dashboard reads from any address
  double grace_seconds = 5;
  std::string artifact_prefix;  // --artifact-prefix s3://bucket/path ("" = local artifact dirs)
  BackendOptions backend;       // --backend and the cluster's flags
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

struct DashboardOptions {
  std::string listen = "127.0.0.1:8080";
};
// Serves the dashboard and its REST API (/api/v1) from the database, read-only, until Ctrl-C;
// prints the URL on stdout.
int dashboard_command(const GlobalOptions& global, const DashboardOptions& options);
// Writes the experiment's self-contained HTML report (plots, summary, trial table).
int html_report_command(const GlobalOptions& global, const std::string& experiment,
                        const std::string& output_file);

// Serving (issue 7): cli/serve_command.cpp, cli/promote_command.cpp, cli/models_command.cpp.
struct ServeOptions {
  std::string listen = "127.0.0.1:8080";
  std::string models_dir;  // default <db stem>-models
  size_t threads = 4;
  size_t max_body_bytes = 16 * 1024 * 1024;
};
int serve_command(const GlobalOptions& global, const ServeOptions& options);
struct PromoteOptions {
  std::string experiment;
  std::string trial;   // default: the best succeeded trial
  std::string model;   // default: the experiment's name
  std::string target = "local";
  std::string format;  // default: detected from the artifact directory
  int canary = 0;
  bool dry_run = false;
  std::string server;  // local: the running sextant serve (default http://127.0.0.1:8080)
  std::string models_dir;
  std::string kube_namespace;
  std::string kubeconfig;
  std::string kube_context;  // "" = the kubeconfig's current-context
  std::string kube_server;
  bool raw_deployment = false;
  double timeout_seconds = 120;
};
int promote_command(const GlobalOptions& global, const PromoteOptions& options);
int rollback_command(const GlobalOptions& global, const PromoteOptions& options, int64_t to_version);
int models_list_command(const GlobalOptions& global);
int models_get_command(const GlobalOptions& global, const std::string& name);
// Hidden: `sextant pipeline-run FILE ...`, the process a local Argo/Tekton trial runs as
// (argv[1] == "pipeline-run"; see orchestration/pipeline/driver.hpp).
int pipeline_command(int argc, char** argv);

}  // namespace sextant::cli
