// The progress view of `sextant run`: a live region on a TTY, plain lines otherwise.
#pragma once

#include <chrono>
#include <cstdio>
#include <string>

#include "engine/controller/controller.hpp"

namespace sextant::cli {

enum class ProgressMode { kLive, kLines, kNone };
ProgressMode parse_progress_mode(const std::string& text, bool stderr_is_tty);

class ProgressView : public engine::ControllerObserver {
 public:
  ProgressView(ProgressMode mode, FILE* out);
  void on_trial_started(const engine::Trial& trial) override;
  void on_trial_completed(const engine::Trial& trial, const engine::Trial* best) override;
  void on_progress(const engine::ProgressSnapshot& snapshot) override;
  void on_message(const std::string& line) override;
  // Removes the live region (before the final summary).
  void finish();

 private:
  void print_line(const std::string& line);  // above the live region
  void clear_live();
  void draw_live();

  ProgressMode mode_;
  FILE* out_;
  int live_lines_ = 0;
  std::string live_text_;
  std::chrono::steady_clock::time_point last_draw_{};
};

// "lr=0.01 momentum=0.5"
std::string format_assignment(const engine::Assignment& assignment);
// "loss=0.123" from the trial's objective (or "loss=unavailable")
std::string format_objective(const engine::ExperimentSpec& spec, const engine::Trial& trial);

}  // namespace sextant::cli
