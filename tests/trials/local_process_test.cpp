// Process identity, runner handles, and reaping what a previous engine left behind.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "engine/error.hpp"
#include "tests/trials/runner_fixture.hpp"
#include "trials/local/local_runner.hpp"
#include "trials/local/process.hpp"

using namespace sextant::testing;
using sextant::trials::describe_signal;
using sextant::trials::LocalRunner;
using sextant::trials::process_start_time;
using sextant::trials::RunnerHandle;

namespace {

// A child in its own process group running `sleep 30` (or forking one and exiting).
pid_t spawn_group(bool leader_exits, pid_t* grandchild) {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    ::setpgid(0, 0);
    if (leader_exits) {
      pid_t g = ::fork();
      if (g == 0) {
        ::execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
        ::_exit(127);
      }
      ssize_t ignored = ::write(fds[1], &g, sizeof g);
      (void)ignored;
      ::_exit(0);
    }
    ::execl("/bin/sleep", "sleep", "30", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  if (leader_exits && grandchild) {
    REQUIRE(::read(fds[0], grandchild, sizeof *grandchild) == sizeof *grandchild);
  }
  ::close(fds[0]);
  ::setpgid(pid, pid);
  return pid;
}

}  // namespace

TEST_CASE("process: handles format and parse", "[trials][local]") {
  RunnerHandle h{1234, 1234, 987654};
  CHECK(h.format() == "pid:1234 pgid:1234 start:987654");
  auto parsed = RunnerHandle::parse(h.format());
  REQUIRE(parsed);
  CHECK(parsed->pid == 1234);
  CHECK(parsed->start_time == 987654);
  CHECK_FALSE(RunnerHandle::parse("pid:12"));
  CHECK_FALSE(RunnerHandle::parse("pid:1 pgid:1 start:5"));  // init is never ours
  CHECK_FALSE(RunnerHandle::parse("pid:12 pgid:12 start:5 extra"));
  CHECK(describe_signal(SIGKILL) == "SIGKILL (9)");
  CHECK(describe_signal(SIGTERM) == "SIGTERM (15)");
}

TEST_CASE("process: reap_orphan kills a live group it started", "[trials][local]") {
  pid_t pid = spawn_group(false, nullptr);
  auto start = process_start_time(pid);
  REQUIRE(start);
  LocalRunner runner;
  CHECK(runner.reap_orphan("t", RunnerHandle{pid, pid, *start}.format()));
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGKILL);
}

TEST_CASE("process: reap_orphan kills the members left when the leader is gone",
          "[trials][local]") {
  pid_t grandchild = 0;
  pid_t pid = spawn_group(true, &grandchild);
  // The leader's start time, read before it is reaped (it may already be a zombie).
  auto start = process_start_time(pid);
  REQUIRE(start);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE_FALSE(wait_process_gone(grandchild, std::chrono::milliseconds(0)));
  LocalRunner runner;
  CHECK(runner.reap_orphan("t", RunnerHandle{pid, pid, *start}.format()));
  CHECK(wait_process_gone(grandchild));
  // Nothing left: a second reap finds nothing.
  CHECK_FALSE(runner.reap_orphan("t", RunnerHandle{pid, pid, *start}.format()));
}

TEST_CASE("process: reap_orphan never touches an unrelated process", "[trials][local]") {
  LocalRunner runner;
  // Our own pid with another start time: a reused pid. We must survive this call.
  auto self_start = process_start_time(::getpid());
  REQUIRE(self_start);
  CHECK_FALSE(
      runner.reap_orphan("t", RunnerHandle{::getpid(), ::getpid(), *self_start + 1}.format()));

  // A live process whose start time does not match is left alone.
  pid_t pid = spawn_group(false, nullptr);
  auto start = process_start_time(pid);
  REQUIRE(start);
  CHECK_FALSE(runner.reap_orphan("t", RunnerHandle{pid, pid, *start - 1}.format()));
  CHECK_FALSE(wait_process_gone(pid, std::chrono::milliseconds(0)));
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);

  // A stale handle of a process that is gone.
  CHECK_FALSE(runner.reap_orphan("t", RunnerHandle{pid, pid, *start}.format()));
  CHECK_FALSE(runner.reap_orphan("t", ""));
  CHECK_THROWS_AS(runner.reap_orphan("t", "job/default/t"), sextant::Error);
}

TEST_CASE("process: a run is found and killed by the trial entry in its environment",
          "[trials][local]") {
  // A detached group whose leader and member carry the trial's entry, like a trial left
  // behind by an engine that died before it recorded the pid.
  std::string entry = "SEXTANT_TRIAL=reap-by-env-" + std::to_string(::getpid());
  pid_t leader = ::fork();
  if (leader == 0) {
    ::setpgid(0, 0);
    std::string env = entry;
    char* envp[] = {env.data(), nullptr};
    char* argv[] = {const_cast<char*>("/bin/sh"), const_cast<char*>("-c"),
                    const_cast<char*>("sleep 30 & sleep 30"), nullptr};
    ::execve("/bin/sh", argv, envp);
    ::_exit(127);
  }
  REQUIRE(leader > 0);
  ::setpgid(leader, leader);
  // Wait until the shell runs (its environment is readable) before reaping.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (process_start_time(leader) && std::chrono::steady_clock::now() < until) {
    std::ifstream in("/proc/" + std::to_string(leader) + "/environ", std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), {});
    if (text.find(entry) != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CHECK(sextant::trials::kill_marked_processes(entry));
  int status = 0;
  REQUIRE(::waitpid(leader, &status, 0) == leader);
  CHECK(WIFSIGNALED(status));
  // Nothing left once SIGKILL has landed everywhere (delivery is asynchronous).
  bool left = true;
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
       left && std::chrono::steady_clock::now() < until;)
    if ((left = sextant::trials::kill_marked_processes(entry)))
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK_FALSE(left);
  CHECK_FALSE(sextant::trials::kill_marked_processes("SEXTANT_TRIAL=no-such-trial-anywhere"));
}
