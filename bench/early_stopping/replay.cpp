// sextant-es-replay: the engine's real algorithms and early-stopping rules over recorded curves.
//   sextant-es-replay [--table FILE] [--seeds 20] [--workers 4] [--configs 49]
//                     [--methods none medianstop(3,4) ...] [--out FILE] [--raw FILE]
// Every method runs as a Katib Experiment parsed in-process (engine::parse_experiment with the
// built-in registries); its trials are replayed from the table (bench/early_stopping/README.md).
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "bench/common/replay_support.hpp"
#include "bench/early_stopping/curve_table.hpp"
#include "bench/early_stopping/methods.hpp"
#include "bench/early_stopping/replay_run.hpp"
#include "bench/early_stopping/report.hpp"
#include "engine/error.hpp"

using namespace sextant;
using namespace sextant::bench;

namespace {

struct Options {
  std::string table = SEXTANT_ES_DEFAULT_TABLE;
  int seeds = 20;
  int first_seed = 0;
  int workers = 4;
  int configs = 49;
  std::vector<std::string> methods;
  std::string out;
  std::string raw;
  bool trace = false;
};

// One run of `method` for `seed`; fills `runs` (throws on a spec or replay error).
RunSummary run_once(const Method& method, const CurveTable& table, const Options& options,
                    uint64_t seed, std::optional<int> max_trials, MethodRuns& runs) {
  RunShape shape{seed, table.rows(), table.epochs, options.workers, max_trials};
  engine::ExperimentSpec spec = parse_run_spec(method, shape);
  runs.seeded = spec.algorithm.setting("random_state") != nullptr;
  auto algorithm = algorithm_registry().find(method.algorithm)->create(spec);
  std::unique_ptr<engine::EarlyStopper> rule;
  if (!method.rule.empty()) rule = rule_registry().find(method.rule)->create(spec);
  RunResult result = replay_run(spec, *algorithm, rule.get(), table);
  if (options.trace)
    runs.trace = "== " + method.label + " seed " + std::to_string(seed) + ", maxTrialCount " +
                 (max_trials ? std::to_string(*max_trials) : "none") + " (" + result.completion +
                 ")\n" + describe_trials(result);
  for (const auto& a : result.advice)
    if (std::find(runs.advice.begin(), runs.advice.end(), a) == runs.advice.end())
      runs.advice.push_back(a);
  runs.evaluate_us.insert(runs.evaluate_us.end(), result.evaluate_us.begin(),
                          result.evaluate_us.end());
  runs.suggest_us.insert(runs.suggest_us.end(), result.suggest_us.begin(), result.suggest_us.end());
  return {seed,
          max_trials.value_or(0),
          result.epochs,
          result.best_final_accuracy,
          result.configurations,
          result.trials,
          result.early_stopped,
          result.makespan,
          result.completion};
}

MethodRuns run_method(const Method& method, const CurveTable& table, const Options& options) {
  MethodRuns runs;
  runs.method = method;
  runs.not_run = unavailable_reason(method);
  if (!runs.not_run.empty()) return runs;
  try {
    for (int s = 0; s < options.seeds; ++s) {
      const uint64_t seed = static_cast<uint64_t>(options.first_seed + s);
      std::optional<int> max_trials;
      if (!method.own_budget) max_trials = options.configs;
      RunSummary summary;
      while (true) {
        MethodRuns attempt;
        attempt.method = method;
        summary = run_once(method, table, options, seed, max_trials, attempt);
        runs.seeded = attempt.seeded;
        for (const auto& a : attempt.advice)
          if (std::find(runs.advice.begin(), runs.advice.end(), a) == runs.advice.end())
            runs.advice.push_back(a);
        // A multi-fidelity algorithm spends trials on promotions: raise maxTrialCount by the
        // configurations still missing until it has trained as many as the others.
        bool again = method.fill_configs && summary.configurations < options.configs &&
                     *max_trials < 20 * options.configs;
        if (!again) {
          std::cerr << attempt.trace;
          runs.evaluate_us.insert(runs.evaluate_us.end(), attempt.evaluate_us.begin(),
                                  attempt.evaluate_us.end());
          runs.suggest_us.insert(runs.suggest_us.end(), attempt.suggest_us.begin(),
                                 attempt.suggest_us.end());
          break;
        }
        *max_trials += options.configs - summary.configurations;
      }
      runs.runs.push_back(summary);
    }
  } catch (const std::exception& e) {
    runs.runs.clear();
    runs.not_run = e.what();
  }
  return runs;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Replays the engine's algorithms and early-stopping rules over recorded curves"};
  // The last of a repeated option wins: run.sh passes defaults that a caller may override.
  const auto last = CLI::MultiOptionPolicy::TakeLast;
  app.add_option("--table", options.table, "curve table from make_curves.py")
      ->multi_option_policy(last);
  app.add_option("--seeds", options.seeds, "runs per method (random_state = seed)")
      ->check(CLI::Range(1, 10000));
  app.add_option("--first-seed", options.first_seed, "first seed")->check(CLI::NonNegativeNumber);
  app.add_option("--workers", options.workers, "parallelTrialCount")->check(CLI::Range(1, 1000));
  app.add_option("--configs", options.configs,
                 "configurations per run (maxTrialCount of the single-fidelity methods)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--methods", options.methods, "methods to run (default: all)");
  app.add_option("--out", options.out, "also write the report here")->multi_option_policy(last);
  app.add_option("--raw", options.raw, "write one JSON line per run here")
      ->multi_option_policy(last);
  app.add_flag("--trace", options.trace, "print every run's trials to stderr");
  bool list = false;
  app.add_flag("--list", list, "list the methods and whether this build has them, then exit");
  CLI11_PARSE(app, argc, argv);

  try {
    const CurveTable table = load_curve_table(options.table);
    std::vector<Method> methods;
    for (const auto& m : default_methods(table.epochs))
      if (options.methods.empty() || std::find(options.methods.begin(), options.methods.end(),
                                               m.label) != options.methods.end())
        methods.push_back(m);
    if (methods.size() !=
        (options.methods.empty() ? default_methods(table.epochs).size() : options.methods.size())) {
      std::string known;
      for (const auto& m : default_methods(table.epochs)) known += " " + m.label;
      std::cerr << "error: unknown method in --methods; known:" << known << "\n";
      return 2;
    }
    if (list) {
      for (const auto& m : methods) {
        auto why = unavailable_reason(m);
        std::cout << m.label << ": " << (why.empty() ? "available" : why) << "\n";
      }
      return 0;
    }

    std::vector<MethodRuns> results;
    for (const auto& m : methods) {
      std::cerr << "running " << m.label << " ..." << std::endl;
      results.push_back(run_method(m, table, options));
      if (!results.back().not_run.empty())
        std::cerr << "  not run: " << results.back().not_run << std::endl;
    }
    ReportContext context;
    // Repository-relative when the table is the committed one: the report is committed too.
    const auto at = options.table.find("bench/early_stopping/");
    context.table_file = at == std::string::npos ? options.table : options.table.substr(at);
    context.table_rows = table.rows();
    context.table_epochs = table.epochs;
    context.table_seconds_per_epoch = table.seconds_per_epoch;
    context.table_machine = table.machine.empty() ? "an unrecorded machine" : table.machine;
    context.workers = options.workers;
    context.configs = options.configs;
    context.seeds = std::to_string(options.first_seed) + ".." +
                    std::to_string(options.first_seed + options.seeds - 1);
    context.machine = sextant::bench::machine_description();
    const std::string report = render_report(context, results);
    std::cout << report;
    if (!options.out.empty()) std::ofstream(options.out) << report;
    if (!options.raw.empty()) std::ofstream(options.raw) << render_raw(results);
    for (const auto& r : results)
      if (!r.not_run.empty() && unavailable_reason(r.method).empty()) return 1;  // a real failure
    return 0;
  } catch (const Error& e) {
    std::cerr << "error: " << e.what() << "\n";
    return exit_code_for(e.code());
  }
}
