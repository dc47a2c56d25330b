// Host processes for local trials: spawning into a new process group, identity, signals.
#include "trials/local/process.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sextant::trials {
namespace {

enum Stage : int { kStageChdir = 1, kStageExec = 2, kStageSetup = 3 };

std::string exec_error(int err, const std::string& path) {
  switch (err) {
    case ENOENT:
      return "exec: no such file: " + path;
    case EACCES:
      return "exec: permission denied: " + path;
    case ENOEXEC:
      return "exec: not an executable (exec format error): " + path;
    case ENOTDIR:
      return "exec: a part of the path is not a directory: " + path;
    default:
      return "exec: " + std::string(std::strerror(err)) + ": " + path;
  }
}

// Highest open descriptor, for the close-on-exec fallback on kernels without close_range().
int highest_open_fd() {
  int highest = 2;
  if (DIR* dir = ::opendir("/proc/self/fd")) {
    while (dirent* e = ::readdir(dir)) {
      int fd = std::atoi(e->d_name);
      if (fd > highest) highest = fd;
    }
    ::closedir(dir);
  } else {
    long max = ::sysconf(_SC_OPEN_MAX);
    highest = max > 0 && max < 65536 ? static_cast<int>(max) : 65536;
  }
  return highest;
}

struct ProcStat {
  char state = '?';
  pid_t pgrp = 0;
  uint64_t start_time = 0;
};

std::optional<ProcStat> read_proc_stat(const std::string& pid_text) {
  std::ifstream in("/proc/" + pid_text + "/stat");
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // comm (field 2) may contain spaces and parentheses; the fields after the last ')' do not.
  size_t close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 1));
  std::string field;
  ProcStat out;
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 3) out.state = field.empty() ? '?' : field[0];
    if (index == 5) out.pgrp = static_cast<pid_t>(std::stol(field));
    if (index == 22) {
      out.start_time = std::stoull(field);
      return out;
    }
  }
  return std::nullopt;
}

// close_range(CLOSE_RANGE_CLOEXEC) needs Linux 5.11; probed once on a descriptor that is
// never open.
bool close_range_works() {
  static const bool works = ::close_range(~0U, ~0U, CLOSE_RANGE_CLOEXEC) == 0;
  return works;
}

// What the child needs, prepared by the parent: the child may not allocate.
struct ChildArgs {
  const char* exec_path;
  char* const* argv;
  char* const* envp;
  const char* cwd;
  int output_fd;
  int stderr_fd;
  int devnull;
  int err_fd;
  const int* reset;
  int reset_count;
  int highest_fd;
  pid_t parent;
};

// Runs in the child, on its own stack, sharing the parent's memory until execve(): system
// calls only, no allocation, no locks.
// glibc's sigaction() refuses the signals it reserves for itself (32 and 33), yet an engine
// started by a parent that ignores them inherits SIG_IGN there and would pass it on through
// exec. The kernel call sees every signal.
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)();
  uint64_t mask;
};

bool kernel_handler_is_default(int sig) {
#if defined(__x86_64__)
  KernelSigaction old{};
  if (::syscall(SYS_rt_sigaction, sig, nullptr, &old, sizeof old.mask) != 0) return true;
  return old.handler == SIG_DFL;
#else
  struct sigaction sa;
  return ::sigaction(sig, nullptr, &sa) != 0 || sa.sa_handler == SIG_DFL;
#endif
}

void kernel_set_default(int sig) {
#if defined(__x86_64__)
  KernelSigaction dfl{};
  dfl.handler = SIG_DFL;
  ::syscall(SYS_rt_sigaction, sig, &dfl, nullptr, sizeof dfl.mask);
#else
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  ::sigaction(sig, &dfl, nullptr);
#endif
}

int child_main(void* raw) {
  const ChildArgs& a = *static_cast<const ChildArgs*>(raw);
  auto fail = [&](int stage) {
    int message[2] = {stage, errno};
    ssize_t ignored = ::write(a.err_fd, message, sizeof message);
    (void)ignored;
    ::_exit(127);
  };
  if (::setpgid(0, 0) != 0) fail(kStageSetup);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(kStageSetup);
  if (::getppid() != a.parent) ::_exit(127);  // the engine died between clone and prctl
  for (int i = 0; i < a.reset_count; ++i) kernel_set_default(a.reset[i]);
  if (::dup2(a.devnull, 0) < 0 || ::dup2(a.output_fd, 1) < 0 || ::dup2(a.stderr_fd, 2) < 0)
    fail(kStageSetup);
  if (a.cwd && ::chdir(a.cwd) != 0) fail(kStageChdir);
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0)
    for (int fd = 3; fd <= a.highest_fd + 64; ++fd) ::fcntl(fd, F_SETFD, FD_CLOEXEC);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(a.exec_path, a.argv, a.envp);
  fail(kStageExec);
  return 127;
}

}  // namespace

SpawnResult spawn_process(const SpawnSpec& spec) {
  SpawnResult result;
  if (spec.argv.empty()) {
    result.error = "exec: empty command";
    return result;
  }
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::string cwd_text = spec.cwd.string();
  // Signals the engine handles or ignores go back to default in the child (an ignored
  // SIGPIPE or SIGINT would otherwise be inherited through exec).
  int reset[_NSIG];
  int reset_count = 0;
  for (int sig = 1; sig < _NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP && !kernel_handler_is_default(sig))
      reset[reset_count++] = sig;

  int err_pipe[2];
  if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.error = std::string("pipe: ") + std::strerror(errno);
    return result;
  }
  int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (devnull < 0) {
    result.error = std::string("open /dev/null: ") + std::strerror(errno);
    ::close(err_pipe[0]);
    ::close(err_pipe[1]);
    return result;
  }
  ChildArgs args{spec.exec_path.c_str(),
                 argv.data(),
                 envp.data(),
                 cwd_text.empty() ? nullptr : cwd_text.c_str(),
                 spec.output_fd,
                 spec.error_fd < 0 ? spec.output_fd : spec.error_fd,
                 devnull,
                 err_pipe[1],
                 reset,
                 reset_count,
                 close_range_works() ? 0 : highest_open_fd(),
                 ::getpid()};

  // A vfork-style clone: the child borrows the parent's memory until execve() instead of
  // copying its page tables, which costs time in proportion to the engine's size (measured
  // here: fork 1.2 ms for a small process, 3.7 ms inside the test binary; this: ~0.5 ms).
  // The calling thread is suspended until the child has exec'd or exited. Signals stay
  // blocked across the clone so that no engine handler runs in the child before reset.
  constexpr size_t kChildStack = 64 * 1024;
  std::vector<char> stack(kChildStack + 64);
  auto top = reinterpret_cast<uintptr_t>(stack.data() + kChildStack) & ~uintptr_t{63};
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  const pid_t pid =
      ::clone(child_main, reinterpret_cast<void*>(top), CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
  const int fork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(err_pipe[1]);
  ::close(devnull);
  if (pid < 0) {
    ::close(err_pipe[0]);
    result.error = std::string("clone: ") + std::strerror(fork_errno);
    return result;
  }

  int message[2] = {0, 0};
  ssize_t got;
  do {
    got = ::read(err_pipe[0], message, sizeof message);
  } while (got < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (got == 0) {  // EOF: the CLOEXEC pipe closed at a successful exec
    result.pid = pid;
    return result;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof message)) {
    result.error = "exec: the child failed before exec";
  } else if (message[0] == kStageExec) {
    result.error = exec_error(message[1], spec.exec_path);
  } else if (message[0] == kStageChdir) {
    result.error = "chdir: " + std::string(std::strerror(message[1])) + ": " + cwd_text;
  } else {
    result.error = "process setup: " + std::string(std::strerror(message[1]));
  }
  return result;
}

std::optional<uint64_t> process_start_time(pid_t pid) {
  if (pid <= 0) return std::nullopt;
  auto stat = read_proc_stat(std::to_string(pid));
  if (!stat) return std::nullopt;
  return stat->start_time;
}

std::string describe_signal(int signal) {
  const char* abbrev = ::sigabbrev_np(signal);
  std::string name = abbrev ? std::string("SIG") + abbrev : "signal";
  return name + " (" + std::to_string(signal) + ")";
}

std::string RunnerHandle::format() const {
  return "pid:" + std::to_string(pid) + " pgid:" + std::to_string(pgid) +
         " start:" + std::to_string(start_time);
}

std::optional<RunnerHandle> RunnerHandle::parse(const std::string& text) {
  RunnerHandle h;
  long long pid = 0, pgid = 0;
  unsigned long long start = 0;
  int used = 0;
  if (std::sscanf(text.c_str(), "pid:%lld pgid:%lld start:%llu%n", &pid, &pgid, &start, &used) !=
          3 ||
      static_cast<size_t>(used) != text.size() || pid <= 1 || pgid <= 1)
    return std::nullopt;
  h.pid = static_cast<pid_t>(pid);
  h.pgid = static_cast<pid_t>(pgid);
  h.start_time = start;
  return h;
}

bool kill_run_leftovers(const RunnerHandle& handle) {
  if (handle.pgid <= 1 || handle.pid <= 1) return false;
  auto group_has_live_members = [&] {
    bool found = false;
    if (DIR* dir = ::opendir("/proc")) {
      while (dirent* e = ::readdir(dir)) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
        auto stat = read_proc_stat(e->d_name);
        // Members that started before our leader cannot be ours (a guard against a group id
        // that was freed and handed out again).
        if (stat && stat->pgrp == handle.pgid && stat->state != 'Z' &&
            stat->start_time >= handle.start_time) {
          found = true;
          break;
        }
      }
      ::closedir(dir);
    }
    return found;
  };

  if (auto leader = read_proc_stat(std::to_string(handle.pid))) {
    if (leader->start_time != handle.start_time) {
      // The pid now belongs to another process. When it also named our group, the group is
      // gone: the kernel does not hand out a pid that is still in use as a group id.
      if (handle.pgid == handle.pid) return false;
    } else {
      bool alive = leader->state != 'Z';
      if (!alive && !group_has_live_members()) return false;
      if (leader->pgrp == handle.pgid) ::kill(-handle.pgid, SIGKILL);
      ::kill(handle.pid, SIGKILL);
      return true;
    }
  }
  if (!group_has_live_members()) return false;
  ::kill(-handle.pgid, SIGKILL);
  return true;
}

std::string marker_handle(const std::string& trial) {
  return kMarkerPrefix + "SEXTANT_TRIAL=" + trial;
}

bool kill_marked_processes(const std::string& entry) {
  if (entry.empty()) return false;
  const std::string needle = entry + '\0';
  const pid_t self = ::getpid();
  bool found = false;
  DIR* dir = ::opendir("/proc");
  if (!dir) return false;
  while (dirent* e = ::readdir(dir)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 1 || pid == self) continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/environ", std::ios::binary);
    std::string environ_text((std::istreambuf_iterator<char>(in)), {});
    // Entries are NUL-separated; match a whole entry, at the start or after a NUL.
    size_t at = environ_text.find(needle);
    while (at != std::string::npos && at != 0 && environ_text[at - 1] != '\0')
      at = environ_text.find(needle, at + 1);
    if (at == std::string::npos) continue;
    auto stat = read_proc_stat(e->d_name);
    if (!stat || stat->state == 'Z') continue;
    // The group too: descendants that dropped their environment still share it.
    if (stat->pgrp > 1 && stat->pgrp != ::getpgrp()) ::kill(-stat->pgrp, SIGKILL);
    ::kill(pid, SIGKILL);
    found = true;
  }
  ::closedir(dir);
  return found;
}

}  // namespace sextant::trials
