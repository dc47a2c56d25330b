// Shared by the replay benches (early_stopping, nas): the machine line of a report, and the
// Job trial template of the in-process specs the replays parse.
#pragma once

#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace sextant::bench {

// "nproc 2, AMD EPYC ...": what a report says it ran on.
inline std::string machine_description() {
  std::string model = "unknown CPU";
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("model name", 0) == 0) {
      auto colon = line.find(':');
      if (colon != std::string::npos) {
        model = line.substr(line.find_first_not_of(" \t", colon + 1));
        break;
      }
    }
  return "nproc " + std::to_string(std::thread::hardware_concurrency()) + ", " + model;
}

// spec.trialTemplate for a replay: a batch/v1 Job whose container "training" runs `command`
// (never started: the replay looks results up in its table).
inline nlohmann::json replay_trial_template(const nlohmann::json& trial_parameters,
                                            const nlohmann::json& command) {
  nlohmann::json container = {{"name", "training"}, {"image", "python:3"}, {"command", command}};
  return {{"primaryContainerName", "training"},
          {"trialParameters", trial_parameters},
          {"trialSpec",
           {{"apiVersion", "batch/v1"},
            {"kind", "Job"},
            {"spec",
             {{"template",
               {{"spec",
                 {{"containers", nlohmann::json::array({container})},
                  {"restartPolicy", "Never"}}}}}}}}}};
}

}  // namespace sextant::bench
