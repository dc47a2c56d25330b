// kubeconfig exec credential plugins: run the command, read the ExecCredential it prints.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "orchestration/kubernetes/kube_config.hpp"

namespace sextant::orchestration {

struct ExecCredential {
  std::string token;
  std::optional<double> expires_at;  // unix seconds (status.expirationTimestamp), none = never
};

// Runs the plugin without a shell (PATH lookup for a bare name), with the caller's environment
// plus the plugin's env and KUBERNETES_EXEC_INFO, and parses status.token and
// status.expirationTimestamp from its stdout. Throws Error(kInvalidArgument) when it cannot be
// started, exits non-zero (its stderr quoted), prints no ExecCredential with a token, or gives
// client certificates only (not supported); Error(kUnavailable) when it outlives `timeout`
// (it is killed).
ExecCredential run_exec_plugin(const ExecCredentialPlugin& plugin,
                               std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace sextant::orchestration
