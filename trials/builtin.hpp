// The built-in trial runners, constructed explicitly by the CLI.
#pragma once

#include <memory>
#include <string>

#include "engine/ports/trial_runner.hpp"
#include "trials/local/launch_plan.hpp"

namespace sextant::trials {
// Runs a trial template's primary container command as a local host process.
std::unique_ptr<engine::TrialRunner> make_local_runner();
// Same, with `report_python_path` prepended to each trial's PYTHONPATH ("" = left alone).
std::unique_ptr<engine::TrialRunner> make_local_runner(const std::string& report_python_path);
// Same, with options (PYTHONPATH for the worker-side report module, kill grace, poll interval).
std::unique_ptr<engine::TrialRunner> make_local_runner(LocalRunnerOptions options);
}  // namespace sextant::trials
