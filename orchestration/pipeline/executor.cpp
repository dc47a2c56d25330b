// Running a Pipeline as host processes: a DAG executor with parallel steps and per-step logs.
#include "orchestration/pipeline/executor.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include "engine/error.hpp"
#include "trials/local/process.hpp"
#include "trials/local/launch_plan.hpp"

extern char** environ;

namespace sextant::orchestration {

const char* to_string(StepPhase phase) {
  switch (phase) {
    case StepPhase::kPending:
      return "Pending";
    case StepPhase::kRunning:
      return "Running";
    case StepPhase::kSucceeded:
      return "Succeeded";
    case StepPhase::kFailed:
      return "Failed";
    case StepPhase::kSkipped:
      return "Skipped";
  }
  return "Pending";
}

namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxCapturedStdout = 256 * 1024;

void write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    data += n;
    size -= static_cast<size_t>(n);
  }
}

std::string trim(const std::string& text) {
  size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return "";
  size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  if (from.empty()) return text;
  size_t pos = 0;
  while ((pos = text.find(from, pos)) != std::string::npos) {
    text.replace(pos, from.size(), to);
    pos += to.size();
  }
  return text;
}

std::string env_get(const std::vector<std::string>& env, const std::string& name) {
  for (const auto& e : env)
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return e.substr(name.size() + 1);
  return "";
}

// Splits a stream into lines; calls `line` with each complete line (with its '\n').
class Lines {
 public:
  template <typename F>
  void feed(const char* data, size_t size, F&& line) {
    buffer_.append(data, size);
    size_t start = 0, nl;
    while ((nl = buffer_.find('\n', start)) != std::string::npos) {
      line(std::string_view(buffer_).substr(start, nl - start + 1));
      start = nl + 1;
    }
    buffer_.erase(0, start);
  }
  template <typename F>
  void flush(F&& line) {
    if (!buffer_.empty()) {
      buffer_ += '\n';
      line(std::string_view(buffer_));
      buffer_.clear();
    }
  }

 private:
  std::string buffer_;
};

struct Running {
  size_t index = 0;
  pid_t pid = -1;
  int pidfd = -1;
  int fds[2] = {-1, -1};  // stdout, stderr
  int log_fd = -1;
  Lines lines[2];
  std::string captured;  // stdout
  std::string last_line;
  bool exited = false;
  int status = 0;
  bool terminated = false;
  std::optional<Clock::time_point> kill_at;
};

class Executor {
 public:
  Executor(const Pipeline& pipeline, const PipelineRunOptions& options)
      : pipeline_(pipeline), options_(options) {}

  PipelineResult run() {
    std::error_code ec;
    std::filesystem::create_directories(options_.run_dir / "steps", ec);
    if (ec)
      throw Error(ErrorCode::kUnavailable,
                  "cannot create " + (options_.run_dir / "steps").string() + ": " + ec.message());
    code_dir_ = options_.code_dir.empty() ? std::filesystem::current_path(ec) : options_.code_dir;
    base_env_ = options_.env;
    if (base_env_.empty())
      for (char** e = environ; e && *e; ++e) base_env_.emplace_back(*e);
    for (const auto& step : pipeline_.steps) {
      StepResult r;
      r.name = step.name;
      r.log = options_.run_dir / "steps" / (step.name + ".log");
      result_.steps.push_back(std::move(r));
      for (const auto& out : step.outputs) group_paths_[step.group].insert(out.container_path);
    }
    stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    {
      std::stop_callback on_stop(options_.stop, [this] {
        uint64_t one = 1;
        ssize_t ignored = ::write(stop_fd_, &one, sizeof one);
        (void)ignored;
      });
      if (pipeline_.deadline_seconds)
        deadline_ = Clock::now() + std::chrono::seconds(*pipeline_.deadline_seconds);
      loop();
    }
    ::close(stop_fd_);
    finish_result();
    return std::move(result_);
  }

 private:
  void event(const std::string& text) {
    if (options_.on_event) options_.on_event(text);
  }

  void loop() {
    while (true) {
      if (!failed_ && stop_reason_.empty()) start_ready_steps();
      if (running_.empty()) return;
      std::vector<pollfd> fds;
      fds.push_back({stop_fd_, POLLIN, 0});
      for (auto& r : running_) {
        for (int fd : r->fds)
          if (fd >= 0) fds.push_back({fd, POLLIN, 0});
        if (r->pidfd >= 0) fds.push_back({r->pidfd, POLLIN, 0});
      }
      int timeout = -1;
      auto now = Clock::now();
      auto consider = [&](Clock::time_point t) {
        int ms = static_cast<int>(std::max<int64_t>(
            0, std::chrono::duration_cast<std::chrono::milliseconds>(t - now).count() + 1));
        timeout = timeout < 0 ? ms : std::min(timeout, ms);
      };
      if (deadline_ && stop_reason_.empty()) consider(*deadline_);
      bool any_without_pidfd = false;
      for (auto& r : running_) {
        if (r->kill_at) consider(*r->kill_at);
        if (r->pidfd < 0) any_without_pidfd = true;
      }
      if (any_without_pidfd) timeout = timeout < 0 ? 50 : std::min(timeout, 50);
      int n = ::poll(fds.data(), fds.size(), timeout);
      if (n < 0 && errno != EINTR) return;  // cannot wait: leave; steps die with this thread
      if (fds[0].revents & POLLIN) {
        uint64_t value;
        ssize_t ignored = ::read(stop_fd_, &value, sizeof value);
        (void)ignored;
        stop_all("Cancelled", "the run was stopped");
      }
      now = Clock::now();
      if (deadline_ && stop_reason_.empty() && now >= *deadline_)
        stop_all("DeadlineExceeded", "the pipeline ran longer than its deadline (" +
                                         std::to_string(*pipeline_.deadline_seconds) + " s)");
      for (auto& r : running_) {
        if (r->kill_at && now >= *r->kill_at) {
          ::kill(-r->pid, SIGKILL);
          r->kill_at.reset();
        }
        read_output(*r, false);
        if (!r->exited) {
          int status = 0;
          pid_t got = ::waitpid(r->pid, &status, WNOHANG);
          if (got == r->pid) {
            r->exited = true;
            r->status = status;
          }
        }
      }
      for (size_t i = 0; i < running_.size();) {
        if (running_[i]->exited) {
          finish_step(*running_[i]);
          running_.erase(running_.begin() + static_cast<long>(i));
        } else {
          ++i;
        }
      }
    }
  }

  void stop_all(const std::string& reason, const std::string& message) {
    if (!stop_reason_.empty()) return;
    stop_reason_ = reason;
    stop_message_ = message;
    event(message + "; stopping the running steps");
    for (auto& r : running_) {
      ::kill(-r->pid, SIGTERM);
      r->terminated = true;
      r->kill_at = Clock::now() + options_.kill_grace;
    }
  }

  void start_ready_steps() {
    for (size_t i = 0; i < pipeline_.steps.size(); ++i) {
      if (result_.steps[i].phase != StepPhase::kPending) continue;
      const auto& step = pipeline_.steps[i];
      bool ready =
          std::all_of(step.dependencies.begin(), step.dependencies.end(),
                      [&](const std::string& d) { return phase_of(d) == StepPhase::kSucceeded; });
      if (ready) start_step(i);
      if (failed_) return;
    }
  }

  StepPhase phase_of(const std::string& name) const {
    for (const auto& r : result_.steps)
      if (r.name == name) return r.phase;
    return StepPhase::kPending;
  }

  const StepResult* result_of(const std::string& name) const {
    for (const auto& r : result_.steps)
      if (r.name == name) return &r;
    return nullptr;
  }

  void fail_step(size_t index, const std::string& reason, const std::string& message) {
    auto& r = result_.steps[index];
    r.phase = StepPhase::kFailed;
    r.reason = reason;
    r.message = message;
    r.finished = std::chrono::system_clock::now();
    event("step \"" + r.name + "\" failed: " + message);
    if (!failed_) {
      failed_ = true;
      result_.failed_step = r.name;
      result_.reason = reason;
      result_.message = "step \"" + r.name + "\" failed: " + message;
    }
  }

  void start_step(size_t index) {
    const PipelineStep& step = pipeline_.steps[index];
    StepResult& r = result_.steps[index];
    r.phase = StepPhase::kRunning;
    r.started = std::chrono::system_clock::now();
    std::filesystem::path dir = options_.run_dir / "steps" / step.group;
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);

    std::vector<std::string> notes;
    // Container paths of the group's outputs become files under the group's directory.
    std::vector<std::pair<std::string, std::string>> paths;
    for (const auto& container_path : group_paths_[step.group]) {
      std::filesystem::path local =
          (dir / std::filesystem::path(container_path).relative_path()).lexically_normal();
      std::filesystem::create_directories(local.parent_path(), ec);
      paths.emplace_back(container_path, local.string());
    }
    std::string missing_input;
    auto localize = [&](std::string text) {
      for (const auto& [from, to] : paths) text = trials::rewrite_container_path(text, from, to);
      for (const auto& input : step.inputs) {
        if (text.find(input.placeholder) == std::string::npos) continue;
        const StepResult* producer = result_of(input.step);
        if (!producer || !producer->outputs.count(input.output)) {
          missing_input = input.placeholder;
          continue;
        }
        text = replace_all(text, input.placeholder, producer->outputs.at(input.output));
      }
      return text;
    };

    std::vector<std::string> argv;
    for (const auto& a : step.command) argv.push_back(localize(a));
    if (step.script) {
      std::filesystem::path file = dir / (step.name + ".script");
      std::ofstream(file, std::ios::binary | std::ios::trunc) << localize(*step.script);
      std::filesystem::permissions(file,
                                   std::filesystem::perms::owner_all |
                                       std::filesystem::perms::group_read |
                                       std::filesystem::perms::group_exec,
                                   ec);
      argv.push_back(file.string());
      for (const auto& a : step.script_args) argv.push_back(localize(a));
    }
    std::vector<std::string> env = base_env_;
    for (const auto& var : step.env) {
      std::string entry = var.name + "=" + localize(var.value);
      auto it = std::find_if(env.begin(), env.end(), [&](const std::string& e) {
        return e.size() > var.name.size() && e.compare(0, var.name.size(), var.name) == 0 &&
               e[var.name.size()] == '=';
      });
      if (it != env.end())
        *it = entry;
      else
        env.push_back(entry);
    }
    std::filesystem::path cwd = code_dir_;
    if (!step.working_dir.empty()) {
      std::string wd = localize(step.working_dir);
      if (std::filesystem::is_directory(wd, ec))
        cwd = wd;
      else
        notes.push_back("workingDir " + wd + " does not exist on this host; running in " +
                        code_dir_.string());
    }

    int log_fd = ::open(r.log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
    auto note = [&](const std::string& text) {
      if (log_fd >= 0) {
        std::string line = "sextant: " + text + "\n";
        write_all(log_fd, line.data(), line.size());
      }
    };
    if (!missing_input.empty()) {
      note("cannot start: " + missing_input + " has no value");
      if (log_fd >= 0) ::close(log_fd);
      fail_step(index, "StartError", missing_input + " has no value (its step produced none)");
      return;
    }

    // argv[0]: as the local runner resolves a container's command; "python" falls back to
    // python3, since images' "python" is often python3 and hosts may only have the latter.
    std::string exec_path = argv.front();
    std::string path_var = env_get(env, "PATH");
    if (!exec_path.empty() && exec_path.front() != '/') {
      if (exec_path.find('/') != std::string::npos) {
        exec_path = (code_dir_ / exec_path).lexically_normal().string();
      } else {
        std::string found = trials::find_on_path(exec_path, path_var, code_dir_);
        if (found.empty() && exec_path == "python") {
          found = trials::find_on_path("python3", path_var, code_dir_);
          if (!found.empty()) notes.push_back("\"python\" is not on PATH; running " + found);
        }
        if (!found.empty()) exec_path = found;
      }
    }
    for (const auto& n : notes) note(n);

    int out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
    if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
      std::string why = std::string("pipe: ") + std::strerror(errno);
      for (int fd : {out_pipe[0], out_pipe[1], err_pipe[0], err_pipe[1]})
        if (fd >= 0) ::close(fd);
      if (log_fd >= 0) ::close(log_fd);
      fail_step(index, "StartError", why);
      return;
    }
    trials::SpawnResult spawned =
        trials::spawn_process({exec_path, argv, env, cwd, out_pipe[1], err_pipe[1]});
    ::close(out_pipe[1]);
    ::close(err_pipe[1]);
    if (spawned.pid <= 0) {
      ::close(out_pipe[0]);
      ::close(err_pipe[0]);
      note(spawned.error);
      if (log_fd >= 0) ::close(log_fd);
      fail_step(index, "StartError", spawned.error);
      return;
    }
    auto run = std::make_unique<Running>();
    run->index = index;
    run->pid = spawned.pid;
    run->pidfd = static_cast<int>(::syscall(SYS_pidfd_open, spawned.pid, 0));
    run->fds[0] = out_pipe[0];
    run->fds[1] = err_pipe[0];
    for (int fd : run->fds) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    run->log_fd = log_fd;
    event("step \"" + step.name + "\" started (log: " + r.log.string() + ")");
    running_.push_back(std::move(run));
  }

  void on_line(Running& run, int stream, std::string_view line) {
    if (run.log_fd >= 0) write_all(run.log_fd, line.data(), line.size());
    if (pipeline_.steps[run.index].primary && options_.primary_output_fd >= 0)
      write_all(options_.primary_output_fd, line.data(), line.size());
    std::string t = trim(std::string(line));
    if (!t.empty()) run.last_line = t;
    (void)stream;
  }

  // Reads what is available; at_exit also flushes partial lines and closes the pipes.
  void read_output(Running& run, bool at_exit) {
    char buf[65536];
    for (int s = 0; s < 2; ++s) {
      int& fd = run.fds[s];
      while (fd >= 0) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n > 0) {
          if (s == 0 && run.captured.size() < kMaxCapturedStdout)
            run.captured.append(
                buf, std::min(static_cast<size_t>(n), kMaxCapturedStdout - run.captured.size()));
          run.lines[s].feed(buf, static_cast<size_t>(n),
                            [&](std::string_view line) { on_line(run, s, line); });
          continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN && !at_exit) break;
        // EOF, an error, or (at exit) nothing more from the step itself.
        run.lines[s].flush([&](std::string_view line) { on_line(run, s, line); });
        if (n == 0 || at_exit || (n < 0 && errno != EAGAIN)) {
          ::close(fd);
          fd = -1;
        }
        break;
      }
    }
  }

  void finish_step(Running& run) {
    // Leftovers of the step's group (background children) go with it; then its output is
    // complete.
    ::kill(-run.pid, SIGKILL);
    read_output(run, true);
    if (run.pidfd >= 0) ::close(run.pidfd);
    const PipelineStep& step = pipeline_.steps[run.index];
    StepResult& r = result_.steps[run.index];
    r.finished = std::chrono::system_clock::now();
    std::string last = run.last_line.empty() ? "" : "; last line: " + run.last_line;
    auto close_log = [&](const std::string& text) {
      if (run.log_fd >= 0) {
        if (!text.empty()) {
          std::string line = "sextant: " + text + "\n";
          write_all(run.log_fd, line.data(), line.size());
        }
        ::close(run.log_fd);
        run.log_fd = -1;
      }
    };
    if (WIFEXITED(run.status)) r.exit_code = WEXITSTATUS(run.status);
    if (run.terminated) {
      close_log(stop_reason_);
      r.phase = StepPhase::kFailed;
      r.reason = stop_reason_;
      r.message = stop_message_;
      return;
    }
    if (WIFEXITED(run.status) && WEXITSTATUS(run.status) == 0) {
      r.outputs[""] = trim(run.captured);
      for (const auto& out : step.outputs) {
        std::filesystem::path local = (options_.run_dir / "steps" / step.group /
                                       std::filesystem::path(out.container_path).relative_path())
                                          .lexically_normal();
        std::ifstream in(local, std::ios::binary);
        if (in) {
          std::stringstream text;
          text << in.rdbuf();
          std::string value = text.str();
          while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
            value.pop_back();
          r.outputs[out.name] = value;
        } else if (out.default_value) {
          r.outputs[out.name] = *out.default_value;
        } else {
          std::string why = "output \"" + out.name + "\" was not written: " + out.container_path +
                            " (locally " + local.string() + ") does not exist";
          close_log(why);
          fail_step(run.index, "OutputMissing", why);
          return;
        }
      }
      close_log("");
      r.phase = StepPhase::kSucceeded;
      event("step \"" + step.name + "\" succeeded");
      return;
    }
    std::string why =
        WIFEXITED(run.status)
            ? "exited with status " + std::to_string(WEXITSTATUS(run.status)) + last
            : "killed by signal " + trials::describe_signal(WTERMSIG(run.status)) + last;
    close_log(why);
    fail_step(run.index, WIFEXITED(run.status) ? "Error" : "Signal", why);
  }

  void finish_result() {
    for (auto& r : result_.steps)
      if (r.phase == StepPhase::kPending) {
        r.phase = StepPhase::kSkipped;
        r.reason = failed_ ? "an earlier step failed" : "the run was stopped";
      }
    if (!stop_reason_.empty()) {
      result_.succeeded = false;
      if (!failed_) {
        result_.reason = stop_reason_;
        result_.message = stop_message_;
      }
      return;
    }
    result_.succeeded = !failed_;
  }

  const Pipeline& pipeline_;
  const PipelineRunOptions& options_;
  std::filesystem::path code_dir_;
  std::vector<std::string> base_env_;
  std::map<std::string, std::set<std::string>> group_paths_;
  std::vector<std::unique_ptr<Running>> running_;
  PipelineResult result_;
  int stop_fd_ = -1;
  std::optional<Clock::time_point> deadline_;
  bool failed_ = false;
  std::string stop_reason_, stop_message_;
};

}  // namespace

PipelineResult run_pipeline(const Pipeline& pipeline, const PipelineRunOptions& options) {
  return Executor(pipeline, options).run();
}

}  // namespace sextant::orchestration
