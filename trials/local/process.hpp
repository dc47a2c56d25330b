// Host processes for local trials: spawning into a new process group, identity, signals.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace sextant::trials {

struct SpawnSpec {
  std::string exec_path;          // what execve() runs (already resolved)
  std::vector<std::string> argv;  // argv[0] as the template wrote it
  std::vector<std::string> env;   // "NAME=value", the whole environment
  std::filesystem::path cwd;      // "" = inherit
  int output_fd = -1;             // becomes the child's stdout (and stderr, unless error_fd)
  int error_fd = -1;              // becomes the child's stderr when set (a pipeline step's
                                  // stdout alone is Argo's outputs.result)
};

struct SpawnResult {
  pid_t pid = -1;     // > 0 when exec succeeded
  std::string error;  // otherwise: "exec: no such file: /x/train", "chdir: ...", "fork: ..."
};

// fork + execve, as a vfork-style clone (the child shares the parent's memory until exec
// rather than copying its page tables; the calling thread waits for the exec). The child: own
// process group (setpgid), SIGKILL when the calling thread dies (PR_SET_PDEATHSIG; call this
// from a long-lived thread), default signal dispositions and an empty signal mask, stdin from
// /dev/null, stdout and stderr to output_fd (stderr to error_fd when set), every other
// descriptor closed at exec. Exec failures travel back through a CLOEXEC pipe, so this returns
// only after the child has exec'd (or failed to, and has been reaped). output_fd and error_fd
// must be above 2.
SpawnResult spawn_process(const SpawnSpec& spec);

// Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); it tells a process
// apart from a later one that reuses its pid. nullopt when there is no such process.
std::optional<uint64_t> process_start_time(pid_t pid);

// "SIGKILL (9)".
std::string describe_signal(int signal);

// What start() returns and reap_orphan() receives: "pid:<pid> pgid:<pgid> start:<ticks>".
struct RunnerHandle {
  pid_t pid = 0;
  pid_t pgid = 0;
  uint64_t start_time = 0;

  std::string format() const;
  // nullopt for text that is not a handle.
  static std::optional<RunnerHandle> parse(const std::string& text);
};

// Kills (SIGKILL) what is left of a run described by `handle`, never touching an unrelated
// process: the leader counts only with the same start time; without a leader, only members
// of the group that started no earlier than it. Returns true when something was killed.
bool kill_run_leftovers(const RunnerHandle& handle);

// The handle start() returns: "env:SEXTANT_TRIAL=<trial>". Every process of a local trial
// carries that entry in its environment (children inherit it), so after a restart the run is
// found by scanning /proc, even when the engine died before it learned the pid.
inline const std::string kMarkerPrefix = "env:";
std::string marker_handle(const std::string& trial);

// Kills (SIGKILL) the process groups of every process whose initial environment holds
// `entry` ("SEXTANT_TRIAL=<trial>"), and those processes. Returns true when one was found.
bool kill_marked_processes(const std::string& entry);

}  // namespace sextant::trials
