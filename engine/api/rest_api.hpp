// The dashboard's read-only REST API (/api/v1/...): experiments, trials, observations, importance,
// events, logs, rendered trial objects and the model registry, as JSON, from the SQLite store.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/api/router.hpp"
#include "engine/model/trial.hpp"
#include "engine/spec/experiment_spec.hpp"

namespace sextant::engine {

class Store;

// The object a trial runs as (Job, Workflow, ...). Only the CLI knows the runners, so it passes
// one in; without it the /object route answers 404 saying so.
using TrialObjectRenderer = std::function<nlohmann::json(const ExperimentSpec&, const Trial&)>;

// Filter of the importance route: which trials count, and the top share PED-ANOVA looks inside.
struct ImportanceRegion {
  std::vector<std::string> states = {"Succeeded", "EarlyStopped"};
  double top_percent = 100;  // (0, 100]
};

// Contract:
// - Read-only: opens its own read-only connection to `db_path` (WAL lets it read while the
//   engine writes; it never blocks the engine and never writes). Throws Error(kNotFound) when
//   the file does not exist.
// - Thread-safe: the server calls the routes from several threads; each request reads through
//   one of kConnections read-only connections (waiting for a free one), so the page's parallel
//   requests run at once.
// - Every route answers JSON (the log route: text/plain); unknown experiments and trials give
//   404 with the engine's error body, bad query values 400 naming the parameter. The routes
//   and shapes are documented in dashboard/README.md.
// - Incremental: trials and observations pages are by trial sequence (`after`, `limit`), so a
//   live page fetches only trials after the last run of completed ones.
class RestApi {
 public:
  explicit RestApi(const std::filesystem::path& db_path, TrialObjectRenderer renderer = {});
  ~RestApi();
  RestApi(const RestApi&) = delete;
  RestApi& operator=(const RestApi&) = delete;

  // Adds every GET route under /api/v1. This object must outlive the router.
  void add_routes(Router& router);

  // The data the routes answer, for the HTML report and tests.
  nlohmann::json experiments() const;
  nlohmann::json experiment(const std::string& name) const;
  // The two large answers are written as JSON text directly (the routes send these); the
  // nlohmann forms parse that text.
  std::string trials_page_text(const std::string& name, int64_t after, int64_t limit) const;
  std::string observations_page_text(const std::string& name, int64_t after, int64_t limit,
                                     const std::string& metric) const;
  nlohmann::json trials_page(const std::string& name, int64_t after, int64_t limit) const;
  nlohmann::json observations_page(const std::string& name, int64_t after, int64_t limit,
                                   const std::string& metric) const;
  nlohmann::json importance(const std::string& name, const ImportanceRegion& region) const;
  nlohmann::json experiment_events(const std::string& name, int64_t after_id) const;
  nlohmann::json trial(const std::string& name) const;
  nlohmann::json trial_observations(const std::string& name) const;
  nlohmann::json trial_events(const std::string& name) const;
  std::string trial_log_tail(const std::string& name, int64_t max_bytes) const;
  nlohmann::json trial_object(const std::string& name) const;
  nlohmann::json models() const;

  static constexpr int64_t kDefaultPageLimit = 10000;
  static constexpr int64_t kMaxPageLimit = 100000;
  static constexpr int64_t kDefaultLogTailBytes = 64 * 1024;
  // Read-only connections: the page's parallel requests (trials and curves) run at once.
  static constexpr size_t kConnections = 3;

 private:
  class Lease;  // one connection, held for one request

  std::vector<std::unique_ptr<Store>> stores_;
  mutable std::vector<Store*> free_;
  mutable std::mutex mutex_;
  mutable std::condition_variable available_;
  TrialObjectRenderer renderer_;
};

}  // namespace sextant::engine
