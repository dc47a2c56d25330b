// Trial directories, created ahead of need on a helper thread.
#pragma once

#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sextant::engine {

// Creating a directory is the slowest part of starting a short trial on ext4 (hundreds of
// microseconds when inodes were freed recently, measured in bench/trial_overhead), and it does
// not have to happen on the controller's thread. Trial names are deterministic, so the
// controller announces the next ones and this class makes their directories (and empty log
// files) on its own thread while the current trials run. claim() returns at once when the
// work is done, waits when it is in progress, and does it itself otherwise. Directories that
// were prepared but never claimed are removed again when the object is destroyed.
class TrialDirectories {
 public:
  struct Paths {
    std::filesystem::path trial_dir;
    std::filesystem::path artifact_dir;
    std::filesystem::path checkpoint_dir;  // SEXTANT_CHECKPOINT_DIR
  };

  // `log_name` is the runner's log file name inside a trial directory ("" = none).
  TrialDirectories(std::filesystem::path experiment_dir, std::string log_name);
  ~TrialDirectories();
  TrialDirectories(const TrialDirectories&) = delete;
  TrialDirectories& operator=(const TrialDirectories&) = delete;

  void prepare_ahead(const std::vector<std::string>& trial_names);
  // Throws Error(kUnavailable) when the directories cannot be made.
  Paths claim(const std::string& trial_name);
  // Makes `child.checkpoint_dir` a copy of trial `parent`'s checkpoint directory (PBT's
  // exploit, a Hyperband or ASHA promotion), replacing whatever a previous attempt left there.
  // Returns false, leaving it empty, when the parent left no checkpoint. Throws
  // Error(kUnavailable) when the copy fails.
  bool resume_from(const Paths& child, const std::string& parent) const;

 private:
  void loop();
  void create(const std::string& trial_name) const;  // throws Error
  Paths paths(const std::string& trial_name) const;

  std::filesystem::path experiment_dir_;
  std::string log_name_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::string> queue_;
  std::set<std::string> in_progress_;
  std::set<std::string> prepared_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace sextant::engine
