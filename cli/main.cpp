// Entry point of the `sextant` command.
#include "cli/commands.hpp"

int main(int argc, char** argv) {
  return sextant::cli::run_cli(argc, argv);
}
