// `sextant report name=value ... [--step N]`: a worker pushes metrics to the running engine.
#include <iostream>

#include "cli/commands.hpp"
#include "engine/error.hpp"
#include "trials/report/report_client.hpp"

namespace sextant::cli {

int report_command(const std::vector<std::string>& metrics, long long step) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& m : metrics) {
    auto eq = m.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == m.size())
      throw Error(ErrorCode::kInvalidArgument, "expected name=value, found \"" + m + "\"",
                  "report");
    pairs.emplace_back(m.substr(0, eq), m.substr(eq + 1));
  }
  auto env = trials::read_report_environment();
  std::optional<int64_t> at_step;
  if (step >= 0) at_step = step;
  trials::report_metrics(env.url, env.trial, env.token, pairs, at_step);
  return 0;
}

}  // namespace sextant::cli
