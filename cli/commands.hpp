// The `sextant` command line: parses flags and wires the engine with the built-ins.
#pragma once

namespace sextant::cli {
int run_cli(int argc, char** argv);
}
