// `sextant report name=value ... [--step N]`: a worker pushes metrics to the running engine.
#include "cli/commands.hpp"
#include "trials/report/report_client.hpp"

namespace sextant::cli {

int report_command(const std::vector<std::string>& metrics, long long step) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& m : metrics) pairs.push_back(trials::parse_metric_argument(m));
  auto env = trials::read_report_environment();
  std::optional<int64_t> at_step;
  if (step >= 0) at_step = step;
  trials::report_metrics(env.url, env.trial, env.token, pairs, at_step);
  return 0;
}

}  // namespace sextant::cli
