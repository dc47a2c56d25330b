// Test support for the local runner: an event sink with bounded waits, temp dirs, spec builders.
#pragma once

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/ports/trial_runner.hpp"

namespace sextant::testing {

using namespace std::chrono_literals;

// Records what a runner reports; waits are bounded so a broken runner fails, never hangs.
class EventSink : public engine::TrialEvents {
 public:
  void on_metrics(std::vector<engine::MetricReport> reports) override {
    std::lock_guard lock(mutex_);
    for (auto& r : reports) {
      if (exited_before_metrics_check(r.trial)) metrics_after_exit_ = true;
      metrics_.push_back(std::move(r));
    }
    ++metric_batches_;
    changed_.notify_all();
  }
  void on_exit(engine::TrialExit exit) override {
    std::lock_guard lock(mutex_);
    exits_.push_back(std::move(exit));
    changed_.notify_all();
  }

  std::optional<engine::TrialExit> wait_exit(const std::string& trial,
                                             std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    std::optional<engine::TrialExit> found;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& e : exits_)
        if (e.trial == trial) found = e;
      return found.has_value();
    });
    return found;
  }

  // Waits until `metric` of `trial` has been reported with `value`.
  bool wait_metric(const std::string& trial, const std::string& metric, const std::string& value,
                   std::chrono::milliseconds timeout = 10s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] {
      for (const auto& m : metrics_)
        if (m.trial == trial && m.metric == metric && m.value == value) return true;
      return false;
    });
  }

  std::vector<engine::MetricReport> metrics(const std::string& trial) {
    std::lock_guard lock(mutex_);
    std::vector<engine::MetricReport> out;
    for (const auto& m : metrics_)
      if (m.trial == trial) out.push_back(m);
    return out;
  }

  size_t exit_count(const std::string& trial) {
    std::lock_guard lock(mutex_);
    size_t n = 0;
    for (const auto& e : exits_) n += e.trial == trial;
    return n;
  }

  bool metrics_after_exit() {
    std::lock_guard lock(mutex_);
    return metrics_after_exit_;
  }

 private:
  bool exited_before_metrics_check(const std::string& trial) const {
    for (const auto& e : exits_)
      if (e.trial == trial) return true;
    return false;
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<engine::MetricReport> metrics_;
  std::vector<engine::TrialExit> exits_;
  int metric_batches_ = 0;
  bool metrics_after_exit_ = false;
};

// A fresh directory under /tmp, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "sextant-trials-XXXXXX").string();
    char* made = ::mkdtemp(pattern.data());
    if (!made) throw std::runtime_error("mkdtemp failed");
    path_ = made;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline void write_text(const std::filesystem::path& file, const std::string& text,
                       bool executable = false) {
  std::filesystem::create_directories(file.parent_path());
  std::ofstream(file) << text;
  if (executable) ::chmod(file.c_str(), 0755);
}

// A batch/v1 Job trial template whose container "main" runs `command`.
inline nlohmann::json job_template(
    const nlohmann::json& command,
    const nlohmann::json& extra_container = nlohmann::json::object()) {
  nlohmann::json container = {{"name", "main"}, {"image", "unused"}, {"command", command}};
  for (auto it = extra_container.begin(); it != extra_container.end(); ++it)
    container[it.key()] = it.value();
  return {{"apiVersion", "batch/v1"},
          {"kind", "Job"},
          {"spec",
           {{"template", {{"spec", {{"containers", {container}}, {"restartPolicy", "Never"}}}}}}}};
}

// An experiment minimizing "loss" (additional metric "accuracy") with the given trial spec.
inline engine::ExperimentSpec experiment_spec(const std::filesystem::path& code_dir,
                                              nlohmann::json trial_spec) {
  engine::ExperimentSpec spec;
  spec.name = "exp";
  spec.namespace_name = "team";
  spec.objective.objective_metric_name = "loss";
  spec.objective.additional_metric_names = {"accuracy"};
  spec.trial_template.primary_container_name = "main";
  spec.trial_template.trial_spec = std::move(trial_spec);
  spec.code_dir = code_dir;
  return spec;
}

// A launch of `trial` with its own trial and artifact directories under `root`.
inline engine::TrialLaunch launch_for(const engine::ExperimentSpec& spec, const std::string& trial,
                                      const std::filesystem::path& root) {
  engine::TrialLaunch launch;
  launch.spec = &spec;
  launch.experiment = spec.name;
  launch.trial = trial;
  launch.trial_dir = root / "trials" / trial;
  launch.artifact_dir = root / "trials" / trial / "artifacts";
  std::filesystem::create_directories(launch.artifact_dir);
  return launch;
}

// True once /proc says the process is gone or a zombie; waits at most `timeout`.
inline bool wait_process_gone(pid_t pid, std::chrono::milliseconds timeout = 5s) {
  auto until = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    if (!in.is_open()) return true;
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t close = text.rfind(')');
    if (close == std::string::npos || close + 2 >= text.size() || text[close + 2] == 'Z')
      return true;
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(5ms);
  }
}

}  // namespace sextant::testing
