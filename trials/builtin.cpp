// Constructs the built-in runners.
#include "trials/builtin.hpp"

#include "trials/local/local_runner.hpp"

namespace sextant::trials {
std::unique_ptr<engine::TrialRunner> make_local_runner() {
  return std::make_unique<LocalRunner>();
}
std::unique_ptr<engine::TrialRunner> make_local_runner(LocalRunnerOptions options) {
  return std::make_unique<LocalRunner>(std::move(options));
}
}  // namespace sextant::trials
