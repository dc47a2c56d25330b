// The local runner: each trial is a host process; its output is logged and parsed as it streams.
#include "trials/local/local_runner.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <future>
#include <iostream>
#include <map>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "engine/error.hpp"
#include "engine/util/clock.hpp"
#include "engine/util/text.hpp"
#include "trials/local/file_tail.hpp"
#include "trials/metrics/tf_event_reader.hpp"
#include "trials/metrics/line_buffer.hpp"

namespace sextant::trials {
namespace {

using Clock = std::chrono::steady_clock;
using engine::MetricReport;
using engine::TrialExit;

constexpr size_t kLastLineLimit = 400;

void write_all(int fd, const char* data, size_t size) {
  while (size > 0 && fd >= 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // a full disk must not stop the trial; the log is best effort
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
}

void write_note(int fd, const std::string& note) {
  std::string line = "sextant: " + note + "\n";
  write_all(fd, line.data(), line.size());
}

// Descriptors 0-2 are the child's stdio; a pipe end there would be lost at dup2().
int above_stdio(int fd) {
  if (fd < 0 || fd > 2) return fd;
  int moved = ::fcntl(fd, F_DUPFD_CLOEXEC, 3);
  ::close(fd);
  return moved;
}

std::string trimmed(std::string_view s) {
  std::string out(engine::trim_space(s));
  if (out.size() > kLastLineLimit) out = out.substr(0, kLastLineLimit) + "...";
  return out;
}

int pidfd_open(pid_t pid) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
}

}  // namespace

class LocalRunner::Loop {
 public:
  explicit Loop(LocalRunnerOptions options) : options_(std::move(options)) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_fd_ < 0 || wake_fd_ < 0)
      throw Error(
          ErrorCode::kUnavailable,
          std::string("local runner: cannot create its event loop: ") + std::strerror(errno));
    watch(wake_fd_, &wake_tag_);
    // The loop thread takes no process signals: the engine's signal handling (Ctrl-C) must
    // not have SIGINT or SIGTERM land here. Synchronous fault signals stay deliverable.
    sigset_t blocked, old;
    sigfillset(&blocked);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS}) sigdelset(&blocked, sig);
    ::pthread_sigmask(SIG_BLOCK, &blocked, &old);
    thread_ = std::thread([this] { run(); });
    ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }

  ~Loop() {
    post([this] { stopping_ = true; });
    thread_.join();
    ::close(wake_fd_);
    ::close(epoll_fd_);
  }

  std::string start(const engine::TrialLaunch& launch, engine::TrialEvents& events) {
    LaunchPlan plan;
    std::string error;
    try {
      plan = plan_launch(launch, options_, parsers_);
    } catch (const std::exception& e) {
      error = e.what();
    }
    // The spawn happens on the loop thread while the caller goes on (it stores the trial as
    // Running meanwhile); the handle is known in advance, so nothing needs to wait for exec.
    post([this, launch, plan = std::move(plan), error, &events]() mutable {
      start_here(launch, std::move(plan), error, events);
    });
    return marker_handle(launch.trial);
  }

  void cancel(const std::string& trial, std::chrono::milliseconds grace) {
    post([this, trial, grace] { cancel_here(trial, grace); });
  }

 private:
  enum class Stop { kNone, kDeadline, kCancel };

  struct Run;
  struct Tag {
    Run* run = nullptr;
    bool exit = false;  // the pidfd (else the output pipe)
  };

  struct Run {
    std::string trial;
    engine::TrialEvents* events = nullptr;
    LaunchPlan plan;
    RunnerHandle handle;
    std::string handle_text;
    int out_fd = -1;
    int exit_fd = -1;  // pidfd, or an eventfd written by a waiter thread (fallback)
    int log_fd = -1;
    std::thread waiter;
    Tag out_tag, exit_tag;
    LineBuffer out_lines;
    std::string last_line;
    std::unique_ptr<FileTail> tail;
    std::optional<Clock::time_point> deadline_at, kill_at, poll_at;
    Stop stop = Stop::kNone;
    bool finished = false;
    std::vector<MetricReport> pending;
  };

  // ---- thread plumbing -------------------------------------------------------------------

  void post(std::function<void()> task) {
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    uint64_t one = 1;
    ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
    (void)ignored;
  }

  // Runs f on the loop thread and returns its result; inline when already there (a callback).
  template <class F>
  auto call(F&& f) -> decltype(f()) {
    if (std::this_thread::get_id() == thread_.get_id()) return f();
    std::packaged_task<decltype(f())()> task(std::forward<F>(f));
    auto result = task.get_future();
    post([&task] { task(); });
    return result.get();
  }

  void watch(int fd, Tag* tag) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = tag;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev);
  }

  void unwatch(int& fd) {
    if (fd < 0) return;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
    ::close(fd);
    fd = -1;
  }

  void run() {
    std::vector<epoll_event> ready(64);
    while (!stopping_) {
      int n = ::epoll_wait(epoll_fd_, ready.data(), static_cast<int>(ready.size()), timeout_ms());
      for (int i = 0; i < n; ++i) {
        auto* tag = static_cast<Tag*>(ready[i].data.ptr);
        guarded([&] {
          if (tag == &wake_tag_) {
            uint64_t count;
            while (::read(wake_fd_, &count, sizeof count) > 0) {
            }
            run_tasks();
          } else if (!tag->run->finished) {
            if (tag->exit)
              on_exited(*tag->run);
            else
              on_output(*tag->run);
          }
        });
      }
      guarded([&] { fire_timers(); });
      finished_.clear();  // Runs retired during this round; no event refers to them any more
    }
    guarded([&] { run_tasks(); });  // StartErrors queued before shutdown still get their on_exit()
    shutdown();
  }

  // An exception escaping a TrialEvents callback must not take the loop (and every other
  // trial) down with it.
  template <class F>
  void guarded(F&& f) {
    try {
      f();
    } catch (const std::exception& e) {
      std::cerr << "sextant: local runner: " << e.what() << std::endl;
    } catch (...) {
      std::cerr << "sextant: local runner: unknown exception" << std::endl;
    }
  }

  void run_tasks() {
    std::vector<std::function<void()>> tasks;
    {
      std::lock_guard lock(mutex_);
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) task();
  }

  int timeout_ms() {
    std::optional<Clock::time_point> next;
    for (auto& [_, run] : runs_)
      for (const auto& t : {run->deadline_at, run->kill_at, run->poll_at})
        if (t && (!next || *t < *next)) next = t;
    if (!next) return -1;
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(*next - Clock::now()).count();
    return wait < 0 ? 0 : static_cast<int>(std::min<int64_t>(wait, 1 << 30));
  }

  // ---- starting --------------------------------------------------------------------------

  void start_here(const engine::TrialLaunch& launch, LaunchPlan plan,
                         const std::string& plan_error, engine::TrialEvents& events) {
    if (runs_.count(launch.trial)) return;  // already running: start() is idempotent

    auto run = std::make_unique<Run>();
    run->trial = launch.trial;
    run->events = &events;
    std::filesystem::path log = launch.trial_dir / "trial.log";
    run->log_fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (run->log_fd < 0)
      return start_failed(
          *run, "cannot open the trial log " + log.string() + ": " + std::strerror(errno));
    if (!plan_error.empty()) return start_failed(*run, plan_error);
    run->plan = std::move(plan);
    for (const auto& note : run->plan.notes) write_note(run->log_fd, note);
    if (run->plan.collector == engine::CollectorKind::kFile ||
        run->plan.collector == engine::CollectorKind::kTensorFlowEvent) {
      // Like the fresh emptyDir of a pod: a retried trial must not re-report the metrics of
      // its previous attempt.
      std::error_code ec;
      std::filesystem::remove_all(run->plan.metrics_path, ec);
      if (run->plan.metrics_is_directory)
        std::filesystem::create_directories(run->plan.metrics_path, ec);
    }

    int pipe_fds[2];
    if (::pipe2(pipe_fds, O_CLOEXEC) != 0)
      return start_failed(*run, std::string("pipe: ") + std::strerror(errno));
    run->out_fd = above_stdio(pipe_fds[0]);
    int write_end = above_stdio(pipe_fds[1]);
    ::fcntl(run->out_fd, F_SETFL, ::fcntl(run->out_fd, F_GETFL) | O_NONBLOCK);
    run->plan.spawn.output_fd = write_end;
    SpawnResult spawned = spawn_process(run->plan.spawn);
    ::close(write_end);
    if (spawned.pid <= 0) {
      ::close(run->out_fd);
      run->out_fd = -1;
      return start_failed(*run, spawned.error);
    }

    const pid_t pid = spawned.pid;
    run->handle = {pid, pid, process_start_time(pid).value_or(0)};
    run->handle_text = run->handle.format();
    run->exit_fd = pidfd_open(pid);
    if (run->exit_fd < 0) {
      // Kernels before 5.3: a thread waits (leaving the zombie for us) and rings an eventfd.
      run->exit_fd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
      int ring = run->exit_fd;
      run->waiter = std::thread([pid, ring] {
        siginfo_t info;
        while (::waitid(P_PID, pid, &info, WEXITED | WNOWAIT) < 0 && errno == EINTR) {
        }
        uint64_t one = 1;
        ssize_t ignored = ::write(ring, &one, sizeof one);
        (void)ignored;
      });
    }
    Run& r = *run;
    r.out_tag = {&r, false};
    r.exit_tag = {&r, true};
    watch(r.out_fd, &r.out_tag);
    watch(r.exit_fd, &r.exit_tag);
    auto now = Clock::now();
    if (r.plan.deadline_seconds)
      r.deadline_at = now + std::chrono::seconds(*r.plan.deadline_seconds);
    if (r.plan.collector == engine::CollectorKind::kFile) {
      r.tail = std::make_unique<FileTail>(r.plan.metrics_path, r.plan.metrics_is_directory);
      r.poll_at = now + options_.file_poll_interval;
    }
    runs_[launch.trial] = std::move(run);
  }

  void start_failed(Run& run, const std::string& message) {
    write_note(run.log_fd, "the trial could not start: " + message);
    if (run.log_fd >= 0) ::close(run.log_fd);
    // Delivered after start() returns, never from inside it (the caller may hold a lock).
    post([events = run.events, trial = run.trial, message] {
      events->on_exit(TrialExit{trial, false, "StartError", message});
    });
  }

  // ---- while running ---------------------------------------------------------------------

  void on_output(Run& run) {
    char buf[65536];
    for (int round = 0; round < 16 && run.out_fd >= 0; ++round) {
      ssize_t n = ::read(run.out_fd, buf, sizeof buf);
      if (n > 0) {
        consume_output(run, std::string_view(buf, static_cast<size_t>(n)));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      // EOF (every writer closed stdout) or a read error: the process may still run.
      run.out_lines.flush([&](std::string_view line) { output_line(run, line); });
      unwatch(run.out_fd);
    }
    deliver(run);
  }

  void consume_output(Run& run, std::string_view chunk) {
    write_all(run.log_fd, chunk.data(), chunk.size());
    run.out_lines.feed(chunk, [&](std::string_view line) { output_line(run, line); });
  }

  void output_line(Run& run, std::string_view line) {
    std::string t = trimmed(line);
    if (!t.empty()) run.last_line = std::move(t);
    if (run.plan.collector == engine::CollectorKind::kStdOut && run.plan.text_parser)
      run.plan.text_parser->parse_line(line, run.pending);
  }

  void poll_metrics_file(Run& run, bool final) {
    if (!run.tail) return;
    run.tail->poll(
        [&](const std::filesystem::path& file, std::string_view line) {
          if (run.plan.json_parser) {
            std::string error = run.plan.json_parser->parse_line(line, run.pending);
            if (!error.empty())
              write_note(run.log_fd, "metrics file " + file.string() + ": skipped a line, " +
                                         error + ": " + trimmed(line));
          } else if (run.plan.text_parser) {
            run.plan.text_parser->parse_line(line, run.pending);
          }
        },
        final);
    deliver(run);
  }

  // TensorFlowEvent: Katib reads the event files once the training process has ended.
  void read_tf_events(Run& run) {
    if (run.plan.collector != engine::CollectorKind::kTensorFlowEvent) return;
    std::vector<std::string> notes;
    auto reports = tf_event_metrics(run.plan.metrics_path, run.plan.metric_names, &notes);
    for (const auto& note : notes) write_note(run.log_fd, "TensorFlow events: " + note);
    if (reports.empty())
      write_note(run.log_fd, "TensorFlow events: no scalar of the experiment's metrics under " +
                                 run.plan.metrics_path.string());
    for (auto& r : reports) run.pending.push_back(std::move(r));
    deliver(run);
  }

  void deliver(Run& run) {
    if (run.pending.empty()) return;
    std::vector<MetricReport> reports;
    reports.swap(run.pending);
    double now = engine::unix_now();
    for (auto& r : reports) {
      r.trial = run.trial;
      if (r.time == 0) r.time = now;
    }
    run.events->on_metrics(std::move(reports));
  }

  void fire_timers() {
    auto now = Clock::now();
    for (auto& [_, run_ptr] : runs_) {
      Run& run = *run_ptr;
      if (run.deadline_at && *run.deadline_at <= now) {
        run.deadline_at.reset();
        if (run.stop == Stop::kNone) {
          run.stop = Stop::kDeadline;
          write_note(run.log_fd, "activeDeadlineSeconds (" +
                                     std::to_string(*run.plan.deadline_seconds) +
                                     " s) passed; sending SIGTERM to the process group");
          signal_group(run, SIGTERM);
          run.kill_at = now + options_.kill_grace;
        }
      }
      if (run.kill_at && *run.kill_at <= now) {
        run.kill_at.reset();
        write_note(run.log_fd, "still running after the grace period; sending SIGKILL");
        signal_group(run, SIGKILL);
      }
      if (run.poll_at && *run.poll_at <= now) {
        poll_metrics_file(run, false);
        run.poll_at = now + options_.file_poll_interval;
      }
    }
  }

  void signal_group(Run& run, int sig) {
    if (run.handle.pgid > 1) ::kill(-run.handle.pgid, sig);
  }

  void cancel_here(const std::string& trial, std::chrono::milliseconds grace) {
    auto it = runs_.find(trial);
    if (it == runs_.end()) return;
    Run& run = *it->second;
    auto kill_at = Clock::now() + grace;
    if (run.stop != Stop::kNone) {  // already stopping: only ever hurry up
      if (!run.kill_at || kill_at < *run.kill_at) run.kill_at = kill_at;
      return;
    }
    run.stop = Stop::kCancel;
    run.deadline_at.reset();
    write_note(run.log_fd, "cancelled; sending SIGTERM to the process group");
    signal_group(run, SIGTERM);
    run.kill_at = kill_at;
  }

  // ---- the end ---------------------------------------------------------------------------

  void on_exited(Run& run) {
    // The leader is a zombie until waitpid(), so its group id cannot have been reused: kill
    // whatever the trial left behind (background children that would hold the pipe open).
    signal_group(run, SIGKILL);
    int status = 0;
    pid_t got;
    do {
      got = ::waitpid(run.handle.pid, &status, WNOHANG);
    } while (got < 0 && errno == EINTR);
    if (got == 0) return;  // not exited after all
    bool status_known = got == run.handle.pid;
    if (run.waiter.joinable()) run.waiter.join();
    unwatch(run.exit_fd);

    // Everything the process wrote is in the pipe by now.
    if (run.out_fd >= 0) {
      char buf[65536];
      while (true) {
        ssize_t n = ::read(run.out_fd, buf, sizeof buf);
        if (n > 0) {
          consume_output(run, std::string_view(buf, static_cast<size_t>(n)));
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        break;
      }
      unwatch(run.out_fd);
    }
    run.out_lines.flush([&](std::string_view line) { output_line(run, line); });
    deliver(run);
    poll_metrics_file(run, true);
    read_tf_events(run);

    TrialExit exit{run.trial, false, "", ""};
    std::string last = run.last_line.empty() ? "" : "; last line: " + run.last_line;
    if (run.stop == Stop::kCancel) {
      exit.reason = "Cancelled";
      exit.message = "cancelled";
    } else if (run.stop == Stop::kDeadline) {
      exit.reason = "DeadlineExceeded";
      exit.message = "ran longer than activeDeadlineSeconds (" +
                     std::to_string(*run.plan.deadline_seconds) + " s) and was stopped";
    } else if (!status_known) {
      exit.reason = "Error";
      exit.message = "the exit status is unavailable (SIGCHLD is ignored in this process)";
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
      exit.succeeded = true;
    } else if (WIFEXITED(status)) {
      exit.reason = "Error";
      exit.message = "exited with status " + std::to_string(WEXITSTATUS(status)) + last;
    } else if (WIFSIGNALED(status)) {
      exit.reason = "Signal";
      exit.message = "killed by signal " + describe_signal(WTERMSIG(status)) + last;
    }
    if (!exit.succeeded && run.stop == Stop::kNone)
      write_note(run.log_fd, exit.reason + ": " + exit.message);
    ::close(run.log_fd);
    run.log_fd = -1;
    run.finished = true;

    engine::TrialEvents* events = run.events;
    auto it = runs_.find(run.trial);
    finished_.push_back(std::move(it->second));
    runs_.erase(it);
    events->on_exit(std::move(exit));
  }

  void shutdown() {
    for (auto& [_, run] : runs_) {
      signal_group(*run, SIGKILL);
      int status;
      while (::waitpid(run->handle.pid, &status, 0) < 0 && errno == EINTR) {
      }
      if (run->waiter.joinable()) run->waiter.join();
      unwatch(run->exit_fd);
      unwatch(run->out_fd);
      if (run->log_fd >= 0) ::close(run->log_fd);
    }
    runs_.clear();
  }

  LocalRunnerOptions options_;
  ParserCache parsers_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  Tag wake_tag_;
  std::mutex mutex_;
  std::vector<std::function<void()>> tasks_;
  std::thread thread_;
  bool stopping_ = false;
  // Loop thread only.
  std::map<std::string, std::unique_ptr<Run>> runs_;
  std::vector<std::unique_ptr<Run>> finished_;
};

LocalRunner::LocalRunner(LocalRunnerOptions options)
    : loop_(std::make_unique<Loop>(std::move(options))) {}

LocalRunner::~LocalRunner() = default;

std::string LocalRunner::start(const engine::TrialLaunch& launch, engine::TrialEvents& events) {
  return loop_->start(launch, events);
}

void LocalRunner::cancel(const std::string& trial, std::chrono::milliseconds grace) {
  loop_->cancel(trial, grace);
}

bool LocalRunner::reap_orphan(const std::string& trial, const std::string& handle) {
  if (handle.empty()) return false;
  if (handle.rfind(kMarkerPrefix, 0) == 0) return kill_marked_processes(handle.substr(kMarkerPrefix.size()));
  auto parsed = RunnerHandle::parse(handle);
  if (!parsed)
    throw Error(
        ErrorCode::kInvalidArgument,
        "trial " + trial + ": '" + handle +
            "' is not a local runner handle (expected pid:<pid> pgid:<pgid> start:<ticks>)");
  return kill_run_leftovers(*parsed);
}

std::filesystem::path LocalRunner::log_path(const std::filesystem::path& trial_dir) const {
  return trial_dir / "trial.log";
}

}  // namespace sextant::trials
