// The reconcile loop: create trials up to the parallel limit, collect their events, complete
// with Katib's rules, and survive restarts without losing or duplicating a trial.
#include "engine/controller/controller.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "engine/controller/metrics_summary.hpp"
#include "engine/controller/trial_names.hpp"
#include "engine/error.hpp"
#include "engine/util/clock.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::engine {
namespace {

constexpr const char* kReasonInterrupted = "TrialInterrupted";
constexpr const char* kReasonKilled = "TrialKilled";
constexpr const char* kReasonEarlyStopped = "TrialEarlyStopped";  // Katib's

std::string random_token() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno != EINTR)
      throw Error(ErrorCode::kInternal, std::string("getrandom: ") + std::strerror(errno));
    if (n > 0) got += static_cast<size_t>(n);
  }
  static const char* hex = "0123456789abcdef";
  std::string token;
  for (unsigned char b : bytes) token += {hex[b >> 4], hex[b & 15]};
  return token;
}

std::string describe_expected(const ExperimentSpec& spec) {
  const auto& objective = spec.objective.objective_metric_name;
  switch (spec.metrics_collector.kind) {
    case CollectorKind::kStdOut:
      return spec.metrics_collector.filters.empty()
                 ? "a line like \"" + objective + "=0.123\" on stdout (StdOut collector)"
                 : "a stdout line matching one of "
                   "spec.metricsCollectorSpec.source.filter.metricsFormat";
    case CollectorKind::kFile:
      return "a line with \"" + objective + "\" in the metrics file " +
             spec.metrics_collector.file_path + " ($SEXTANT_METRICS_FILE, File collector, " +
             to_string(spec.metrics_collector.format) + " format)";
    case CollectorKind::kTensorFlowEvent:
      return "a scalar summary tagged \"" + objective.substr(objective.rfind('/') + 1) +
             "...\" in a TensorFlow event file under " + spec.metrics_collector.file_path +
             " (TensorFlowEvent collector, read when the trial ends)";
    case CollectorKind::kPush:
      return "a push of \"" + objective + "\" to $SEXTANT_REPORT_URL (sextant report " + objective +
             "=0.123, or report_metrics in Python)";
    default:
      return "a report of \"" + objective + "\"";
  }
}

}  // namespace

Controller::Controller(Store& store, const ExperimentSpec& spec, Algorithm& algorithm,
                       TrialRunner& runner, ControllerOptions options, ControllerObserver* observer)
    : store_(store),
      spec_(spec),
      algorithm_(algorithm),
      runner_(runner),
      options_(std::move(options)),
      observer_(observer) {}

void Controller::on_metrics(std::vector<MetricReport> reports) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(std::move(reports));
  }
  wake_.notify_one();
}

void Controller::on_exit(TrialExit exit) {
  {
    std::lock_guard lock(mutex_);
    queue_.emplace_back(std::move(exit));
  }
  wake_.notify_one();
}

void Controller::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  wake_.notify_one();
}

void Controller::request_kill() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = kill_requested_ = true;
  }
  wake_.notify_one();
}

std::optional<std::string> Controller::token_for(const std::string& trial) const {
  std::lock_guard lock(mutex_);
  auto it = tokens_.find(trial);
  if (it == tokens_.end()) return std::nullopt;
  return it->second;
}

Trial* Controller::find(const std::string& name) {
  auto it = index_.find(name);
  return it == index_.end() ? nullptr : &trials_[it->second];
}

void Controller::load_or_create() {
  double now = unix_now();
  auto record = store_.find_experiment(spec_.name);
  if (!record) {
    status_.start_time = now;
    status_.set_condition("Created", true, "ExperimentCreated", "Experiment is created", now);
    store_.transaction([&] {
      store_.insert_experiment({spec_.name, spec_.document, status_.to_json(), spec_.source_file,
                                spec_.code_dir.string(), options_.runs_dir.string(), now, now});
      store_.add_event(spec_.name, "", "ExperimentCreated", "created from " + spec_.source_file);
    });
    return;
  }

  // Katib allows only the three budget fields to change on an existing experiment; sextant's
  // promotion block does not touch the trials either, so fixing it and rerunning is allowed.
  auto strip = [](nlohmann::json s) {
    for (const char* k : {"parallelTrialCount", "maxTrialCount", "maxFailedTrialCount", "promotion"})
      s.erase(k);
    return s;
  };
  const auto& stored = record->spec.at("spec");
  const auto& given = spec_.document.at("spec");
  if (strip(stored) != strip(given)) {
    std::string changed;
    for (const auto& op : nlohmann::json::diff(strip(stored), strip(given))) {
      std::string path = "spec" + op.at("path").get<std::string>();
      std::replace(path.begin(), path.end(), '/', '.');
      if (changed.find(path) == std::string::npos) changed += (changed.empty() ? "" : ", ") + path;
      if (changed.size() > 200) break;
    }
    throw Error(ErrorCode::kConflict,
                "experiment \"" + spec_.name + "\" already exists in " + store_.path().string() +
                    " with a different spec (changed: " + changed +
                    "); only parallelTrialCount, maxTrialCount, maxFailedTrialCount and promotion may "
                    "change when resuming. Rename the experiment (metadata.name) or use another --db.");
  }
  if (stored != given) {
    store_.update_experiment_spec(spec_.name, spec_.document);
    store_.add_event(spec_.name, "", "ExperimentUpdated", "budget changed on resume");
  }

  status_ = ExperimentStatus::from_json(record->status);
  trials_ = store_.list_trials(spec_.name);
  for (size_t i = 0; i < trials_.size(); ++i) index_[trials_[i].name] = i;

  if (status_.completed()) {
    // Katib restarts a finished experiment when its budget was raised (section 2.2, step 5).
    auto counts = count_trials(trials_);
    bool budget_raised = status_.succeeded() &&
                         status_.completion_reason() == "ExperimentMaxTrialsReached" &&
                         spec_.max_trial_count && *spec_.max_trial_count > counts.completed();
    if (budget_raised) {
      status_.set_condition("Restarting", true, "ExperimentRestarting", "Experiment is restarting",
                            now);
      status_.completion_time = 0;
      save_status();
    }
  }
}

void Controller::recover_interrupted_trials() {
  // A trial left Running means the previous engine died (or was killed) mid-run: stop whatever
  // is left of its process and run it again under the same name. A trial we killed on Ctrl-C
  // is run again as well. Its partial observations are dropped so the rerun reports afresh.
  for (auto& t : trials_) {
    bool left_running = t.state == TrialState::kRunning;
    bool interrupted = t.state == TrialState::kKilled && t.reason == kReasonInterrupted;
    if (!left_running && !interrupted) continue;
    if (left_running && !t.runner_handle.empty() && adopt(t)) continue;
    if (left_running && !t.runner_handle.empty() && runner_.reap_orphan(t.name, t.runner_handle))
      if (observer_) observer_->on_message("stopped a leftover process of trial " + t.name);
    store_.transaction([&] {
      store_.delete_observations(t.name);
      t.state = TrialState::kCreated;
      t.reason = t.message = t.objective_text = t.runner_handle = "";
      t.objective.reset();
      t.observation.clear();
      t.started_at = t.completed_at = 0;
      store_.update_trial(t);
      store_.add_event(spec_.name, t.name, "TrialRequeued",
                       left_running ? "engine stopped while the trial ran; running it again"
                                    : "trial was interrupted; running it again");
    });
  }
}

RunOutcome Controller::run() {
  load_or_create();
  if (status_.completed()) return {status_, false};
  directories_ = std::make_unique<TrialDirectories>(options_.runs_dir / spec_.name,
                                                    runner_.log_path("").filename().string());
  recover_interrupted_trials();
  if (auto state = store_.algorithm_state(spec_.name)) algorithm_.restore_state(*state);
  load_curves();

  bool stopping = false;
  bool killing = false;
  bool completed = false;
  std::deque<Event> events;
  auto next_progress = std::chrono::steady_clock::now() + options_.progress_interval;
  while (true) {
    // Recording what happened and storing the trials that replace the finished ones share one
    // transaction; the new trials start only once it is committed.
    store_.transaction([&] {
      handle_events(events);
      if (!stopping && !completed) completed = reconcile();
    });
    if (completed && !stopping && count_trials(trials_).active() > 0) {
      stopping = true;  // the experiment is done: what still runs is stopped, once
      stop_active_trials(options_.kill_grace, kReasonKilled);
    } else if (!completed && !stopping) {
      for (auto& t : trials_)
        if (t.state == TrialState::kCreated) launch(t);
      if (!exhausted_) directories_->prepare_ahead(upcoming_trial_names());
    }
    notify_progress();
    if ((completed || stopping) && count_trials(trials_).active() == 0) break;

    bool stop_now = false, kill_now = false;
    {
      std::unique_lock lock(mutex_);
      auto ready = [&] {
        return !queue_.empty() || (stop_requested_ && !stopping) || (kill_requested_ && !killing);
      };
      std::optional<Clock::time_point> until = flush_due_;
      if (options_.progress_interval.count() > 0 && (!until || next_progress < *until))
        until = next_progress;
      if (until)
        wake_.wait_until(lock, *until, ready);
      else
        wake_.wait(lock, ready);
      events.swap(queue_);
      stop_now = stop_requested_ && !stopping;
      kill_now = kill_requested_ && !killing;
    }
    if (std::chrono::steady_clock::now() >= next_progress)
      next_progress = std::chrono::steady_clock::now() + options_.progress_interval;
    if (stop_now && !completed) {
      stopping = true;
      stop_active_trials(options_.kill_grace, kReasonInterrupted);
    }
    if (kill_now) {
      killing = stopping = true;
      stop_active_trials(std::chrono::milliseconds(0),
                         completed ? kReasonKilled : kReasonInterrupted);
    }
  }
  store_.transaction([&] {
    handle_events(events, /*flush_now=*/true);
    save_status();
  });
  return {status_, stopping && !completed};
}

void Controller::handle_events(std::deque<Event>& events, bool flush_now) {
  std::vector<TrialExit> exits;
  for (auto& e : events) {
    if (auto* reports = std::get_if<std::vector<MetricReport>>(&e))
      handle_metrics(*reports, unsaved_points_);
    else
      exits.push_back(std::get<TrialExit>(e));
  }
  events.clear();
  if (!unsaved_points_.empty() && !flush_due_) flush_due_ = Clock::now() + kObservationDelay;
  // Intermediate values wait (at most kObservationDelay) for the next write, usually the
  // trial's completion a moment later: one commit per trial instead of two. Losing them to a
  // crash loses nothing, because a trial that was running when the engine died runs again.
  bool flush = flush_now || !exits.empty() || (flush_due_ && Clock::now() >= *flush_due_);
  if (!flush || (unsaved_points_.empty() && exits.empty())) return;
  store_.transaction([&] {  // joins the loop's transaction
    store_.put_observations(unsaved_points_);
    std::vector<std::string> touched;
    for (const auto& p : unsaved_points_)
      if (std::find(touched.begin(), touched.end(), p.trial) == touched.end())
        touched.push_back(p.trial);
    for (const auto& name : touched)
      if (Trial* t = find(name); t && is_active(t->state)) store_.update_trial(*t);
    for (const auto& exit : exits) handle_exit(exit);
    if (!exits.empty()) save_status();
  });
  unsaved_points_.clear();
  flush_due_.reset();
}

void Controller::handle_metrics(std::vector<MetricReport>& reports,
                                std::vector<ObservationPoint>& points) {
  const std::string& objective = spec_.objective.objective_metric_name;
  std::vector<std::string> to_judge;
  for (auto& r : reports) {
    Trial* t = find(r.trial);
    if (!t || !is_active(t->state)) continue;  // late report for a finished trial: ignored
    int64_t& next = next_step_[{r.trial, r.metric}];
    int64_t step = r.step ? *r.step : next;
    next = std::max(next, step + 1);
    points.push_back({r.trial, r.metric, step, r.value, r.time > 0 ? r.time : unix_now()});
    bool tracked = false;
    for (auto& m : t->observation)
      if (m.name == r.metric) {
        fold_value(m, r.value);
        tracked = true;
      }
    if (!tracked) {
      // First value of this metric in this trial: start its summary (objective metrics are
      // kept in spec order; others are recorded but do not enter Katib's observation).
      auto names = spec_.objective.all_metric_names();
      if (std::find(names.begin(), names.end(), r.metric) != names.end()) {
        MetricSummary m;
        m.name = r.metric;
        fold_value(m, r.value);
        t->observation.push_back(m);
      }
    }
    if (r.metric != objective) continue;
    auto value = parse_finite_number(r.value);
    if (!value) continue;
    if (curves_.add(r.trial, step, *value)) {
      if (std::find(to_judge.begin(), to_judge.end(), r.trial) == to_judge.end())
        to_judge.push_back(r.trial);
    } else if (reordered_.insert(r.trial).second) {
      // Defined behaviour: the value is kept (a repeated step replaces its value), but rules
      // judge a trial only at its newest step.
      store_.add_event(spec_.name, r.trial, "MetricStepOutOfOrder",
                       objective + " was reported for step " + std::to_string(step) +
                           ", not after the newest step; the value is kept and rules judge "
                           "the trial at its newest step only");
    }
  }
  judge(to_judge);
}

void Controller::judge(const std::vector<std::string>& trial_names) {
  if (options_.early_stopper == nullptr) return;
  for (const auto& name : trial_names) {
    Trial* t = find(name);
    if (!t || t->state != TrialState::kRunning || cancel_reason_.count(name)) continue;
    StopDecision decision = options_.early_stopper->evaluate(*t, trials_, curves_);
    if (!decision.stop) {
      if (!decision.message.empty() && advice_shown_.insert(decision.message).second) {
        store_.add_event(spec_.name, "", "EarlyStoppingAdvice", decision.message);
        if (observer_) observer_->on_message(decision.message);
      }
      continue;
    }
    cancel_reason_[name] = kReasonEarlyStopped;
    stop_message_[name] = decision.message;
    store_.add_event(spec_.name, name, "EarlyStopping", decision.message);
    runner_.cancel(name, options_.kill_grace);
  }
}

void Controller::load_curves() {
  // The rule's view of finished trials survives a restart; trials that run again start afresh
  // (recover_interrupted_trials dropped their values).
  const std::string& objective = spec_.objective.objective_metric_name;
  for (const auto& p : store_.observations_of_experiment(spec_.name))
    if (p.metric == objective)
      if (auto value = parse_finite_number(p.value)) curves_.add(p.trial, p.step, *value);
}

void Controller::handle_exit(const TrialExit& exit) {
  Trial* t = find(exit.trial);
  if (!t || !is_active(t->state)) return;
  finalize_trial(*t, exit);
  {
    std::lock_guard lock(mutex_);
    tokens_.erase(t->name);
  }
  store_.update_trial(*t);
  store_.add_event(spec_.name, t->name, to_string(t->state), t->message);
  if (observer_) observer_->on_trial_completed(*t, optimal_trial(spec_.objective, trials_));
}

void Controller::finalize_trial(Trial& t, const TrialExit& exit) {
  t.completed_at = unix_now();
  // Order the summary like the spec (objective first) so outputs are stable.
  std::vector<MetricSummary> ordered;
  for (const auto& name : spec_.objective.all_metric_names()) {
    auto it = std::find_if(t.observation.begin(), t.observation.end(),
                           [&](const MetricSummary& m) { return m.name == name; });
    MetricSummary m = it != t.observation.end() ? *it : MetricSummary{name};
    ordered.push_back(m);
  }
  t.observation = std::move(ordered);
  derive_objective(spec_.objective, t);

  if (auto it = cancel_reason_.find(t.name);
      it != cancel_reason_.end() && it->second == kReasonEarlyStopped) {
    // Katib's EarlyStopped condition, whatever the process did after SIGTERM (exit 0, a
    // signal, or SIGKILL after the grace period). Its values so far are its observation.
    t.state = TrialState::kEarlyStopped;
    t.reason = kReasonEarlyStopped;
    t.message = "Trial is early stopped: " + stop_message_[t.name];
    cancel_reason_.erase(it);
    stop_message_.erase(t.name);
    return;
  }
  if (auto it = cancel_reason_.find(t.name); it != cancel_reason_.end()) {
    t.state = TrialState::kKilled;
    t.reason = it->second;
    t.message = it->second == kReasonInterrupted
                    ? "stopped by the user; it runs again when the experiment is resumed"
                    : "stopped because the experiment completed";
    cancel_reason_.erase(it);
    return;
  }
  if (!exit.succeeded) {
    t.state = TrialState::kFailed;
    t.reason = "TrialFailed";
    t.message = exit.reason.empty() ? exit.message : exit.reason + ": " + exit.message;
    return;
  }
  if (!t.objective_text.empty()) {
    t.state = TrialState::kSucceeded;
    t.reason = "TrialSucceeded";
    t.message = "Trial has succeeded";
    return;
  }
  std::string seen;
  for (const auto& m : t.observation)
    if (m.latest != kUnavailable) seen += (seen.empty() ? "" : ", ") + m.name;
  t.state = TrialState::kMetricsUnavailable;
  t.reason = "MetricsUnavailable";
  t.message = "the trial finished without reporting its objective metric \"" +
              spec_.objective.objective_metric_name +
              "\" (seen: " + (seen.empty() ? std::string("no metric") : seen) + "); expected " +
              describe_expected(spec_);
}

bool Controller::reconcile() {
  double now = unix_now();
  for (int round = 0; round < 2; ++round) {
    auto counts = count_trials(trials_);
    auto completion =
        check_completion(spec_, counts, optimal_trial(spec_.objective, trials_), exhausted_);
    if (completion != Completion::kNone) {
      apply_completion(status_, completion, now);
      store_.transaction([&] {
        save_status();
        store_.add_event(spec_.name, "", status_.completion_reason(),
                         status_.conditions.back().message);
      });
      return true;
    }
    if (counts.total > 0 && !(status_.find("Running") && status_.find("Running")->status)) {
      status_.set_condition("Running", true, "ExperimentRunning", "Experiment is running", now);
      save_status();
    }
    int required = spec_.parallel_trial_count;
    if (spec_.max_trial_count)
      required = std::min(required, *spec_.max_trial_count - counts.completed());
    int add = std::max(0, required - counts.active());
    if (add == 0 || exhausted_) return false;
    if (auto failure = create_trials(add)) {
      // Katib: a failing suggestion service fails the experiment.
      status_.set_condition("Failed", true, "ExperimentFailed",
                            "Suggestion has failed: " + *failure, now);
      status_.completion_time = now;
      save_status();
      if (observer_) observer_->on_message("suggestion failed: " + *failure);
      return true;
    }
    if (!exhausted_) return false;  // otherwise re-check: the end may have been reached
  }
  return false;
}

std::vector<std::string> Controller::upcoming_trial_names() const {
  // The trials that replace the running ones when they finish, within the budget.
  int count = spec_.parallel_trial_count;
  if (spec_.max_trial_count)
    count = std::min(count, *spec_.max_trial_count - static_cast<int>(trials_.size()));
  std::vector<std::string> names;
  for (int i = 1; i <= count; ++i)
    names.push_back(trial_name_for(static_cast<int64_t>(trials_.size()) + i));
  return names;
}

std::string Controller::next_trial_name() const {
  return trial_name_for(static_cast<int64_t>(trials_.size()) + 1);
}

std::string Controller::trial_name_for(int64_t sequence) const {
  for (int salt = 0;; ++salt) {
    // Names of other experiments cannot collide: the suffix has a fixed length, so equal
    // names would need equal experiment names.
    std::string name = trial_name(spec_.name, sequence, salt);
    if (!index_.count(name)) return name;
  }
}

std::optional<std::string> Controller::create_trials(int count) {
  double now = unix_now();  // before suggest(): a trial's life includes choosing it
  SuggestResult result;
  try {
    result = algorithm_.suggest(trials_, count);
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  if (result.exhausted) exhausted_ = true;
  if (result.suggestions.empty()) {
    // Nothing new and nothing running would wait forever: treat as the end of the search.
    if (count_trials(trials_).active() == 0) exhausted_ = true;
    return std::nullopt;
  }
  store_.transaction([&] {
    for (auto& s : result.suggestions) {
      Trial t;
      t.name = next_trial_name();
      t.experiment = spec_.name;
      t.sequence = static_cast<int64_t>(trials_.size()) + 1;
      t.assignment = std::move(s.assignment);
      t.labels = std::move(s.labels);
      t.state = TrialState::kCreated;
      t.created_at = now;
      t.report_token = random_token();
      store_.insert_trial(t);
      index_[t.name] = trials_.size();
      trials_.push_back(std::move(t));
    }
    store_.put_algorithm_state(spec_.name, algorithm_.save_state());
  });
  return std::nullopt;
}

TrialLaunch Controller::make_launch(const Trial& t, const TrialDirectories::Paths& paths) {
  {
    std::lock_guard lock(mutex_);
    tokens_[t.name] = t.report_token;
  }
  return TrialLaunch{&spec_,
                     spec_.name,
                     t.name,
                     t.assignment,
                     t.labels,
                     paths.trial_dir,
                     paths.artifact_dir,
                     options_.report_url,
                     t.report_token,
                     paths.checkpoint_dir};
}

bool Controller::adopt(Trial& t) {
  // A run that outlives the engine (a cluster object) is followed again rather than rerun;
  // its observations stay, and re-reading its log from the start replaces them one for one.
  bool adopted = false;
  try {
    adopted = runner_.adopt(make_launch(t, directories_->claim(t.name)), t.runner_handle, *this);
  } catch (const Error& e) {
    store_.add_event(spec_.name, t.name, "AdoptionFailed", e.what());
  }
  if (adopted) {
    store_.add_event(spec_.name, t.name, "TrialAdopted",
                     "engine restarted while the trial ran; following its run again");
    if (observer_) observer_->on_message("following trial " + t.name + " again");
  }
  return adopted;
}

void Controller::launch(Trial& t) {
  auto paths = directories_->claim(t.name);
  if (auto parent = t.labels.find(kResumeFromLabel); parent != t.labels.end()) {
    try {
      if (!directories_->resume_from(paths, parent->second))
        store_.add_event(spec_.name, t.name, "CheckpointMissing",
                         "trial " + parent->second +
                             " left no checkpoint to resume from; the trial starts afresh");
    } catch (const Error& e) {
      // A trial that cannot get its parent's checkpoint (disk full, permissions) fails like
      // one whose program cannot start; the experiment goes on.
      t.state = TrialState::kRunning;
      t.started_at = unix_now();
      store_.update_trial(t);
      on_exit({t.name, false, "StartError", e.what()});
      return;
    }
  }
  TrialLaunch launch = make_launch(t, paths);
  t.artifact = options_.artifact_prefix.empty()
                   ? paths.artifact_dir.string()
                   : options_.artifact_prefix + "/" + spec_.name + "/" + t.name;
  t.runner_handle = runner_.start(launch, *this);
  t.state = TrialState::kRunning;
  t.reason = "TrialRunning";
  t.message = "Trial is running";
  t.started_at = unix_now();
  store_.update_trial(t);
  if (observer_) observer_->on_trial_started(t);
}

void Controller::stop_active_trials(std::chrono::milliseconds grace, const std::string& why) {
  for (auto& t : trials_) {
    if (t.state == TrialState::kCreated) {
      // Never started: nothing to stop, record it directly.
      t.state = TrialState::kKilled;
      t.reason = why;
      t.message = why == kReasonInterrupted ? "stopped by the user before it started"
                                            : "not started because the experiment completed";
      t.completed_at = unix_now();
      store_.update_trial(t);
      continue;
    }
    if (t.state != TrialState::kRunning) continue;
    cancel_reason_.try_emplace(t.name, why);  // a trial being early-stopped stays so
    runner_.cancel(t.name, grace);
  }
}

void Controller::save_status() {
  store_.update_experiment_status(spec_.name, status_.to_json());
}

void Controller::notify_progress() {
  if (!observer_) return;
  ProgressSnapshot snapshot;
  snapshot.spec = &spec_;
  snapshot.counts = count_trials(trials_);
  snapshot.best = optimal_trial(spec_.objective, trials_);
  snapshot.started_at = status_.start_time;
  for (const auto& t : trials_)
    if (t.state == TrialState::kRunning) snapshot.running.push_back(&t);
  observer_->on_progress(snapshot);
}

}  // namespace sextant::engine
