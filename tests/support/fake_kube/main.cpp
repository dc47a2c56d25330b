// fake-kube-apiserver: the tests' fake Kubernetes API server as a program, for kubectl by hand.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "tests/support/fake_kube/fake_kube_api.hpp"

namespace {
volatile std::sig_atomic_t g_stop = 0;
void on_signal(int) {
  g_stop = 1;
}
}  // namespace

int main(int argc, char** argv) {
  sextant::testing::FakeKubeOptions options;
  std::string kubeconfig, ns = "default";
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto next = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::cerr << "fake-kube-apiserver: " << arg << " needs a value\n";
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--port") {
      options.port = static_cast<uint16_t>(std::stoi(next()));
    } else if (arg == "--token") {
      options.tokens = {{next(), "sextant-test"}};
    } else if (arg == "--kubeconfig") {
      kubeconfig = next();
    } else if (arg == "--namespace") {
      ns = next();
    } else if (arg == "--work-dir") {
      options.work_dir = next();
    } else {
      std::cerr << "usage: fake-kube-apiserver [--port N] [--token T] [--kubeconfig FILE]\n"
                   "                           [--namespace NS] [--work-dir DIR]\n"
                   "Serves a fake Kubernetes API on https://127.0.0.1 (Jobs run as local\n"
                   "processes) until interrupted; --kubeconfig writes a kubeconfig for kubectl.\n";
      return arg == "--help" || arg == "-h" ? 0 : 2;
    }
  }
  sextant::testing::FakeKubeApi api(options);
  if (!kubeconfig.empty()) api.write_kubeconfig(kubeconfig, ns);
  std::cout << "listening on " << api.server_url() << std::endl;
  if (!kubeconfig.empty()) std::cout << "export KUBECONFIG=" << kubeconfig << std::endl;
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  return 0;
}
