// Spawning one pipeline step: its own process group, stdout and stderr on separate pipes.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "trials/local/process.hpp"

namespace sextant::orchestration {

struct StepSpawn {
  std::string exec_path;          // resolved program
  std::vector<std::string> argv;  // argv[0] as written
  std::vector<std::string> env;   // "NAME=value", the whole environment
  std::filesystem::path cwd;      // "" = inherit
  int out_fd = -1;                // the child's stdout (above 2)
  int err_fd = -1;                // the child's stderr (above 2)
};

// Like trials::spawn_process, but with stdout and stderr apart (Argo's outputs.result is the
// step's stdout alone): new process group, SIGKILL when the calling thread dies
// (PR_SET_PDEATHSIG), default signal dispositions and an empty mask, stdin from /dev/null,
// every other descriptor closed at exec. Returns after the exec succeeded or failed; exec and
// chdir failures come back as SpawnResult::error.
trials::SpawnResult spawn_step(const StepSpawn& spec);

}  // namespace sextant::orchestration
