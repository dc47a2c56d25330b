// `sextant run`: load, validate, open the store, start the push endpoint, drive the controller.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/auto_promotion.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "cli/wiring.hpp"
#include "cli/dashboard_wiring.hpp"
#include "dashboard/embedded_assets.hpp"
#include "engine/api/dashboard_assets.hpp"
#include "engine/api/http_message.hpp"
#include "engine/api/rest_api.hpp"
#include "engine/api/http_server.hpp"
#include "engine/api/push_endpoint.hpp"
#include "engine/controller/controller.hpp"
#include "engine/error.hpp"
#include "engine/spec/spec_loader.hpp"
#include "engine/store/store.hpp"
#include "engine/util/clock.hpp"
#include "trials/builtin.hpp"

namespace sextant::cli {
namespace {

// Ctrl-C is staged: the first press stops (running trials are terminated and recorded), the
// second kills them at once. Signals are blocked in every thread and taken by this one, so no
// work happens inside a signal handler.
class SignalWatcher {
 public:
  explicit SignalWatcher(engine::Controller& controller) : controller_(controller) {
    thread_ = std::thread([this] { loop(); });
  }
  ~SignalWatcher() {
    done_ = true;
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }
  int presses() const { return presses_; }

  // Must run before any thread starts so that every thread inherits the mask.
  static void block_signals() {
    sigset_t set = watched();
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    signal(SIGPIPE, SIG_IGN);
  }

 private:
  static sigset_t watched() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    return set;
  }

  void loop() {
    sigset_t set = watched();
    while (!done_) {
      int sig = 0;
      if (sigwait(&set, &sig) != 0 || done_) continue;
      if (sig == SIGUSR1) continue;
      int n = ++presses_;
      if (n == 1) {
        std::fprintf(stderr,
                     "\nstopping: terminating running trials (press Ctrl-C again to kill them)\n");
        controller_.request_stop();
      } else {
        std::fprintf(stderr, "\nkilling running trials\n");
        controller_.request_kill();
      }
    }
  }

  engine::Controller& controller_;
  std::thread thread_;
  std::atomic<bool> done_{false};
  std::atomic<int> presses_{0};
};

std::pair<std::string, uint16_t> split_listen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw Error(ErrorCode::kInvalidArgument, "expected HOST:PORT, found \"" + listen + "\"",
                "--listen");
  int port = -1;
  try {
    port = std::stoi(listen.substr(colon + 1));
  } catch (...) {
  }
  if (port < 0 || port > 65535)
    throw Error(ErrorCode::kInvalidArgument, "port must be 0..65535, found \"" + listen + "\"",
                "--listen");
  return {listen.substr(0, colon), static_cast<uint16_t>(port)};
}

void print_summary(const engine::ExperimentSpec& spec, const engine::Store& store,
                   const engine::RunOutcome& outcome) {
  auto trials = store.list_trials(spec.name);
  auto counts = engine::count_trials(trials);
  const auto& status = outcome.status;
  std::string state = outcome.interrupted  ? "Stopped"
                      : status.succeeded() ? "Succeeded"
                      : status.failed()    ? "Failed"
                                           : "Running";
  double end = status.completion_time > 0 ? status.completion_time : engine::unix_now();
  std::fprintf(
      stderr, "\nExperiment %s %s%s: %d trials (%d succeeded, %d failed, %d killed) in %s\n",
      spec.name.c_str(), state.c_str(),
      status.completion_reason().empty() ? "" : (" (" + status.completion_reason() + ")").c_str(),
      counts.total, counts.succeeded, counts.failed_for_budget(), counts.killed,
      human_duration(end - status.start_time).c_str());
  if (const auto* best = engine::optimal_trial(spec.objective, trials)) {
    std::fprintf(stderr, "Best trial %s: %s\n", best->name.c_str(),
                 format_objective(spec, *best).c_str());
    for (const auto& a : best->assignment)
      std::fprintf(stderr, "  %s = %s\n", a.name.c_str(), a.value.c_str());
    std::fprintf(stderr, "Next: sextant best %s | sextant get trials %s | sextant logs %s\n",
                 spec.name.c_str(), spec.name.c_str(), best->name.c_str());
  } else {
    std::fprintf(stderr, "No trial reported the objective \"%s\". See: sextant get trials %s\n",
                 spec.objective.objective_metric_name.c_str(), spec.name.c_str());
  }
  if (outcome.interrupted) std::fprintf(stderr, "Run the same command again to resume.\n");
}

}  // namespace

int run_command(const GlobalOptions& global, const RunOptions& options) {
  auto format = parse_output_format(global.output);
  auto builtins = make_builtins();
  auto spec = engine::load_experiment_file(options.file, builtins->catalog());
  auto db_path = engine::resolve_db_path(global.db);
  auto store =
      engine::Store::open(db_path, engine::Store::Mode::kReadWrite, /*take_engine_lock=*/true);
  auto algorithm = builtins->algorithms.find(spec.algorithm.algorithm_name)->create(spec);
  std::unique_ptr<engine::EarlyStopper> early_stopper;
  if (spec.early_stopping)
    early_stopper =
        builtins->early_stopping.find(spec.early_stopping->algorithm_name)->create(spec);

  SignalWatcher::block_signals();

  std::atomic<engine::Controller*> controller_ptr{nullptr};
  auto [host, port] = split_listen(options.listen);
  std::unique_ptr<engine::PushEndpoint> endpoint;
  // The same server serves the dashboard and its REST API (GET, read-only, through its own
  // read-only connection), live while the experiment runs.
  engine::RestApi dashboard_api(db_path, trial_object_renderer());
  engine::Router dashboard;
  dashboard_api.add_routes(dashboard);
  engine::add_dashboard_routes(dashboard, dashboard::embedded_assets());
  // Pushes may arrive only once the controller exists; before that the server answers 503.
  // A --listen beyond loopback is for workers' pushes (each carries its trial's token); the
  // dashboard shows every trial's parameters and logs, so it stays for this machine (and
  // `kubectl port-forward`) unless the user says otherwise.
  engine::HttpServer server(host, port, [&](const engine::HttpRequest& request) {
    if (request.method == "GET" && request.target != "/healthz") {
      if (!options.dashboard_public && !request.from_loopback())
        return engine::error_response(
            403, "forbidden",
            "the dashboard answers this machine only (the client is " + request.peer_address +
                "); run with --dashboard-public to serve it on " + options.listen);
      return dashboard.handle(request);
    }
    if (!controller_ptr.load() || !endpoint)
      return engine::error_response(503, "unavailable", "the engine is starting");
    return endpoint->handle(request);
  });

  engine::ControllerOptions controller_options;
  // Absolute, because trials run in the spec's folder and get these paths in their environment.
  controller_options.runs_dir =
      std::filesystem::absolute(options.runs_dir.empty() ? default_runs_dir(db_path)
                                                         : std::filesystem::path(options.runs_dir));
  controller_options.report_url = "http://" + host + ":" + std::to_string(server.port());
  controller_options.kill_grace =
      std::chrono::milliseconds(static_cast<long>(options.grace_seconds * 1000));
  controller_options.early_stopper = early_stopper.get();
  controller_options.artifact_prefix = options.artifact_prefix;
  while (!controller_options.artifact_prefix.empty() &&
         controller_options.artifact_prefix.back() == '/')
    controller_options.artifact_prefix.pop_back();
  auto runner = make_runner(options.backend,
                            {controller_options.report_url, controller_options.artifact_prefix,
                             python_report_dir().string(), controller_options.kill_grace});
  auto mode = parse_progress_mode(options.progress, isatty(STDERR_FILENO));
  if (mode == ProgressMode::kLive)
    controller_options.progress_interval = std::chrono::milliseconds(1000);
  ProgressView view(mode, stderr);

  engine::Controller controller(*store, spec, *algorithm, *runner, controller_options, &view);
  endpoint = std::make_unique<engine::PushEndpoint>(
      [&controller](const std::string& trial) { return controller.token_for(trial); }, controller);
  controller_ptr = &controller;

  engine::RunOutcome outcome;
  {
    SignalWatcher signals(controller);
    if (mode != ProgressMode::kNone)
      std::fprintf(
          stderr, "Experiment %s: %s, %s, up to %s trials, %d in parallel (db %s)\n",
          spec.name.c_str(), spec.algorithm.algorithm_name.c_str(),
          (std::string(engine::to_string(spec.objective.type)) + " " +
           spec.objective.objective_metric_name)
              .c_str(),
          spec.max_trial_count ? std::to_string(*spec.max_trial_count).c_str() : "unlimited",
          spec.parallel_trial_count, db_path.c_str());
    if (mode != ProgressMode::kNone)
      std::fprintf(stderr, "Dashboard: http://%s:%u/\n", host.c_str(), server.port());
    outcome = controller.run();
  }
  controller_ptr = nullptr;
  server.stop();
  view.finish();
  if (mode != ProgressMode::kNone) print_summary(spec, *store, outcome);
  // spec.promotion acts on a finished success only: an interrupted run resumes later, and a
  // failed experiment's best is not what anyone asked to serve.
  int promotion_exit = 0;
  if (spec.promotion && !outcome.interrupted && outcome.status.succeeded())
    promotion_exit = auto_promote(global, options.backend, spec, *store);
  if (format == OutputFormat::kJson || format == OutputFormat::kYaml) {
    auto record = store->find_experiment(spec.name);
    print_document(std::cout,
                   engine::katib_experiment_object(record->spec, spec, outcome.status,
                                                   store->list_trials(spec.name)),
                   format);
  }
  if (outcome.interrupted) return 130;
  if (outcome.status.failed()) return 5;
  return promotion_exit;
}

}  // namespace sextant::cli
