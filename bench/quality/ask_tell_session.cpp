// Request dispatch for the ask/tell bridge.
#include "bench/quality/ask_tell_session.hpp"

#include <chrono>
#include <cmath>

#include "engine/error.hpp"

namespace sextant::bench {

using nlohmann::json;

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

json registered_names() {
  return builtin_registry().names();
}

}  // namespace

json error_reply(const std::string& message) {
  return {{"ok", false}, {"error", message}};
}

json AskTellSession::handle(const std::string& line) {
  json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (request.is_discarded()) return error_reply("not a JSON line: " + line.substr(0, 200));
  if (!request.is_object() || !request.contains("op") || !request["op"].is_string())
    return error_reply("expected an object with \"op\": list, setup, ask or tell");
  const std::string op = request["op"];
  try {
    if (op == "list") return describe_registry();
    if (op == "setup") return setup(request);
    if (op == "ask") return ask(request);
    if (op == "tell") return tell(request);
  } catch (const std::exception& e) {
    return error_reply(op + " failed: " + e.what());
  }
  return error_reply("unknown op \"" + op + "\"; expected list, setup, ask or tell");
}

json AskTellSession::setup(const json& request) {
  if (setup_) return error_reply("already set up (one algorithm per bridge process)");
  BridgeSetup made = make_algorithm(request);
  if (!made.algorithm) {
    json reply = error_reply(made.error);
    reply["registered"] = registered_names();
    json problems = json::array();
    for (const auto& p : made.problems)
      problems.push_back({{"path", p.path}, {"message", p.message}});
    reply["problems"] = problems;
    return reply;
  }
  setup_.emplace(std::move(made));
  book_ = std::make_unique<TrialBook>(setup_->spec);
  const auto* factory = builtin_registry().find(setup_->spec.algorithm.algorithm_name);
  return {{"ok", true},
          {"algorithm", setup_->spec.algorithm.algorithm_name},
          {"known_settings", factory->known_settings()}};
}

json AskTellSession::ask(const json& request) {
  if (!setup_) return error_reply("ask before setup");
  const json count_value = request.value("count", json(1));
  if (!count_value.is_number_integer() || count_value.get<int64_t>() < 1 ||
      count_value.get<int64_t>() > 100000)
    return error_reply("count must be an integer in [1, 100000], found " + count_value.dump());
  const int count = count_value.get<int>();

  auto start = std::chrono::steady_clock::now();
  engine::SuggestResult result = setup_->algorithm->suggest(book_->history(), count);
  const double suggest_seconds = seconds_since(start);
  start = std::chrono::steady_clock::now();
  const std::string state = setup_->algorithm->save_state();
  const double state_seconds = seconds_since(start);

  json trials = json::array();
  std::vector<engine::Assignment> assignments;
  for (const auto& s : result.suggestions) assignments.push_back(s.assignment);
  const auto ids = book_->start(std::move(result.suggestions));
  for (size_t i = 0; i < ids.size(); ++i) {
    json pairs = json::array();
    for (const auto& a : assignments[i]) pairs.push_back({a.name, a.value});
    trials.push_back({{"id", ids[i]}, {"assignment", pairs}});
  }
  return {{"ok", true},
          {"trials", trials},
          {"suggest_seconds", suggest_seconds},
          {"state_seconds", state_seconds},
          {"state_bytes", state.size()},
          {"exhausted", result.exhausted}};
}

json AskTellSession::tell(const json& request) {
  if (!setup_) return error_reply("tell before setup");
  if (!request.contains("id") || !request["id"].is_number_integer())
    return error_reply("tell needs an integer \"id\"");
  const int64_t id = request["id"].get<int64_t>();
  if (request.value("failed", false)) {
    book_->fail(id, request.value("message", std::string("failed in the bench objective")));
    return {{"ok", true}};
  }
  if (!request.contains("value") || !request["value"].is_number())
    return error_reply("tell needs a numeric \"value\" or \"failed\": true");
  const double value = request["value"].get<double>();
  if (!std::isfinite(value)) return error_reply("value must be finite");
  book_->succeed(id, value);
  return {{"ok", true}};
}

}  // namespace sextant::bench
