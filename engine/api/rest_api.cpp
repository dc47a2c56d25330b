// The dashboard's REST API: queries the store read-only and answers the shapes of
// dashboard_json.hpp.
#include "engine/api/rest_api.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>

#include "engine/analysis/ped_anova.hpp"
#include "engine/api/dashboard_json.hpp"
#include "engine/api/json_text.hpp"
#include "engine/controller/experiment_status.hpp"
#include "engine/controller/metrics_summary.hpp"
#include "engine/error.hpp"
#include "engine/spec/spec_loader.hpp"
#include "engine/store/store.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::engine {

using nlohmann::json;

class RestApi::Lease {
 public:
  explicit Lease(const RestApi& api) : api_(api) {
    std::unique_lock lock(api_.mutex_);
    api_.available_.wait(lock, [&] { return !api_.free_.empty(); });
    store_ = api_.free_.back();
    api_.free_.pop_back();
  }
  ~Lease() {
    {
      std::lock_guard lock(api_.mutex_);
      api_.free_.push_back(store_);
    }
    api_.available_.notify_one();
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Store* operator->() const { return store_; }
  Store& operator*() const { return *store_; }

 private:
  const RestApi& api_;
  Store* store_ = nullptr;
};

namespace {

struct Loaded {
  ExperimentRecord record;
  ExperimentSpec spec;
  ExperimentStatus status;
};

Loaded load_experiment(const Store& store, const std::string& name) {
  auto record = store.find_experiment(name);
  if (!record)
    throw Error(ErrorCode::kNotFound,
                "experiment \"" + name + "\" not found in " + store.path().string());
  return {*record, spec_from_document(record->spec, record->source_file, record->code_dir),
          ExperimentStatus::from_json(record->status)};
}

Trial load_trial(const Store& store, const std::string& name) {
  auto trial = store.find_trial(name);
  if (!trial)
    throw Error(ErrorCode::kNotFound,
                "trial \"" + name + "\" not found in " + store.path().string());
  return *trial;
}

// The values of an assignment (stored JSON) in the order of `names`, "" where missing.
std::vector<std::string> assignment_values(const std::string& assignment_json,
                                           const std::vector<std::string>& names) {
  std::vector<std::string> values(names.size());
  auto parsed = json::parse(assignment_json, nullptr, false);
  if (!parsed.is_array()) return values;
  for (const auto& p : parsed) {
    if (!p.is_object()) continue;
    auto name = p.value("name", "");
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == name) values[i] = p.value("value", "");
  }
  return values;
}

// Query string values, percent-decoded ('+' is a space, as forms send it).
std::map<std::string, std::string> parse_query(const std::string& query) {
  std::map<std::string, std::string> out;
  size_t begin = 0;
  while (begin <= query.size()) {
    size_t end = query.find('&', begin);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(begin, end - begin);
    if (!pair.empty()) {
      std::replace(pair.begin(), pair.end(), '+', ' ');
      size_t eq = pair.find('=');
      std::string key = percent_decode(pair.substr(0, eq));
      out[key] = eq == std::string::npos ? "" : percent_decode(pair.substr(eq + 1));
    }
    begin = end + 1;
  }
  return out;
}

int64_t query_int(const std::map<std::string, std::string>& q, const std::string& key,
                  int64_t fallback, int64_t min, int64_t max) {
  auto it = q.find(key);
  if (it == q.end() || it->second.empty()) return fallback;
  auto value = parse_whole_number(it->second);
  if (!value || *value < min || *value > max)
    throw Error(ErrorCode::kInvalidArgument,
                "query parameter " + key + ": expected a whole number from " + std::to_string(min) +
                    " to " + std::to_string(max) + ", found \"" + it->second + "\"",
                key);
  return *value;
}

std::string query_text(const std::map<std::string, std::string>& q, const std::string& key) {
  auto it = q.find(key);
  return it == q.end() ? "" : it->second;
}

HttpResponse text_response(std::string json_text) {
  HttpResponse r;
  r.body = std::move(json_text);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

HttpResponse json_response(const json& body) {
  HttpResponse r;
  r.body = body.dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers["Cache-Control"] = "no-store";
  return r;
}

std::vector<std::string> parameter_names(const ExperimentSpec& spec) {
  std::vector<std::string> names;
  for (const auto& p : spec.parameters.parameters) names.push_back(p.name);
  return names;
}

// Points grouped per (trial, metric) as JSON text: the series array's elements.
class SeriesWriter {
 public:
  explicit SeriesWriter(std::string& out) : out_(out) {}
  void add(const Store::ObservationRow& row) {
    if (!open_ || row.sequence != sequence_ || row.metric != metric_) {
      close();
      out_ += first_ ? "{\"trial\":" : ",{\"trial\":";
      first_ = false;
      append_json_string(out_, row.trial);
      out_ += ",\"seq\":";
      append_json_number(out_, row.sequence);
      out_ += ",\"metric\":";
      append_json_string(out_, row.metric);
      sequence_ = row.sequence;
      metric_.assign(row.metric);
      steps_.clear();
      values_.clear();
      open_ = true;
    }
    if (!steps_.empty()) steps_ += ',', values_ += ',';
    append_json_number(steps_, row.step);
    append_json_number_or_null(values_, row.value);
  }
  void close() {
    if (!open_) return;
    out_ += ",\"steps\":[" + steps_ + "],\"values\":[" + values_ + "]}";
    open_ = false;
  }

 private:
  std::string& out_;
  bool open_ = false, first_ = true;
  int64_t sequence_ = 0;
  std::string metric_, steps_, values_;
};

json events_json(const std::vector<EventRecord>& events) {
  json out = json::array();
  for (const auto& e : events)
    out.push_back({{"id", e.id},
                   {"time", e.time},
                   {"trial", e.trial},
                   {"type", e.type},
                   {"message", e.message}});
  return out;
}

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  size_t begin = 0;
  while (begin <= text.size()) {
    size_t end = text.find(',', begin);
    if (end == std::string::npos) end = text.size();
    if (end > begin) out.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  return out;
}

}  // namespace

RestApi::RestApi(const std::filesystem::path& db_path, TrialObjectRenderer renderer)
    : renderer_(std::move(renderer)) {
  for (size_t i = 0; i < kConnections; ++i) {
    stores_.push_back(Store::open(db_path, Store::Mode::kReadOnly));
    free_.push_back(stores_.back().get());
  }
}

RestApi::~RestApi() = default;

json RestApi::experiments() const {
  Lease store(*this);
  json list = json::array();
  for (const auto& record : store->list_experiments()) {
    auto l = load_experiment(*store, record.name);
    list.push_back(experiment_summary_json(
        l.spec, l.status, record.created_at, record.updated_at,
        store->trial_state_counts(record.name),
        store->optimal_trial_of(record.name, l.spec.objective.type == ObjectiveType::kMaximize)));
  }
  return {{"experiments", std::move(list)}};
}

json RestApi::experiment(const std::string& name) const {
  Lease store(*this);
  auto l = load_experiment(*store, name);
  json out = experiment_summary_json(
      l.spec, l.status, l.record.created_at, l.record.updated_at, store->trial_state_counts(name),
      store->optimal_trial_of(name, l.spec.objective.type == ObjectiveType::kMaximize));
  json parameters = json::array();
  for (const auto& p : l.spec.parameters.parameters) parameters.push_back(parameter_spec_json(p));
  out["parameters"] = std::move(parameters);
  out["conditions"] = l.status.to_json().value("conditions", json::array());
  out["spec"] = l.record.spec;
  return out;
}

std::string RestApi::trials_page_text(const std::string& name, int64_t after, int64_t limit) const {
  std::vector<Store::TrialRow> rows;
  std::vector<std::string> names;
  {
    Lease store(*this);
    names = parameter_names(load_experiment(*store, name).spec);
    // One more than asked tells whether another page follows.
    rows = store->trial_rows_after(name, after, limit + 1);
  }
  bool more = static_cast<int64_t>(rows.size()) > limit;
  if (more) rows.pop_back();
  // "next" and "more" first: a client can page on without parsing the rest.
  std::string out = "{\"next\":";
  append_json_number(out, rows.empty() ? after : rows.back().sequence);
  out += more ? ",\"more\":true" : ",\"more\":false";
  out += ",\"experiment\":";
  append_json_string(out, name);
  out += ",\"parameters\":[";
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    append_json_string(out, names[i]);
  }
  out += "],\"trials\":[";
  out.reserve(out.size() + rows.size() * 200);
  for (size_t i = 0; i < rows.size(); ++i) {
    const auto& t = rows[i];
    out += i ? ",{\"seq\":" : "{\"seq\":";
    append_json_number(out, t.sequence);
    out += ",\"name\":";
    append_json_string(out, t.name);
    out += ",\"state\":";
    append_json_string(out, t.state);
    out += ",\"values\":[";
    auto values = assignment_values(t.assignment_json, names);
    for (size_t v = 0; v < values.size(); ++v) {
      if (v) out += ',';
      append_json_string(out, values[v]);
    }
    out += "],\"objective\":";
    append_json_optional(out, t.objective);
    // Lists stay lean at 50,000 trials: the message only where it explains something, the
    // objective's text only when it is not a number (a DARTS genotype).
    if (t.state != "Succeeded" && t.state != "Running" && !t.message.empty()) {
      out += ",\"message\":";
      append_json_string(out, t.message);
    }
    if (!t.objective && !t.objective_text.empty()) {
      out += ",\"objectiveText\":";
      append_json_string(out, t.objective_text);
    }
    out += ",\"createdAt\":";
    append_json_number(out, t.created_at);
    out += ",\"startedAt\":";
    append_json_number(out, t.started_at);
    out += ",\"completedAt\":";
    append_json_number(out, t.completed_at);
    out += '}';
  }
  out += "]}";
  return out;
}

json RestApi::trials_page(const std::string& name, int64_t after, int64_t limit) const {
  return json::parse(trials_page_text(name, after, limit));
}

std::string RestApi::observations_page_text(const std::string& name, int64_t after, int64_t limit,
                                            const std::string& metric) const {
  // Pages are ranges of sequence numbers: trials after `after`, `limit` sequence numbers long.
  int64_t through = after + limit;
  std::string series;
  bool more = false;
  {
    Lease store(*this);
    load_experiment(*store, name);
    SeriesWriter writer(series);
    store->scan_observations_between(name, after, through, metric,
                                     [&](const Store::ObservationRow& row) { writer.add(row); });
    writer.close();
    more = !store->trial_rows_after(name, through, 1).empty();
  }
  std::string out = "{\"next\":";
  append_json_number(out, through);
  out += more ? ",\"more\":true" : ",\"more\":false";
  out += ",\"experiment\":";
  append_json_string(out, name);
  out += ",\"metric\":";
  append_json_string(out, metric);
  out += ",\"series\":[";
  out += series;
  out += "]}";
  return out;
}

json RestApi::observations_page(const std::string& name, int64_t after, int64_t limit,
                                const std::string& metric) const {
  return json::parse(observations_page_text(name, after, limit, metric));
}

json RestApi::importance(const std::string& name, const ImportanceRegion& region) const {
  Loaded l;
  std::vector<Store::TrialRow> rows;
  {
    Lease store(*this);
    l = load_experiment(*store, name);
    rows = store->trial_rows_after(name, 0, 0);
  }
  auto names = parameter_names(l.spec);
  std::vector<Assignment> assignments;
  std::vector<double> objectives;
  for (const auto& t : rows) {
    if (!t.objective) continue;
    if (std::find(region.states.begin(), region.states.end(), t.state) == region.states.end())
      continue;
    auto values = assignment_values(t.assignment_json, names);
    Assignment a;
    for (size_t i = 0; i < names.size(); ++i)
      if (!values[i].empty()) a.push_back({names[i], values[i]});
    assignments.push_back(std::move(a));
    objectives.push_back(*t.objective);
  }
  std::vector<ScoredAssignment> scored;
  for (size_t i = 0; i < assignments.size(); ++i)
    scored.push_back({&assignments[i], objectives[i]});
  // The top-k% region (PED-ANOVA's local importance): keep the best share of the trials.
  if (region.top_percent < 100 && !scored.empty()) {
    bool maximize = l.spec.objective.type == ObjectiveType::kMaximize;
    std::stable_sort(scored.begin(), scored.end(), [&](const auto& a, const auto& b) {
      return maximize ? a.objective > b.objective : a.objective < b.objective;
    });
    size_t keep = static_cast<size_t>(
        std::ceil(region.top_percent / 100.0 * static_cast<double>(scored.size())));
    scored.resize(std::clamp<size_t>(keep, 1, scored.size()));
  }
  auto result = ped_anova_importance(l.spec.parameters, l.spec.objective.type, scored);
  json importances = json::array();
  for (const auto& imp : result.importances)
    importances.push_back({{"parameter", imp.parameter}, {"importance", imp.importance}});
  return {{"experiment", name},
          {"method", kImportanceMethod},
          {"description", kImportanceDescription},
          {"region", {{"states", region.states}, {"topPercent", region.top_percent}}},
          {"trialsUsed", result.trials_used},
          {"topTrials", result.top_trials},
          {"note", result.note},
          {"importances", std::move(importances)}};
}

json RestApi::experiment_events(const std::string& name, int64_t after_id) const {
  Lease store(*this);
  load_experiment(*store, name);
  return {{"experiment", name}, {"events", events_json(store->events(name, after_id))}};
}

json RestApi::trial(const std::string& name) const {
  Lease store(*this);
  auto t = load_trial(*store, name);
  auto l = load_experiment(*store, t.experiment);
  json metrics = json::array();
  for (const auto& metric : l.spec.objective.all_metric_names()) {
    json m = {{"name", metric},
              {"strategy", to_string(l.spec.objective.strategy_for(metric))},
              {"objective", metric == l.spec.objective.objective_metric_name},
              {"min", kUnavailable},
              {"max", kUnavailable},
              {"latest", kUnavailable}};
    for (const auto& s : t.observation)
      if (s.name == metric) m.update({{"min", s.min}, {"max", s.max}, {"latest", s.latest}});
    std::string value = strategy_value(l.spec.objective, t.observation, metric);
    m["value"] = value.empty() ? std::string(kUnavailable) : value;
    metrics.push_back(std::move(m));
  }
  json parameters = json::array();
  for (const auto& p : l.spec.parameters.parameters) parameters.push_back(parameter_spec_json(p));
  return {{"trial", trial_summary_json(t, parameter_names(l.spec))},
          {"experiment", t.experiment},
          {"objective",
           {{"type", to_string(l.spec.objective.type)},
            {"metric", l.spec.objective.objective_metric_name}}},
          {"parameters", std::move(parameters)},
          {"metrics", std::move(metrics)},
          {"labels", t.labels},
          {"runnerHandle", t.runner_handle},
          {"kubernetes", kubernetes_object_ref(t.runner_handle)},
          {"artifact", t.artifact},
          {"katib", katib_trial_object(l.spec, t)}};
}

json RestApi::trial_observations(const std::string& name) const {
  std::string series;
  {
    Lease store(*this);
    auto t = load_trial(*store, name);
    SeriesWriter writer(series);
    store->scan_observations_between(t.experiment, t.sequence - 1, t.sequence, "",
                                     [&](const Store::ObservationRow& row) { writer.add(row); });
    writer.close();
  }
  return {{"trial", name}, {"series", json::parse("[" + series + "]")}};
}

json RestApi::trial_events(const std::string& name) const {
  Lease store(*this);
  auto t = load_trial(*store, name);
  return {{"trial", name}, {"events", events_json(store->trial_events(t.experiment, name))}};
}

std::string RestApi::trial_log_tail(const std::string& name, int64_t max_bytes) const {
  std::filesystem::path path;
  {
    Lease store(*this);
    auto t = load_trial(*store, name);
    auto record = store->find_experiment(t.experiment);
    path =
        std::filesystem::path(record ? record->runs_dir : "") / t.experiment / t.name / "trial.log";
  }
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return "";  // not started yet, or the runs directory was removed: an empty log
  auto size = static_cast<int64_t>(in.tellg());
  int64_t start = std::max<int64_t>(0, size - max_bytes);
  in.seekg(start);
  std::string text(static_cast<size_t>(size - start), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (start > 0) {
    // Start at a whole line (and never inside a UTF-8 sequence).
    auto nl = text.find('\n');
    if (nl != std::string::npos) text.erase(0, nl + 1);
  }
  return text;
}

json RestApi::trial_object(const std::string& name) const {
  Trial t;
  Loaded l;
  {
    Lease store(*this);
    t = load_trial(*store, name);
    l = load_experiment(*store, t.experiment);
  }
  if (!renderer_) throw Error(ErrorCode::kNotFound, "this server cannot render trial objects");
  return {{"trial", name}, {"object", renderer_(l.spec, t)}};
}

json RestApi::models() const {
  Lease store(*this);
  // The registry's tables arrive with a migration (serving/registry): a database written by an
  // older sextant has none, which is "no models yet", not an error.
  if (!store->has_table("models") || !store->has_table("model_versions"))
    return {{"available", false},
            {"note", "this database has no model registry yet (sextant promote creates it)"},
            {"models", json::array()}};
  json models = json::array();
  std::map<std::string, size_t> index;
  for (auto& row : store->select_rows("SELECT * FROM models ORDER BY name")) {
    std::string model = row.value("name", "");
    index[model] = models.size();
    row["versions"] = json::array();
    models.push_back(std::move(row));
  }
  for (auto& row : store->select_rows("SELECT * FROM model_versions ORDER BY model, version")) {
    auto it = index.find(row.value("model", ""));
    if (it == index.end()) continue;
    if (row.contains("metrics") && row["metrics"].is_string()) {
      // Kept as JSON text by the registry; shown as an object.
      auto parsed = json::parse(row["metrics"].get<std::string>(), nullptr, false);
      if (!parsed.is_discarded()) row["metrics"] = std::move(parsed);
    }
    models[it->second]["versions"].push_back(std::move(row));
  }
  return {{"available", true}, {"note", ""}, {"models", std::move(models)}};
}

void RestApi::add_routes(Router& router) {
  auto get = [&router](const std::string& pattern, RouteHandler handler) {
    router.add("GET", pattern, std::move(handler));
  };
  get("/api/v1/experiments",
      [this](const HttpRequest&, const RouteParams&) { return json_response(experiments()); });
  get("/api/v1/experiments/{name}", [this](const HttpRequest&, const RouteParams& p) {
    return json_response(experiment(p.at("name")));
  });
  get("/api/v1/experiments/{name}/trials", [this](const HttpRequest& r, const RouteParams& p) {
    auto q = parse_query(r.query);
    return text_response(
        trials_page_text(p.at("name"), query_int(q, "after", 0, 0, INT64_MAX / 2),
                         query_int(q, "limit", kDefaultPageLimit, 1, kMaxPageLimit)));
  });
  get("/api/v1/experiments/{name}/observations",
      [this](const HttpRequest& r, const RouteParams& p) {
        auto q = parse_query(r.query);
        return text_response(observations_page_text(
            p.at("name"), query_int(q, "after", 0, 0, INT64_MAX / 2),
            query_int(q, "limit", kDefaultPageLimit, 1, kMaxPageLimit), query_text(q, "metric")));
      });
  get("/api/v1/experiments/{name}/importance", [this](const HttpRequest& r, const RouteParams& p) {
    auto q = parse_query(r.query);
    ImportanceRegion region;
    if (q.count("states")) {
      region.states = split_list(q["states"]);
      for (const auto& s : region.states) {
        TrialState state;
        if (!parse_trial_state(s, state))
          throw Error(ErrorCode::kInvalidArgument,
                      "query parameter states: unknown trial state \"" + s +
                          "\" (known: Created, Running, Succeeded, Failed, Killed, EarlyStopped, "
                          "MetricsUnavailable)",
                      "states");
      }
    }
    region.top_percent = static_cast<double>(query_int(q, "top", 100, 1, 100));
    return json_response(importance(p.at("name"), region));
  });
  get("/api/v1/experiments/{name}/events", [this](const HttpRequest& r, const RouteParams& p) {
    auto q = parse_query(r.query);
    return json_response(experiment_events(p.at("name"), query_int(q, "after", 0, 0, INT64_MAX)));
  });
  get("/api/v1/trials/{name}", [this](const HttpRequest&, const RouteParams& p) {
    return json_response(trial(p.at("name")));
  });
  get("/api/v1/trials/{name}/observations", [this](const HttpRequest&, const RouteParams& p) {
    return json_response(trial_observations(p.at("name")));
  });
  get("/api/v1/trials/{name}/events", [this](const HttpRequest&, const RouteParams& p) {
    return json_response(trial_events(p.at("name")));
  });
  get("/api/v1/trials/{name}/log", [this](const HttpRequest& r, const RouteParams& p) {
    auto q = parse_query(r.query);
    HttpResponse response;
    response.content_type = "text/plain; charset=utf-8";
    response.body = trial_log_tail(p.at("name"),
                                   query_int(q, "tail", kDefaultLogTailBytes, 1, 64 * 1024 * 1024));
    response.headers["Cache-Control"] = "no-store";
    return response;
  });
  get("/api/v1/trials/{name}/object", [this](const HttpRequest&, const RouteParams& p) {
    return json_response(trial_object(p.at("name")));
  });
  get("/api/v1/models",
      [this](const HttpRequest&, const RouteParams&) { return json_response(models()); });
}

}  // namespace sextant::engine
