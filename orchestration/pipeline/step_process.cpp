// Spawning one pipeline step: its own process group, stdout and stderr on separate pipes.
#include "orchestration/pipeline/step_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sextant::orchestration {
namespace {

enum Stage : int { kStageChdir = 1, kStageExec = 2, kStageSetup = 3 };

// In the forked child: async-signal-safe calls only (the parent may have other threads).
[[noreturn]] void child(const StepSpawn& spec, char* const* argv, char* const* envp, int devnull,
                        int err_pipe, pid_t parent, const char* cwd) {
  auto fail = [&](int stage) {
    int message[2] = {stage, errno};
    ssize_t ignored = ::write(err_pipe, message, sizeof message);
    (void)ignored;
    ::_exit(127);
  };
  if (::setpgid(0, 0) != 0) fail(kStageSetup);
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) fail(kStageSetup);
  if (::getppid() != parent) ::_exit(127);  // the parent died before prctl
  struct sigaction dfl;
  std::memset(&dfl, 0, sizeof dfl);
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig)
    if (sig != SIGKILL && sig != SIGSTOP) ::sigaction(sig, &dfl, nullptr);  // 32/33 refuse
  if (::dup2(devnull, 0) < 0 || ::dup2(spec.out_fd, 1) < 0 || ::dup2(spec.err_fd, 2) < 0)
    fail(kStageSetup);
  if (cwd && ::chdir(cwd) != 0) fail(kStageChdir);
  ::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  ::execve(spec.exec_path.c_str(), argv, envp);
  fail(kStageExec);
  ::_exit(127);
}

}  // namespace

trials::SpawnResult spawn_step(const StepSpawn& spec) {
  trials::SpawnResult result;
  if (spec.argv.empty()) {
    result.error = "exec: empty command";
    return result;
  }
  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  std::string cwd = spec.cwd.string();
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
  const pid_t parent = ::getpid();
  // Signals stay blocked across fork so that no handler of ours runs in the child.
  sigset_t all, old;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &old);
  pid_t pid = ::fork();
  if (pid == 0)
    child(spec, argv.data(), envp.data(), devnull, err_pipe[1], parent,
          cwd.empty() ? nullptr : cwd.c_str());
  const int fork_errno = errno;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  ::close(err_pipe[1]);
  ::close(devnull);
  if (pid < 0) {
    ::close(err_pipe[0]);
    result.error = std::string("fork: ") + std::strerror(fork_errno);
    return result;
  }
  int message[2] = {0, 0};
  ssize_t got;
  do {
    got = ::read(err_pipe[0], message, sizeof message);
  } while (got < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (got == 0) {  // the CLOEXEC pipe closed at a successful exec
    result.pid = pid;
    return result;
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (got != static_cast<ssize_t>(sizeof message))
    result.error = "exec: the child failed before exec";
  else if (message[0] == kStageExec)
    result.error = message[1] == ENOENT
                       ? "exec: no such file: " + spec.exec_path
                       : "exec: " + std::string(std::strerror(message[1])) + ": " + spec.exec_path;
  else if (message[0] == kStageChdir)
    result.error = "chdir: " + std::string(std::strerror(message[1])) + ": " + cwd;
  else
    result.error = "process setup: " + std::string(std::strerror(message[1]));
  return result;
}

}  // namespace sextant::orchestration
