// sextant-ask-tell: runs one engine algorithm in-process, through the real AlgorithmRegistry, for
// the quality/speed bench driver (bench/quality/run.py).
//
//   sextant-ask-tell                 JSON-lines ask/tell session on stdin/stdout
//                                    (protocol: ask_tell_session.hpp)
//   sextant-ask-tell list            prints {"ok":true,"registered":[...],"settings":{...}}
//   sextant-ask-tell time --algorithm tpe --dimensions 6 --completed 1000 [--window 10]
//                    [--warmup 1] [--seed 1] [--setting name=value ...]
//                                    one JSON line of per-suggestion times (suggest_timing.hpp)
// Exit status: 0, or 2 for bad command-line arguments and a failed `time` request.
#include <iostream>
#include <string>

#include <CLI/CLI.hpp>

#include "bench/quality/ask_tell_session.hpp"
#include "bench/quality/suggest_timing.hpp"

namespace {

int serve() {
  sextant::bench::AskTellSession session;
  std::string line;
  while (std::getline(std::cin, line)) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    // One reply per request, flushed: the driver waits for it before sending the next line.
    std::cout << session.handle(line).dump() << std::endl;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sextant-ask-tell: one engine algorithm behind a JSON-lines ask/tell protocol"};
  app.require_subcommand(0, 1);
  auto* list = app.add_subcommand("list", "print the registered algorithm names as JSON");
  auto* time = app.add_subcommand("time", "time suggest() on a prefilled history");
  sextant::bench::TimingRequest request;
  std::vector<std::string> settings;
  time->add_option("--algorithm", request.algorithm, "registered algorithm name")->required();
  time->add_option("--dimensions", request.dimensions, "d: parameters x0..x{d-1} in [0,1]");
  time->add_option("--completed", request.completed, "n: completed trials before the window");
  time->add_option("--window", request.window, "timed consecutive suggestions");
  time->add_option("--warmup", request.warmup, "untimed suggestions before the window");
  time->add_option("--seed", request.seed, "seed of the history and of random_state");
  time->add_option("--setting", settings, "extra algorithm setting name=value");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // --help is a ParseError with status 0
  }

  if (list->parsed()) {
    std::cout << sextant::bench::describe_registry().dump() << std::endl;
    return 0;
  }
  if (time->parsed()) {
    for (const auto& s : settings) {
      const auto eq = s.find('=');
      if (eq == std::string::npos || eq == 0) {
        std::cout << sextant::bench::error_reply("--setting expects name=value, found \"" + s +
                                                 "\"")
                         .dump()
                  << std::endl;
        return 2;
      }
      request.settings.push_back({s.substr(0, eq), s.substr(eq + 1)});
    }
    const auto reply = sextant::bench::time_suggestions(request);
    std::cout << reply.dump() << std::endl;
    return reply.value("ok", false) ? 0 : 2;
  }
  return serve();
}
