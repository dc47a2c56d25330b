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
                      "address of the metrics push endpoint and the live dashboard (default "
                      "127.0.0.1:0)");
  run_cmd->add_flag("--dashboard-public", run.dashboard_public,
                    "answer dashboard and API reads from any address, not only from this "
                    "machine (with a --listen beyond loopback)");
  run_cmd->add_option("--grace", run.grace_seconds,
                      "seconds between SIGTERM and SIGKILL when stopping trials");
  run_cmd->add_option("--artifact-prefix", run.artifact_prefix,
                      "URI prefix of trial artifacts on a cluster (s3://bucket/path): a trial's "
                      "model is recorded at <prefix>/<experiment>/<trial>");
  run_cmd->add_option("--backend", run.backend.backend,
                      "where trials run: local (processes, the default), kubernetes (objects "
                      "on a cluster), kfp (Kubeflow Pipelines runs)");
  run_cmd->add_option("--kubeconfig", run.backend.kubeconfig,
                      "kubeconfig file (default $KUBECONFIG, ~/.kube/config, else in-cluster)");
  run_cmd->add_option("--context", run.backend.context, "kubeconfig context (default current)");
  run_cmd->add_option("--namespace", run.backend.namespace_name,
                      "namespace of trial objects (default the spec's metadata.namespace)");
  run_cmd->add_option("--advertise-url", run.backend.advertise_url,
                      "the push endpoint as cluster workers reach it (http://host:port of "
                      "--listen); workers get it as SEXTANT_REPORT_URL");
  run_cmd->add_option("--kfp-url", run.backend.kfp_url,
                      "Kubeflow Pipelines API (e.g. http://ml-pipeline.kubeflow:8888)");
  run_cmd->add_option("--kfp-token-file", run.backend.kfp_token_file,
                      "file holding a bearer token for the Kubeflow Pipelines API");
  run_cmd->add_option("--kfp-pipeline", run.backend.kfp_pipeline,
                      "compiled pipeline (IR YAML/JSON) to run per trial; default: one step, "
                      "the trial template's primary container");
  run_cmd->add_option("--kfp-experiment", run.backend.kfp_experiment_id,
                      "Kubeflow Pipelines experiment id of the runs");
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
  std::string report_file;
  auto* report_cmd = app.add_subcommand(
      "report",
      "from a trial: push metrics to the engine (sextant report loss=0.12 [--step N]); or write "
      "an experiment's self-contained HTML report (sextant report EXPERIMENT -o report.html)");
  report_cmd->add_option("metrics", metrics, "name=value pairs, or one experiment name with -o")
      ->required();
  report_cmd->add_option("--step", step, "step (epoch, iteration) of these values");
  report_cmd->add_option("-o,--output", report_file,
                         "with an experiment name: the HTML file to write (plots and summary)");

  DashboardOptions dashboard;
  auto* dashboard_cmd = app.add_subcommand(
      "dashboard", "serve the web dashboard (experiments, plots, trials, models), read-only");
  dashboard_cmd->add_option("--listen", dashboard.listen,
                            "HOST:PORT (default 127.0.0.1:8080; port 0 picks a free one)");

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand(
      "serve", "serve the production models over the Open Inference Protocol v2 (REST)");
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT (default 127.0.0.1:8080)");
  serve_cmd->add_option("--models-dir", serve.models_dir,
                        "model repository (default <db stem>-models beside the database)");
  serve_cmd->add_option("--threads", serve.threads, "server threads (default 4)");
  serve_cmd->add_option("--max-body-bytes", serve.max_body_bytes,
                        "larger requests get 413 (default 16 MiB)");

  PromoteOptions promote;
  auto add_target_options = [&](CLI::App* cmd) {
    cmd->add_option("--server", promote.server,
                    "local: URL of the running sextant serve (default http://127.0.0.1:8080; "
                    "given explicitly, it must answer)");
    cmd->add_option("--models-dir", promote.models_dir,
                    "local: model repository (default <db stem>-models)");
    cmd->add_option("--namespace", promote.kube_namespace, "kserve: namespace");
    cmd->add_option("--kubeconfig", promote.kubeconfig, "kserve: kubeconfig file");
    cmd->add_option("--context", promote.kube_context,
                    "kserve: kubeconfig context (default: its current-context)");
    cmd->add_option("--kube-server", promote.kube_server, "kserve: API server URL override");
    cmd->add_flag("--raw-deployment", promote.raw_deployment,
                  "kserve: RawDeployment mode (rolling update, no canary)");
    cmd->add_option("--timeout", promote.timeout_seconds,
                    "seconds a rollout may take to become ready (default 120)");
    cmd->add_flag("--dry-run", promote.dry_run, "print the plan; change nothing");
  };
  auto* promote_cmd = app.add_subcommand(
      "promote", "register an experiment's best trial's model as a new version and serve it");
  promote_cmd->add_option("experiment", promote.experiment, "experiment name")->required();
  promote_cmd->add_option("--trial", promote.trial, "promote this trial (default: the best)");
  promote_cmd->add_option("--model", promote.model, "model name (default: the experiment's)");
  promote_cmd->add_option("--target", promote.target, "local|kserve (default local)");
  promote_cmd->add_option("--format", promote.format,
                          "xgboost|sextant-mlp (default: detected from the artifact)");
  promote_cmd->add_option("--canary", promote.canary,
                          "kserve: percent of traffic for the new version before it takes all");
  add_target_options(promote_cmd);
  add_output(promote_cmd, "json|yaml: print the new version");

  long long rollback_to = 0;
  auto* rollback_cmd =
      app.add_subcommand("rollback", "serve a model's previous version again");
  rollback_cmd->add_option("name", promote.model, "model name")->required();
  rollback_cmd->add_option("--to", rollback_to, "this version (default: the one before)");
  add_target_options(rollback_cmd);

  auto* models_cmd = app.add_subcommand("models", "the model registry");
  models_cmd->require_subcommand(1);
  auto* models_list = models_cmd->add_subcommand("list", "models and their production versions");
  add_output(models_list, "table|json|yaml|csv");
  auto* models_get =
      models_cmd->add_subcommand("get", "a model's versions and its promotion history");
  models_get->add_option("name", name, "model name")->required();
  add_output(models_get, "table|json|yaml|csv");

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
    if (*report_cmd) {
      // A first argument without '=' is an experiment: the HTML report (it needs -o).
      if (metrics.size() == 1 && metrics[0].find('=') == std::string::npos) {
        if (report_file.empty())
          throw Error(ErrorCode::kInvalidArgument,
                      "to write the HTML report of experiment \"" + metrics[0] +
                          "\", give the file: sextant report " + metrics[0] +
                          " -o report.html (to push a metric: sextant report name=value)");
        return html_report_command(global, metrics[0], report_file);
      }
      return report_command(metrics, step);
    }
    if (*dashboard_cmd) return dashboard_command(global, dashboard);
    if (*serve_cmd) return serve_command(global, serve);
    if (*promote_cmd) return promote_command(global, promote);
    if (*rollback_cmd) return rollback_command(global, promote, rollback_to);
    if (*models_list) return models_list_command(global);
    if (*models_get) return models_get_command(global, name);
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
