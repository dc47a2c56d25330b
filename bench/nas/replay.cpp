// sextant-nas-replay: the engine's architecture-search algorithms over a table of trained MLPs.
//   sextant-nas-replay [--table FILE] [--seeds 50] [--budgets 50 100 200]
//                      [--methods random evolution(20,5) ...] [--out FILE] [--raw FILE]
// Every run is a Katib NAS Experiment parsed in-process (engine::parse_experiment with the
// built-in registries) whose trials are looked up in the table (bench/nas/README.md).
#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

#include "bench/common/replay_support.hpp"
#include "bench/common/report_text.hpp"
#include "bench/nas/mann_whitney.hpp"
#include "bench/nas/nas_methods.hpp"
#include "bench/nas/nas_replay_run.hpp"
#include "bench/nas/nas_report.hpp"
#include "bench/nas/nas_table.hpp"
#include "engine/error.hpp"

using namespace sextant;
using namespace sextant::bench::nas;
using sextant::bench::quantile;

namespace {

struct Options {
  std::string table = SEXTANT_NAS_DEFAULT_TABLE;
  int seeds = 50;
  int first_seed = 0;
  std::vector<int> budgets = {50, 100, 200};
  std::vector<std::string> methods;
  std::vector<std::string> extra;
  std::string out;
  std::string raw;
};

// "label:algorithm:name=value,name=value" (the settings part may be empty) -> a Method.
Method parse_extra(const std::string& text) {
  const auto first = text.find(':');
  const auto second = first == std::string::npos ? first : text.find(':', first + 1);
  if (first == std::string::npos || first == 0 || second == first + 1)
    throw Error(ErrorCode::kInvalidArgument,
                "--extra \"" + text + "\": expected LABEL:ALGORITHM[:NAME=VALUE,NAME=VALUE...]");
  Method method;
  method.label = text.substr(0, first);
  method.algorithm =
      text.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1);
  method.why = "given with --extra";
  if (second == std::string::npos) return method;
  std::string rest = text.substr(second + 1);
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    const std::string item = rest.substr(0, comma);
    const auto equals = item.find('=');
    if (equals == std::string::npos || equals == 0)
      throw Error(ErrorCode::kInvalidArgument,
                  "--extra \"" + text + "\": setting \"" + item + "\" is not NAME=VALUE");
    method.settings.push_back({item.substr(0, equals), item.substr(equals + 1)});
    rest = comma == std::string::npos ? "" : rest.substr(comma + 1);
  }
  return method;
}

MethodRuns run_method(const Method& method, const NasTable& table, const Options& options) {
  MethodRuns runs;
  runs.method = method;
  runs.not_run = unavailable_reason(method);
  if (!runs.not_run.empty()) return runs;
  runs.seeded = takes_seed(method);
  try {
    for (int budget : options.budgets)
      for (int s = 0; s < options.seeds; ++s) {
        const uint64_t seed = static_cast<uint64_t>(options.first_seed + s);
        engine::ExperimentSpec spec = parse_run_spec(method, table, seed, budget);
        auto algorithm = algorithm_registry().find(method.algorithm)->create(spec);
        RunResult result = replay_run(spec, *algorithm, table);
        runs.suggest_us.insert(runs.suggest_us.end(), result.suggest_us.begin(),
                               result.suggest_us.end());
        runs.runs[budget].push_back({seed, budget, result.best_accuracy, result.evaluations,
                                     result.distinct, result.late_mean, result.completion});
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
  CLI::App app{"Replays the engine's architecture-search algorithms over a table of trained MLPs"};
  // The last of a repeated option wins: run.sh passes defaults that a caller may override.
  const auto last = CLI::MultiOptionPolicy::TakeLast;
  app.add_option("--table", options.table, "table from make_table.py")->multi_option_policy(last);
  app.add_option("--seeds", options.seeds, "runs per method and budget (random_state = seed)")
      ->check(CLI::Range(1, 100000));
  app.add_option("--first-seed", options.first_seed, "first seed")->check(CLI::NonNegativeNumber);
  app.add_option("--budgets", options.budgets, "evaluations per run (maxTrialCount)")
      ->check(CLI::Range(1, 1000000));
  app.add_option("--methods", options.methods, "methods to run (default: all)");
  app.add_option("--extra", options.extra,
                 "another method to run, LABEL:ALGORITHM[:NAME=VALUE,...], e.g. "
                 "\"enas-lr0.01:enas:controller_learning_rate=0.01\"");
  app.add_option("--out", options.out, "also write the report here")->multi_option_policy(last);
  app.add_option("--raw", options.raw, "write one JSON line per run here")
      ->multi_option_policy(last);
  bool list = false;
  app.add_flag("--list", list, "list the methods and whether this build has them, then exit");
  bool self_test = false;
  app.add_flag("--self-test", self_test,
               "check the Mann-Whitney implementation against scipy's values, then exit");
  CLI11_PARSE(app, argc, argv);

  if (self_test) {
    const std::string problems = mann_whitney_self_test();
    if (!problems.empty()) {
      std::cerr << "Mann-Whitney self-test FAILED:\n" << problems;
      return 1;
    }
    std::cout << "Mann-Whitney self-test: agrees with scipy 1.10.1\n";
    return 0;
  }

  try {
    std::vector<Method> methods;
    for (const auto& m : default_methods())
      if (options.methods.empty() || std::find(options.methods.begin(), options.methods.end(),
                                               m.label) != options.methods.end())
        methods.push_back(m);
    if (methods.size() !=
        (options.methods.empty() ? default_methods().size() : options.methods.size())) {
      std::string known;
      for (const auto& m : default_methods()) known += " " + m.label;
      std::cerr << "error: unknown method in --methods; known:" << known << "\n";
      return 2;
    }
    for (const auto& text : options.extra) methods.push_back(parse_extra(text));
    if (list) {
      for (const auto& m : methods) {
        auto why = unavailable_reason(m);
        std::cout << m.label << ": " << (why.empty() ? "available" : why) << "\n";
      }
      return 0;
    }
    const NasTable table = load_nas_table(options.table);

    const auto started = std::chrono::steady_clock::now();
    std::vector<MethodRuns> results;
    for (const auto& m : methods) {
      std::cerr << "running " << m.label << " ..." << std::endl;
      results.push_back(run_method(m, table, options));
      if (!results.back().not_run.empty())
        std::cerr << "  not run: " << results.back().not_run << std::endl;
    }
    ReportContext context;
    // Repository-relative when the table is the committed one: the report is committed too.
    const auto at = options.table.find("bench/nas/");
    context.table_file = at == std::string::npos ? options.table : options.table.substr(at);
    context.table_rows = table.accuracy.size();
    context.table_best = table.best;
    context.table_at_best = table.at_best;
    std::vector<double> values;
    for (const auto& [_, v] : table.accuracy) values.push_back(v);
    context.table_median = quantile(values, 0.5);
    for (double v : values) context.table_mean += v / static_cast<double>(values.size());
    context.table_top_percentile = quantile(values, 0.99);
    context.table_epochs = table.num_epochs;
    context.table_machine = table.machine.empty() ? "an unrecorded machine" : table.machine;
    context.table_median_train_seconds = table.median_train_seconds;
    context.table_wall_seconds = table.wall_seconds;
    context.budgets = options.budgets;
    context.seeds = std::to_string(options.first_seed) + ".." +
                    std::to_string(options.first_seed + options.seeds - 1);
    context.machine = sextant::bench::machine_description();
    context.replay_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
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
