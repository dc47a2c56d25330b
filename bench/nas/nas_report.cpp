// Medians, IQRs, Mann-Whitney p-values vs random, suggest times and the issue-5 targets.
#include "bench/nas/nas_report.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "bench/common/report_text.hpp"
#include "bench/nas/mann_whitney.hpp"

namespace sextant::bench::nas {

namespace {

// Best accuracy per run, in points; runs in which nothing ran are left out.
std::vector<double> points(const std::vector<RunSummary>& runs) {
  std::vector<double> out;
  for (const auto& r : runs)
    if (r.best_accuracy >= 0) out.push_back(100 * r.best_accuracy);
  return out;
}

std::vector<double> regrets(const std::vector<RunSummary>& runs, double best) {
  std::vector<double> out;
  for (const auto& r : runs)
    if (r.best_accuracy >= 0) out.push_back(100 * (best - r.best_accuracy));
  return out;
}

const std::vector<RunSummary>* runs_at(const MethodRuns& m, int budget) {
  auto it = m.runs.find(budget);
  return it == m.runs.end() || it->second.empty() ? nullptr : &it->second;
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return std::nan("");
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

const char* verdict(bool pass) {
  return pass ? "PASS" : "MISS";
}

}  // namespace

std::string render_report(const ReportContext& c, const std::vector<MethodRuns>& methods) {
  std::string out;
  out += "NAS replay: examples/nas-digits macro MLPs on digits, a table of " +
         std::to_string(c.table_rows) + " architectures trained once each\n";
  out += "table: " + c.table_file + " (" + std::to_string(c.table_epochs) + " epochs, seed 0; " +
         format("%.2f", c.table_median_train_seconds) + " s median per architecture, " +
         format("%.0f", c.table_wall_seconds) + " s in all, on " + c.table_machine + ")\n";
  out += "table accuracy: best " + format("%.2f", 100 * c.table_best) + " (" +
         std::to_string(c.table_at_best) + " architecture(s)), 99th percentile " +
         format("%.2f", 100 * c.table_top_percentile) + ", median " +
         format("%.2f", 100 * c.table_median) + ", mean " + format("%.2f", 100 * c.table_mean) +
         " (points)\n";
  out += "machine: " + c.machine + "; replay took " + format("%.1f", c.replay_seconds) + " s\n";
  std::string budgets;
  for (int b : c.budgets) {
    if (!budgets.empty()) budgets += '/';
    budgets += std::to_string(b);
  }
  out += "seeds " + c.seeds + " (random_state), budgets " + budgets +
         " evaluations (maxTrialCount, a fresh run per budget), parallelTrialCount 1\n";
  out +=
      "best = validation accuracy of the best architecture found, points; regret = table best - "
      "best, points (mean: its mean over runs; the table's steps are 1/600 = 0.17 points); hit = "
      "runs that found a table-best architecture; late = mean accuracy of the last quarter of a "
      "run's trials, averaged over runs, points (where a search spends its budget once it has "
      "learned; random search: the table's mean); distinct = median distinct architectures "
      "evaluated; p = one-sided Mann-Whitney U vs random (H1: the method's best accuracy is "
      "stochastically larger), normal approximation with tie and continuity corrections\n\n";

  const MethodRuns* base = nullptr;
  for (const auto& m : methods)
    if (m.method.label == kBaseline && m.not_run.empty()) base = &m;

  const std::vector<std::pair<std::string, size_t>> columns = {{"method", 18},
                                                               {"budget", 6},
                                                               {"runs", 5},
                                                               {"best median [IQR]", 24},
                                                               {"regret median [IQR]", 21},
                                                               {"mean", 6},
                                                               {"hit", 6},
                                                               {"late", 7},
                                                               {"distinct", 9},
                                                               {"p vs random", 12}};
  for (const auto& [name, width] : columns) out += pad(name, width, name == "method") + " ";
  out += "\n";
  for (int budget : c.budgets) {
    for (const auto& m : methods) {
      if (!m.not_run.empty()) continue;
      const auto* runs = runs_at(m, budget);
      if (runs == nullptr) continue;
      int hits = 0;
      std::vector<double> distinct, late;
      for (const auto& r : *runs) {
        hits += r.best_accuracy == c.table_best;
        distinct.push_back(r.distinct);
        if (r.late_mean >= 0) late.push_back(100 * r.late_mean);
      }
      std::string p = "-";
      if (base != nullptr && &m != base)
        if (const auto* base_runs = runs_at(*base, budget))
          p = format("%.2g", mann_whitney_greater(points(*runs), points(*base_runs)).p);
      std::vector<std::string> cells = {m.method.label,
                                        std::to_string(budget),
                                        std::to_string(runs->size()),
                                        median_iqr(points(*runs), "%.2f"),
                                        median_iqr(regrets(*runs, c.table_best), "%.2f"),
                                        format("%.3f", mean(regrets(*runs, c.table_best))),
                                        std::to_string(hits),
                                        format("%.2f", mean(late)),
                                        format("%.0f", quantile(distinct, 0.5)),
                                        p};
      for (size_t i = 0; i < cells.size(); ++i)
        out += pad(cells[i], columns[i].second, i == 0) + " ";
      out += "\n";
    }
    out += "\n";
  }

  out += "engine time per suggest (all runs, all budgets), microseconds:\n";
  out += pad("method", 18, true) + " " + pad("suggests", 9) + " " + pad("median", 9) + " " +
         pad("p99", 9) + " " + pad("max", 9) + "\n";
  for (const auto& m : methods) {
    if (!m.not_run.empty()) continue;
    out += pad(m.method.label, 18, true) + " " + pad(std::to_string(m.suggest_us.size()), 9) + " " +
           pad(format("%.1f", quantile(m.suggest_us, 0.5)), 9) + " " +
           pad(format("%.1f", quantile(m.suggest_us, 0.99)), 9) + " " +
           pad(format("%.1f", quantile(m.suggest_us, 1.0)), 9) + "\n";
  }

  std::string notes;
  for (const auto& m : methods) {
    if (!m.not_run.empty()) continue;
    notes += "method " + m.method.label + ": " + m.method.algorithm;
    for (const auto& s : m.method.settings) notes += " " + s.name + "=" + s.value;
    notes += " (" + m.method.why + ")\n";
    if (!m.seeded)
      notes += "note: " + m.method.label +
               ": the algorithm takes no random_state, so its runs are not reproducible\n";
    int ended = 0;
    for (const auto& [_, runs] : m.runs)
      for (const auto& r : runs) ended += r.completion != "MaxTrialsReached";
    if (ended > 0)
      notes += "note: " + m.method.label + ": " + std::to_string(ended) +
               " run(s) ended before their budget (SuggestionEndReached)\n";
  }
  out += "\n" + notes + "\n";

  for (const auto& m : methods) {
    if (!m.not_run.empty()) {
      out += "NOT RUN " + m.method.label + ": " + m.not_run + "\n";
      continue;
    }
    if (m.method.label == kBaseline) continue;
    const auto* runs = runs_at(m, kTargetBudget);
    const auto* base_runs = base ? runs_at(*base, kTargetBudget) : nullptr;
    if (runs != nullptr && base_runs != nullptr) {
      const auto test = mann_whitney_greater(points(*runs), points(*base_runs));
      out += "TARGET " + m.method.label + " beats random at " + std::to_string(kTargetBudget) +
             " evaluations (one-sided Mann-Whitney U on best accuracy, p < 0.05): median best " +
             format("%.2f", quantile(points(*runs), 0.5)) + " vs " +
             format("%.2f", quantile(points(*base_runs), 0.5)) + ", median regret " +
             format("%.2f", quantile(regrets(*runs, c.table_best), 0.5)) + " vs " +
             format("%.2f", quantile(regrets(*base_runs, c.table_best), 0.5)) + ", U " +
             format("%.1f", test.u) + ", z " + format("%.2f", test.z) + ", p " +
             format("%.2g", test.p) + ": " + verdict(test.p < kTargetP) + "\n";
    }
  }
  for (const auto& m : methods) {
    if (!m.not_run.empty() || m.suggest_us.empty()) continue;
    const double median = quantile(m.suggest_us, 0.5);
    const double p99 = quantile(m.suggest_us, 0.99);
    const std::string numbers =
        "median " + format("%.1f", median) + " us, p99 " + format("%.1f", p99) + " us";
    if (m.method.algorithm == "regularized-evolution") {
      out += "TARGET " + m.method.label +
             " engine time per suggest < 1 ms (issue 5; p99): " + numbers + ": " +
             verdict(p99 < kSuggestTargetUs) + "\n";
      out += "TARGET " + m.method.label +
             " engine time per suggest <= 0.1 ms (performance.md goal 11; p99): " + numbers + ": " +
             verdict(p99 <= kGoal11Us) + "\n";
    } else if (m.method.algorithm == "enas") {
      out += "INFO " + m.method.label + " engine time per suggest (controller training " +
             "included): " + numbers + "\n";
    }
  }
  return out;
}

std::string render_raw(const std::vector<MethodRuns>& methods) {
  std::string out;
  for (const auto& m : methods)
    for (const auto& [budget, runs] : m.runs)
      for (const auto& r : runs) {
        nlohmann::json line = {{"method", m.method.label},
                               {"seed", r.seed},
                               {"budget", budget},
                               {"best_accuracy", r.best_accuracy},
                               {"evaluations", r.evaluations},
                               {"distinct", r.distinct},
                               {"completion", r.completion}};
        out += line.dump() + "\n";
      }
  return out;
}

}  // namespace sextant::bench::nas
