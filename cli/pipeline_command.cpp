// `sextant pipeline-run`: the hidden subcommand a local pipeline trial runs as (see driver.hpp).
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "orchestration/pipeline/driver.hpp"

namespace sextant::cli {

int pipeline_command(int argc, char** argv) {
  std::vector<std::string> args(argv + 2, argv + argc);
  return orchestration::run_pipeline_driver(args);
}

}  // namespace sextant::cli
