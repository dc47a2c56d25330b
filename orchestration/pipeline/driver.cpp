// The `sextant pipeline-run` driver: one local trial process that runs a whole pipeline.
#include "orchestration/pipeline/driver.hpp"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "engine/error.hpp"
#include "orchestration/pipeline/executor.hpp"
#include "orchestration/pipeline/pipeline.hpp"

namespace sextant::orchestration {
namespace {

void say(const std::string& line) {
  std::string text = "pipeline: " + line + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;
}

void last_words(const std::string& line) {
  std::string text = line + "\n";
  ssize_t ignored = ::write(STDERR_FILENO, text.data(), text.size());
  (void)ignored;
}

}  // namespace

int run_pipeline_driver(const std::vector<std::string>& args) {
  std::string file;
  PrimarySelector primary;
  PipelineRunOptions options;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= args.size()) throw Error(ErrorCode::kInvalidArgument, a + " needs a value");
      return args[++i];
    };
    try {
      if (a == "--primary-container") {
        primary.container_name = value();
      } else if (a == "--primary-label") {
        std::string kv = value();
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0)
          throw Error(ErrorCode::kInvalidArgument,
                      "--primary-label " + kv + ": expected KEY=VALUE");
        primary.pod_labels[kv.substr(0, eq)] = kv.substr(eq + 1);
      } else if (a == "--code-dir") {
        options.code_dir = value();
      } else if (a == "--grace") {
        options.kill_grace =
            std::chrono::milliseconds(static_cast<long>(std::stod(value()) * 1000));
      } else if (!a.empty() && a[0] == '-') {
        throw Error(ErrorCode::kInvalidArgument, "unknown option " + a);
      } else if (file.empty()) {
        file = a;
      } else {
        throw Error(ErrorCode::kInvalidArgument, "one pipeline file only, found " + a);
      }
    } catch (const std::exception& e) {
      last_words(std::string("error: pipeline-run: ") + e.what());
      return 2;
    }
  }
  if (file.empty()) {
    last_words(
        "error: pipeline-run: usage: pipeline-run FILE [--primary-container NAME] "
        "[--primary-label KEY=VALUE]... [--code-dir DIR] [--grace SECONDS]");
    return 2;
  }

  Pipeline pipeline;
  try {
    std::ifstream in(file);
    if (!in) throw Error(ErrorCode::kNotFound, "cannot read " + file);
    nlohmann::json object = nlohmann::json::parse(in);
    pipeline = read_pipeline(object, primary);
  } catch (const Error& e) {
    last_words(std::string("error: ") + e.what());
    return 2;
  } catch (const std::exception& e) {
    last_words("error: " + file + ": " + e.what());
    return 2;
  }
  std::filesystem::path run_dir = std::filesystem::absolute(file).lexically_normal().parent_path();
  options.run_dir = run_dir;
  options.primary_output_fd = STDOUT_FILENO;
  options.on_event = [](const std::string& text) { say(text); };

  // Stop signals are taken by a thread that asks the executor to stop; the steps get default
  // dispositions and an empty mask when they start.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int s : {SIGTERM, SIGINT, SIGHUP}) sigaddset(&stop_signals, s);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::stop_source stop;
  options.stop = stop.get_token();
  std::atomic<bool> done{false};
  std::atomic<int> received{0};
  std::thread watcher([&] {
    timespec tick{0, 100 * 1000 * 1000};
    while (!done.load()) {
      int sig = ::sigtimedwait(&stop_signals, nullptr, &tick);
      if (sig > 0) {
        received = sig;
        stop.request_stop();
      }
    }
  });

  std::string steps;
  for (const auto& s : pipeline.steps) steps += (steps.empty() ? "" : ", ") + s.name;
  say(pipeline.kind + " " + pipeline.name + ": " + std::to_string(pipeline.steps.size()) +
      " steps (" + steps + ")");
  PipelineResult result;
  try {
    result = run_pipeline(pipeline, options);
  } catch (const std::exception& e) {
    done = true;
    watcher.join();
    last_words(std::string("error: ") + e.what());
    return 1;
  }
  done = true;
  watcher.join();
  if (result.succeeded) {
    say("all " + std::to_string(result.steps.size()) + " steps succeeded");
    return 0;
  }
  if (received.load() != 0) {
    last_words("pipeline stopped by signal; " + result.message);
    return 128 + received.load();
  }
  last_words(result.message);  // the last line: the local runner quotes it in the trial's message
  return 1;
}

}  // namespace sextant::orchestration
