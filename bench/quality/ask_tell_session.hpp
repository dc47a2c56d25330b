// The bridge's line protocol: one JSON request in, one JSON reply out.
//
// Requests (one JSON object per line, "op" selects):
//   {"op":"list"}                      -> {"ok":true,"registered":[names],
//                                          "settings":{name:[known settings]}}
//   {"op":"setup","algorithm":..., "settings":..., "parameters":[Katib entries],
//    "objective":"minimize"}           -> {"ok":true,"algorithm":name,"known_settings":[...]}
//   {"op":"ask","count":k}             -> {"ok":true,"trials":[{"id":n,"assignment":[[name,value],
//                                          ...]}],"suggest_seconds":s,"state_seconds":s,
//                                          "exhausted":bool}
//   {"op":"tell","id":n,"value":v}     -> {"ok":true}   (Succeeded with objective v)
//   {"op":"tell","id":n,"failed":true} -> {"ok":true}   (Failed)
// Every error (bad JSON, unknown op, unknown algorithm, validate() problems, tell of an unknown
// or finished trial) is a reply {"ok":false,"error":message, ...}; the session goes on.
// suggest_seconds is the engine time of Algorithm::suggest(); state_seconds that of
// save_state(), which the controller calls after every suggest.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "bench/quality/bridge_spec.hpp"
#include "bench/quality/trial_book.hpp"

namespace sextant::bench {

class AskTellSession {
 public:
  // One request line -> one reply (never throws).
  nlohmann::json handle(const std::string& line);

 private:
  nlohmann::json setup(const nlohmann::json& request);
  nlohmann::json ask(const nlohmann::json& request);
  nlohmann::json tell(const nlohmann::json& request);

  std::optional<BridgeSetup> setup_;
  std::unique_ptr<TrialBook> book_;
};

// {"ok":false,"error":message}
nlohmann::json error_reply(const std::string& message);

}  // namespace sextant::bench
