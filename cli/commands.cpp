// Temporary: replaced by the real command set.
#include "cli/commands.hpp"
namespace sextant::cli {
int run_cli(int, char**) { return 0; }
}
