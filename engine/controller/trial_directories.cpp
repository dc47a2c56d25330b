// Trial directory creation ahead of need.
#include "engine/controller/trial_directories.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "engine/error.hpp"

namespace sextant::engine {
namespace {

void make_directory(const std::filesystem::path& dir) {
  if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
    throw Error(ErrorCode::kUnavailable,
                "cannot create trial directory " + dir.string() + ": " + std::strerror(errno));
}

}  // namespace

TrialDirectories::TrialDirectories(std::filesystem::path experiment_dir, std::string log_name)
    : experiment_dir_(std::move(experiment_dir)), log_name_(std::move(log_name)) {
  std::error_code ec;
  std::filesystem::create_directories(experiment_dir_, ec);
  if (ec)
    throw Error(ErrorCode::kUnavailable,
                "cannot create " + experiment_dir_.string() + ": " + ec.message());
  thread_ = std::thread([this] { loop(); });
}

TrialDirectories::~TrialDirectories() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
  for (const auto& name : prepared_) {
    // Only what this object made and nobody used: empty directories and an empty log.
    auto p = paths(name);
    std::error_code ec;
    if (!log_name_.empty() && std::filesystem::file_size(p.trial_dir / log_name_, ec) == 0)
      std::filesystem::remove(p.trial_dir / log_name_, ec);
    std::filesystem::remove(p.artifact_dir, ec);  // remove() refuses non-empty directories
    std::filesystem::remove(p.checkpoint_dir, ec);
    std::filesystem::remove(p.trial_dir, ec);
  }
}

TrialDirectories::Paths TrialDirectories::paths(const std::string& trial_name) const {
  auto trial_dir = experiment_dir_ / trial_name;
  return {trial_dir, trial_dir / "artifacts", trial_dir / "checkpoint"};
}

void TrialDirectories::create(const std::string& trial_name) const {
  auto p = paths(trial_name);
  make_directory(p.trial_dir);
  make_directory(p.artifact_dir);
  make_directory(p.checkpoint_dir);
  if (!log_name_.empty()) {
    int fd =
        ::open((p.trial_dir / log_name_).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) ::close(fd);  // the runner opens it again; failing here is not fatal
  }
}

void TrialDirectories::prepare_ahead(const std::vector<std::string>& trial_names) {
  {
    std::lock_guard lock(mutex_);
    for (const auto& name : trial_names)
      if (!prepared_.count(name) && !in_progress_.count(name)) {
        queue_.push_back(name);
        in_progress_.insert(name);
      }
  }
  changed_.notify_all();
}

TrialDirectories::Paths TrialDirectories::claim(const std::string& trial_name) {
  {
    std::unique_lock lock(mutex_);
    // Not yet picked up by the helper: take it back and do it here.
    for (auto it = queue_.begin(); it != queue_.end(); ++it)
      if (*it == trial_name) {
        queue_.erase(it);
        in_progress_.erase(trial_name);
        break;
      }
    changed_.wait(lock, [&] { return !in_progress_.count(trial_name); });
    if (prepared_.erase(trial_name)) return paths(trial_name);
  }
  create(trial_name);
  return paths(trial_name);
}

bool TrialDirectories::resume_from(const Paths& child, const std::string& parent) const {
  namespace fs = std::filesystem;
  fs::path source = paths(parent).checkpoint_dir;
  std::error_code ec;
  fs::remove_all(child.checkpoint_dir, ec);
  make_directory(child.checkpoint_dir);
  if (!fs::is_directory(source, ec)) return false;
  fs::copy(source, child.checkpoint_dir, fs::copy_options::recursive, ec);
  if (ec)
    throw Error(ErrorCode::kUnavailable, "cannot copy the checkpoint of trial " + parent +
                                             " from " + source.string() + " to " +
                                             child.checkpoint_dir.string() + ": " + ec.message());
  return !fs::is_empty(child.checkpoint_dir, ec);
}

void TrialDirectories::loop() {
  std::unique_lock lock(mutex_);
  while (true) {
    changed_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    std::string name = queue_.front();
    queue_.pop_front();
    lock.unlock();
    bool ok = true;
    try {
      create(name);
    } catch (const Error&) {
      ok = false;  // claim() will try again on its own thread and report the error
    }
    lock.lock();
    in_progress_.erase(name);
    if (ok) prepared_.insert(name);
    changed_.notify_all();
  }
}

}  // namespace sextant::engine
