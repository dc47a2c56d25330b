// Command-line grammar (CLI11) and the mapping of errors to documented exit codes.
#include "cli/commands.hpp"

#include <iostream>

#include <CLI/CLI.hpp>

#include "engine/error.hpp"
#include "engine/spec/diagnostic.hpp"

namespace sextant::cli {

int run_cli(int argc, char** argv) {
  CLI::App app{"sextant: hyperparameter tuning for Katib v1beta1 experiments, on one machine"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalOptions global;
  app.add_option("--db", global.db, "SQLite database (default $SEXTANT_DB, else ./sextant.db)");

  auto add_output = [&](CLI::App* cmd, const std::string& help) {
    cmd->add_option("-o,--output", global.output, help);
  };

  RunOptions run;
  auto* run_cmd = app.add_subcommand("run", "run (or resume) an experiment in the foreground");
  run_cmd->add_option("-f,--file", run.file, "experiment spec (YAML or JSON)")->required();
  run_cmd->add_option("--progress", run.progress,
                      "auto|live|lines|none (default auto: live on a TTY)");
  run_cmd->add_option("--runs-dir", run.runs_dir, "where trial directories go (default <db>-runs)");
  run_cmd->add_option("--listen", run.listen,
                      "address of the metrics push endpoint (default 127.0.0.1:0)");
  run_cmd->add_option("--grace", run.grace_seconds,
                      "seconds between SIGTERM and SIGKILL when stopping trials");
  add_output(run_cmd, "print the final experiment as json or yaml on stdout");

  std::string validate_file;
  auto* validate_cmd = app.add_subcommand(
      "validate", "check a spec; exit 0 when valid, 2 with every error otherwise");
  validate_cmd->add_option("-f,--file", validate_file, "experiment spec (YAML or JSON)")
      ->required();
  add_output(validate_cmd, "yaml|json: print the spec with Katib's defaults applied");

  RenderOptions render;
  auto* render_cmd = app.add_subcommand(
      "render", "print the trial object the first trial would run (Katib's substitution)");
  render_cmd->add_option("-f,--file", render.file, "experiment spec (YAML or JSON)")->required();
  render_cmd->add_option("--set", render.sets, "name=value: a value for the trial (repeatable)");
  add_output(render_cmd, "yaml|json (default yaml)");

  std::string name;
  auto* get_cmd = app.add_subcommand(
      "get", "list experiments, or show one experiment, its trials or its events");
  get_cmd->require_subcommand(1);
  auto* get_exps = get_cmd->add_subcommand("experiments", "list experiments");
  add_output(get_exps, "table|json|yaml|csv");
  auto* get_exp =
      get_cmd->add_subcommand("experiment", "one experiment as a Katib Experiment object");
  get_exp->add_option("name", name, "experiment name")->required();
  add_output(get_exp, "table|json|yaml|csv");
  auto* get_trials = get_cmd->add_subcommand("trials", "the trials of an experiment");
  get_trials->add_option("name", name, "experiment name")->required();
  add_output(get_trials, "table|json|yaml|csv");
  auto* get_events = get_cmd->add_subcommand(
      "events", "what happened in an experiment: state changes, early-stopping decisions, ...");
  get_events->add_option("name", name, "experiment name")->required();
  add_output(get_events, "table|json|yaml|csv");

  auto* best_cmd = app.add_subcommand("best", "the best trial of an experiment");
  best_cmd->add_option("name", name, "experiment name")->required();
  add_output(best_cmd, "table|json|yaml|csv");

  std::string trial;
  auto* logs_cmd = app.add_subcommand("logs", "print a trial's log (stdout and stderr)");
  logs_cmd->add_option("trial", trial, "trial name")->required();

  std::vector<std::string> metrics;
  long long step = -1;
  auto* report_cmd =
      app.add_subcommand("report", "from a trial: push metrics to the engine (name=value ...)");
  report_cmd->add_option("metrics", metrics, "name=value pairs")->required();
  report_cmd->add_option("--step", step, "step (epoch, iteration) of these values");

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }

  try {
    if (*run_cmd) return run_command(global, run);
    if (*validate_cmd) return validate_command(global, validate_file);
    if (*render_cmd) return render_command(global, render);
    if (*get_exps) return get_experiments_command(global);
    if (*get_exp) return get_experiment_command(global, name);
    if (*get_trials) return get_trials_command(global, name);
    if (*get_events) return get_events_command(global, name);
    if (*best_cmd) return best_command(global, name);
    if (*logs_cmd) return logs_command(global, trial);
    if (*report_cmd) return report_command(metrics, step);
  } catch (const engine::SpecError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
    std::cerr << e.diagnostics().size() << (e.diagnostics().size() == 1 ? " error" : " errors")
              << " in the spec\n";
    return 2;
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return exit_code_for(e.code());
  } catch (const std::exception& e) {
    std::cerr << "internal error: " << e.what() << '\n';
    return 1;
  }
  return 2;
}

}  // namespace sextant::cli
