// The `sextant pipeline-run` driver: one local trial process that runs a whole pipeline.
#pragma once

#include <string>
#include <vector>

namespace sextant::orchestration {

// Runs the pipeline in a rendered trial object, as the local runner's trial process.
// args (after the subcommand name):
//   FILE [--primary-container NAME] [--primary-label KEY=VALUE]... [--code-dir DIR]
//   [--grace SECONDS]
// FILE is the object as JSON (the local runner writes <trial_dir>/pipeline.json); step logs
// and files go beside it, under steps/. The primary steps' output is copied to stdout line by
// line (the StdOut collector parses it there); progress goes to stderr as "pipeline: ..."
// lines. SIGTERM, SIGINT and SIGHUP stop the running steps (SIGTERM, then SIGKILL after the
// grace, default 3 s).
// Returns 0 when every step succeeded; 2 for usage errors and a pipeline that cannot be read
// (the error, with its field path, is the last line on stderr); 1 when a step failed, after
// printing `step "NAME" failed: exited with status 3; last line: ...` as the last line on
// stderr; 128+signal when stopped.
int run_pipeline_driver(const std::vector<std::string>& args);

}  // namespace sextant::orchestration
