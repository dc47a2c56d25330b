// Shared helpers for tests against the fake API server: connections, Job manifests, waiting.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "orchestration/kubernetes/kube_client.hpp"
#include "tests/support/fake_kube/fake_kube_api.hpp"

namespace sextant::testing {

inline orchestration::ClusterConnection connection_to(const FakeKubeApi& api,
                                                      const std::string& ns = "default") {
  orchestration::ClusterConnection c;
  c.context = "fake";
  c.server = api.server_url();
  c.ca_pem = api.ca_pem();
  c.token = api.token();
  c.namespace_name = ns;
  return c;
}

// Short backoffs so retry tests take milliseconds, not seconds.
inline orchestration::KubeClientOptions fast_options(int max_retries = 5) {
  orchestration::KubeClientOptions o;
  o.max_retries = max_retries;
  o.initial_backoff = std::chrono::milliseconds(20);
  o.max_backoff = std::chrono::milliseconds(200);
  o.request_timeout = std::chrono::milliseconds(5000);
  o.connect_timeout = std::chrono::milliseconds(1000);
  return o;
}

inline nlohmann::json job_manifest(const std::string& name, const std::vector<std::string>& command,
                                   const std::string& image = "busybox:1.36",
                                   nlohmann::json labels = {{"experiment", "x"}}) {
  return {
      {"apiVersion", "batch/v1"},
      {"kind", "Job"},
      {"metadata", {{"name", name}, {"labels", labels}}},
      {"spec",
       {{"backoffLimit", 0},
        {"template",
         {{"metadata", {{"labels", labels}}},
          {"spec",
           {{"restartPolicy", "Never"},
            {"containers", {{{"name", "train"}, {"image", image}, {"command", command}}}}}}}}}}};
}

// Polls `done` every 20 ms for up to `timeout`; true when it held.
inline bool eventually(const std::function<bool()>& done,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// The condition of `type` in object.status.conditions, or null.
inline nlohmann::json condition_of(const nlohmann::json& object, const std::string& type) {
  if (!object.contains("status") || !object["status"].contains("conditions")) return nullptr;
  for (const auto& c : object["status"]["conditions"])
    if (c.value("type", "") == type) return c;
  return nullptr;
}

}  // namespace sextant::testing
