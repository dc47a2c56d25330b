// Exec credential plugins through posix_spawnp, with stdout and stderr read under a deadline.
#include "orchestration/kubernetes/exec_credential.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "engine/util/rfc3339.hpp"

extern char** environ;

namespace sextant::orchestration {
namespace {

using Clock = std::chrono::steady_clock;

std::string describe(const ExecCredentialPlugin& plugin) {
  return "kubeconfig exec plugin \"" + plugin.command + "\"";
}

}  // namespace

ExecCredential run_exec_plugin(const ExecCredentialPlugin& plugin,
                               std::chrono::milliseconds timeout) {
  std::string api_version =
      plugin.api_version.empty() ? "client.authentication.k8s.io/v1" : plugin.api_version;
  std::vector<std::string> env;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    if (plugin.env.count(name) || name == "KUBERNETES_EXEC_INFO") continue;
    env.push_back(entry);
  }
  for (const auto& [name, value] : plugin.env) env.push_back(name + "=" + value);
  env.push_back(R"(KUBERNETES_EXEC_INFO={"kind":"ExecCredential","apiVersion":")" + api_version +
                R"(","spec":{"interactive":false}})");
  std::vector<std::string> args{plugin.command};
  args.insert(args.end(), plugin.args.begin(), plugin.args.end());
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);

  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) != 0)
    throw Error(ErrorCode::kInternal, "pipe: " + std::string(strerror(errno)));
  if (pipe2(err, O_CLOEXEC) != 0) {
    close(out[0]);
    close(out[1]);
    throw Error(ErrorCode::kInternal, "pipe: " + std::string(strerror(errno)));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, plugin.command.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(out[1]);
  close(err[1]);
  if (rc != 0) {
    close(out[0]);
    close(err[0]);
    throw Error(ErrorCode::kInvalidArgument,
                describe(plugin) + " cannot be started: " + strerror(rc));
  }

  std::string stdout_text, stderr_text;
  auto deadline = Clock::now() + timeout;
  bool timed_out = false;
  pollfd fds[2] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}};
  int open_fds = 2;
  while (open_fds > 0) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    int n = poll(fds, 2, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      char buffer[4096];
      ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0) {
        (i == 0 ? stdout_text : stderr_text).append(buffer, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
  for (auto& f : fds)
    if (f.fd >= 0) close(f.fd);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    throw Error(ErrorCode::kUnavailable, describe(plugin) + " did not finish within " +
                                             std::to_string(timeout.count() / 1000) + "s");
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string how = WIFEXITED(status)
                          ? "exited with status " + std::to_string(WEXITSTATUS(status))
                          : "was killed by signal " + std::to_string(WTERMSIG(status));
    while (!stderr_text.empty() && std::isspace(static_cast<unsigned char>(stderr_text.back())))
      stderr_text.pop_back();
    throw Error(ErrorCode::kInvalidArgument,
                describe(plugin) + " " + how + (stderr_text.empty() ? "" : ": " + stderr_text));
  }
  nlohmann::json credential = nlohmann::json::parse(stdout_text, nullptr, false);
  if (!credential.is_object() || credential.value("kind", "") != "ExecCredential" ||
      !credential.contains("status") || !credential["status"].is_object()) {
    throw Error(ErrorCode::kInvalidArgument, describe(plugin) +
                                                 " did not print an ExecCredential object (got \"" +
                                                 stdout_text.substr(0, 200) + "\")");
  }
  const auto& status_object = credential["status"];
  ExecCredential result;
  result.token = status_object.value("token", "");
  if (result.token.empty()) {
    if (status_object.contains("clientCertificateData"))
      throw Error(
          ErrorCode::kInvalidArgument,
          describe(plugin) + " gives client certificates; only token credentials are supported");
    throw Error(ErrorCode::kInvalidArgument, describe(plugin) + " printed no status.token");
  }
  std::string expiry = status_object.value("expirationTimestamp", "");
  if (!expiry.empty()) {
    result.expires_at = engine::parse_rfc3339(expiry);
    if (!result.expires_at)
      throw Error(ErrorCode::kInvalidArgument, describe(plugin) +
                                                   ": status.expirationTimestamp \"" + expiry +
                                                   "\" is not an RFC 3339 time");
  }
  return result;
}

}  // namespace sextant::orchestration
