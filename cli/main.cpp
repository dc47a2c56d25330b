// Entry point of the `sextant` command.
#include <cstring>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
  // The hidden pipeline driver takes its own arguments (it is a trial, not a user command).
  if (argc > 1 && std::strcmp(argv[1], "pipeline-run") == 0)
    return sextant::cli::pipeline_command(argc, argv);
  return sextant::cli::run_cli(argc, argv);
}
