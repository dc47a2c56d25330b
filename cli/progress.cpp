// Progress rendering. Log lines go above the live region, never through it.
#include "cli/progress.hpp"

#include "cli/output.hpp"
#include "engine/store/store.hpp"
#include "engine/util/clock.hpp"

namespace sextant::cli {

ProgressMode parse_progress_mode(const std::string& text, bool stderr_is_tty) {
  if (text == "live") return ProgressMode::kLive;
  if (text == "lines") return ProgressMode::kLines;
  if (text == "none") return ProgressMode::kNone;
  return stderr_is_tty ? ProgressMode::kLive : ProgressMode::kLines;
}

std::string format_assignment(const engine::Assignment& assignment) {
  std::string out;
  for (const auto& a : assignment)
    out += (out.empty() ? "" : " ") + a.name + "=" + short_number(a.value);
  return out;
}

std::string format_objective(const engine::ExperimentSpec& spec, const engine::Trial& trial) {
  return spec.objective.objective_metric_name + "=" +
         (trial.objective_text.empty() ? std::string("unavailable")
                                       : short_number(trial.objective_text));
}

ProgressView::ProgressView(ProgressMode mode, FILE* out) : mode_(mode), out_(out) {}

void ProgressView::clear_live() {
  for (int i = 0; i < live_lines_; ++i) std::fputs("\033[F\033[K", out_);
  live_lines_ = 0;
}

void ProgressView::draw_live() {
  if (mode_ != ProgressMode::kLive || live_text_.empty()) return;
  clear_live();
  std::fputs(live_text_.c_str(), out_);
  for (char c : live_text_) live_lines_ += c == '\n';
  std::fflush(out_);
  last_draw_ = std::chrono::steady_clock::now();
}

void ProgressView::print_line(const std::string& line) {
  if (mode_ == ProgressMode::kNone) return;
  clear_live();
  std::fprintf(out_, "%s\n", line.c_str());
  draw_live();
  std::fflush(out_);
}

void ProgressView::on_trial_started(const engine::Trial& trial) {
  if (mode_ == ProgressMode::kLines)
    print_line("Trial " + trial.name + " started: " + format_assignment(trial.assignment));
}

void ProgressView::on_trial_completed(const engine::Trial& trial, const engine::Trial* best) {
  if (mode_ == ProgressMode::kNone) return;
  std::string line = "Trial " + trial.name + " " + engine::to_string(trial.state);
  if (!trial.objective_text.empty()) line += ": " + trial.objective_text;
  if (trial.state != engine::TrialState::kSucceeded && !trial.message.empty())
    line += " (" + truncate(trial.message, 160) + ")";
  line += " [" + format_assignment(trial.assignment) + "]";
  if (best) line += ". Best is " + best->name + " (" + best->objective_text + ")";
  print_line(line);
}

void ProgressView::on_message(const std::string& line) {
  print_line(line);
}

void ProgressView::on_progress(const engine::ProgressSnapshot& s) {
  if (mode_ != ProgressMode::kLive) return;
  const auto& spec = *s.spec;
  std::string text;
  double elapsed = engine::unix_now() - s.started_at;
  text += "Experiment " + spec.name + " (" + spec.algorithm.algorithm_name + ")  " +
          human_duration(elapsed) + "\n";
  std::string budget = spec.max_trial_count ? std::to_string(*spec.max_trial_count) : "-";
  text += "Trials " + std::to_string(s.counts.completed()) + "/" + budget + " | running " +
          std::to_string(s.counts.running) + " | pending " + std::to_string(s.counts.pending) +
          " | succeeded " + std::to_string(s.counts.succeeded) + " | failed " +
          std::to_string(s.counts.failed_for_budget()) + " | killed " +
          std::to_string(s.counts.killed) + "\n";
  if (s.best)
    text += "Best " + s.best->name + " " + format_objective(spec, *s.best) + "  " +
            format_assignment(s.best->assignment) + "\n";
  for (const auto* t : s.running)
    text += "  running " + t->name + " " + human_duration(engine::unix_now() - t->started_at) +
            "  " + format_assignment(t->assignment) + "\n";
  live_text_ = text;
  // Redraw at most ten times a second; state changes arrive far faster than eyes read.
  if (std::chrono::steady_clock::now() - last_draw_ > std::chrono::milliseconds(100)) draw_live();
}

void ProgressView::finish() {
  if (mode_ != ProgressMode::kLive) return;
  clear_live();
  live_text_.clear();
  std::fflush(out_);
}

}  // namespace sextant::cli
