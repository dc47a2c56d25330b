// Constructs the built-in runners.
#include "trials/builtin.hpp"

#include "trials/local/local_runner.hpp"

namespace sextant::trials {
std::unique_ptr<engine::TrialRunner> make_local_runner() {
  return std::make_unique<LocalRunner>();
}
std::unique_ptr<engine::TrialRunner> make_local_runner(const std::string& report_python_path) {
  LocalRunnerOptions options;
  options.report_python_path = report_python_path;
  return std::make_unique<LocalRunner>(std::move(options));
}
std::unique_ptr<engine::TrialRunner> make_local_runner(LocalRunnerOptions options) {
  return std::make_unique<LocalRunner>(std::move(options));
}
}  // namespace sextant::trials
