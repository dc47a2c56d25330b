// Medians, IQRs, paired differences and the targets of performance.md section 8 goal 10.
#include "bench/early_stopping/report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

#include "bench/common/report_text.hpp"

namespace sextant::bench {

namespace {

// Targets (reference/performance.md section 8, goal 10).
constexpr double kMedianStopSavings = 0.25;  // fraction of epochs saved
constexpr double kMaxPointsLost = 0.5;       // accuracy points (also "equal" for ASHA/Hyperband)
constexpr double kMultiFidelityRatio = 3.0;  // none's epochs / method's epochs

std::vector<double> epochs_of(const MethodRuns& m) {
  std::vector<double> out;
  for (const auto& r : m.runs) out.push_back(static_cast<double>(r.epochs));
  return out;
}

// Accuracy in points (percent); runs in which no trial reached the last epoch are left out.
std::vector<double> points_of(const MethodRuns& m) {
  std::vector<double> out;
  for (const auto& r : m.runs)
    if (r.best_final_accuracy >= 0) out.push_back(100 * r.best_final_accuracy);
  return out;
}

std::vector<double> field(const MethodRuns& m, double (*get)(const RunSummary&)) {
  std::vector<double> out;
  for (const auto& r : m.runs) out.push_back(get(r));
  return out;
}

// Per seed: method's best final accuracy minus the baseline's, in points.
std::vector<double> paired_points(const MethodRuns& m, const MethodRuns& base) {
  std::map<uint64_t, double> base_by_seed;
  for (const auto& r : base.runs)
    if (r.best_final_accuracy >= 0) base_by_seed[r.seed] = r.best_final_accuracy;
  std::vector<double> out;
  for (const auto& r : m.runs)
    if (auto it = base_by_seed.find(r.seed); it != base_by_seed.end() && r.best_final_accuracy >= 0)
      out.push_back(100 * (r.best_final_accuracy - it->second));
  return out;
}

const char* verdict(bool pass) {
  return pass ? "PASS" : "MISS";
}

}  // namespace

std::string render_report(const ReportContext& c, const std::vector<MethodRuns>& methods) {
  std::string out;
  out += "Early-stopping replay: examples/mlp-digits learning curves, " +
         std::to_string(c.table_rows) + " configurations x " + std::to_string(c.table_epochs) +
         " epochs\n";
  out += "table: " + c.table_file + " (made on " + c.table_machine + "; " +
         format("%.1f", 1000 * c.table_seconds_per_epoch) + " ms per epoch)\n";
  out += "machine: " + c.machine + "\n";
  out += "seeds " + c.seeds + ", " + std::to_string(c.workers) + " workers (parallelTrialCount), " +
         std::to_string(c.configs) +
         " configurations per run; virtual time: 1 unit per epoch per worker\n";
  out +=
      "epochs = epochs trained in the run (sum over trials); best final acc = max validation "
      "accuracy at epoch " +
      std::to_string(c.table_epochs) +
      " over the trials that reached it, in points; saved = 1 - median epochs / median "
      "epochs of none; x fewer = none / method (medians); d pts = median over seeds of "
      "(method - none) in the same seed; eval/suggest = median engine time per call\n\n";

  const MethodRuns* base = nullptr;
  for (const auto& m : methods)
    if (m.method.label == kBaseline && m.not_run.empty()) base = &m;
  const double base_epochs = base ? median(epochs_of(*base)) : std::nan("");
  const double base_points = base ? median(points_of(*base)) : std::nan("");

  const std::vector<std::pair<std::string, size_t>> columns = {{"method", 16},
                                                               {"runs", 5},
                                                               {"configs", 8},
                                                               {"trials", 7},
                                                               {"epochs median [IQR]", 24},
                                                               {"saved", 7},
                                                               {"x fewer", 8},
                                                               {"best final acc median [IQR]", 28},
                                                               {"d pts", 7},
                                                               {"stopped", 8},
                                                               {"makespan", 9},
                                                               {"eval us", 8},
                                                               {"suggest us", 11}};
  for (const auto& [name, width] : columns) out += pad(name, width, name == "method") + " ";
  out += "\n";
  for (const auto& m : methods) {
    if (!m.not_run.empty()) continue;
    const auto epochs = epochs_of(m);
    const double saved = 1 - median(epochs) / base_epochs;
    std::vector<std::string> cells = {
        m.method.label,
        std::to_string(m.runs.size()),
        format("%.0f",
               median(field(m, [](const RunSummary& r) { return double(r.configurations); }))),
        format("%.0f", median(field(m, [](const RunSummary& r) { return double(r.trials); }))),
        median_iqr(epochs, "%.0f"),
        format("%.1f%%", 100 * saved),
        format("%.2f", base_epochs / median(epochs)),
        median_iqr(points_of(m), "%.2f"),
        base ? format("%+.2f", median(paired_points(m, *base))) : "n/a",
        format("%.0f",
               median(field(m, [](const RunSummary& r) { return double(r.early_stopped); }))),
        format("%.0f", median(field(m, [](const RunSummary& r) { return double(r.makespan); }))),
        format("%.2f", median(m.evaluate_us)),
        format("%.2f", median(m.suggest_us))};
    for (size_t i = 0; i < cells.size(); ++i) out += pad(cells[i], columns[i].second, i == 0) + " ";
    out += "\n";
  }

  std::string notes;
  for (const auto& m : methods) {
    if (!m.not_run.empty()) continue;
    int missing = 0;
    for (const auto& r : m.runs) missing += r.best_final_accuracy < 0;
    if (missing > 0)
      notes += "note: " + m.method.label + ": " + std::to_string(missing) +
               " run(s) had no trial reaching the last epoch (left out of the accuracy column)\n";
    if (!m.seeded)
      notes += "note: " + m.method.label +
               ": the algorithm takes no random_state, so its runs "
               "are not reproducible\n";
    for (size_t i = 0; i < m.advice.size() && i < 3; ++i)
      notes += "note: " + m.method.label + ": the rule advised: " + m.advice[i] + "\n";
    if (m.method.fill_configs) {
      std::vector<double> used;
      for (const auto& r : m.runs) used.push_back(r.max_trials);
      notes +=
          "note: " + m.method.label + ": maxTrialCount raised per seed until the run trained " +
          std::to_string(c.configs) + " configurations: median " + format("%.0f", median(used)) +
          ", range " + format("%.0f", *std::min_element(used.begin(), used.end())) + "-" +
          format("%.0f", *std::max_element(used.begin(), used.end())) + "\n";
    }
    if (m.method.own_budget) {
      std::map<std::string, int> ends;
      for (const auto& r : m.runs) ++ends[r.completion];
      std::string list;
      for (const auto& [why, n] : ends)
        list += (list.empty() ? "" : ", ") + why + " x" + std::to_string(n);
      notes += "note: " + m.method.label + ": no maxTrialCount, the algorithm ends the run (" +
               list + ")\n";
    }
  }
  if (!notes.empty()) out += "\n" + notes;

  out += "\n";
  for (const auto& m : methods) {
    if (!m.not_run.empty()) {
      out += "NOT RUN " + m.method.label + ": " + m.not_run + "\n";
      continue;
    }
    if (m.method.label == kBaseline || base == nullptr) continue;
    const double saved = 1 - median(epochs_of(m)) / base_epochs;
    const double lost = -median(paired_points(m, *base));
    if (m.method.rule == "medianstop") {
      bool pass = saved >= kMedianStopSavings && lost <= kMaxPointsLost;
      out += "TARGET " + m.method.label + ": >= 25% of epochs saved at <= 0.5 points of best " +
             "final accuracy lost vs none: " + format("%.1f%%", 100 * saved) + " saved, " +
             format("%.2f", lost) + " points lost (median paired): " + verdict(pass) + "\n";
    } else {
      const double ratio = base_epochs / median(epochs_of(m));
      const double difference = median(points_of(m)) - base_points;
      bool pass = ratio >= kMultiFidelityRatio && difference >= -kMaxPointsLost;
      out += "TARGET " + m.method.label + ": >= 3x fewer epochs than none at equal median best " +
             "final accuracy (within 0.5 points): " + format("%.2fx", ratio) + ", median " +
             format("%.2f", median(points_of(m))) + " vs " + format("%.2f", base_points) + " (" +
             format("%+.2f", difference) + " points): " + verdict(pass) + "\n";
    }
  }
  return out;
}

std::string render_raw(const std::vector<MethodRuns>& methods) {
  std::string out;
  for (const auto& m : methods)
    for (const auto& r : m.runs) {
      nlohmann::json line = {{"method", m.method.label},
                             {"seed", r.seed},
                             {"max_trials", r.max_trials},
                             {"epochs", r.epochs},
                             {"best_final_accuracy", r.best_final_accuracy},
                             {"configurations", r.configurations},
                             {"trials", r.trials},
                             {"early_stopped", r.early_stopped},
                             {"makespan", r.makespan},
                             {"completion", r.completion}};
      out += line.dump() + "\n";
    }
  return out;
}

}  // namespace sextant::bench
