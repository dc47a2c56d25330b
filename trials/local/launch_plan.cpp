// Turning a TrialLaunch into what to exec: command, environment, directory, limits, collector.
#include "trials/local/launch_plan.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <functional>
#include <system_error>

#include "engine/error.hpp"
#include "trials/template/primary_container.hpp"
#include "trials/template/render.hpp"

extern char** environ;

namespace sextant::trials {
namespace {

using engine::CollectorKind;

// An ordered environment where a later set() replaces an earlier value in place.
class Environment {
 public:
  void set(const std::string& name, const std::string& value) {
    auto it = index_.find(name);
    if (it != index_.end()) {
      vars_[it->second].second = value;
      return;
    }
    index_[name] = vars_.size();
    vars_.emplace_back(name, value);
  }
  void erase(const std::string& name) {
    auto it = index_.find(name);
    if (it == index_.end()) return;
    vars_[it->second].first.clear();  // tombstone; skipped on output
    index_.erase(it);
  }
  const std::string* get(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? nullptr : &vars_[it->second].second;
  }
  std::vector<std::string> entries() const {
    std::vector<std::string> out;
    out.reserve(vars_.size());
    for (const auto& [name, value] : vars_)
      if (!name.empty()) out.push_back(name + "=" + value);
    return out;
  }

 private:
  std::vector<std::pair<std::string, std::string>> vars_;
  std::map<std::string, size_t> index_;
};

bool is_path_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-' ||
         c == '/';
}

// Argo Workflow or Tekton PipelineRun: run by the pipeline driver, not as one container.
bool is_pipeline_kind(const nlohmann::json& object) {
  if (!object.is_object()) return false;
  auto api = object.find("apiVersion");
  auto kind = object.find("kind");
  if (api == object.end() || kind == object.end() || !api->is_string() || !kind->is_string())
    return false;
  const std::string& a = api->get_ref<const std::string&>();
  const std::string& k = kind->get_ref<const std::string&>();
  return (k == "Workflow" && a.rfind("argoproj.io/", 0) == 0) ||
         (k == "PipelineRun" && a.rfind("tekton.dev/", 0) == 0);
}

std::string resolve_program(const std::string& program, const std::filesystem::path& code_dir,
                            const Environment& env) {
  if (program.empty()) return program;
  if (program.front() == '/') return program;
  if (program.find('/') != std::string::npos)
    return (code_dir / program).lexically_normal().string();
  const std::string* path = env.get("PATH");
  std::string found = find_on_path(program, path ? *path : "", code_dir);
  return found.empty() ? program : found;  // execve() then reports "no such file: <program>"
}

}  // namespace

std::string find_on_path(const std::string& program, const std::string& path_var,
                         const std::filesystem::path& code_dir) {
  std::string search = path_var.empty() ? "/usr/local/bin:/usr/bin:/bin" : path_var;
  size_t start = 0;
  while (start <= search.size()) {
    size_t end = search.find(':', start);
    if (end == std::string::npos) end = search.size();
    std::string dir = search.substr(start, end - start);
    std::filesystem::path candidate =
        (dir.empty() ? std::filesystem::path(".") : std::filesystem::path(dir)) / program;
    if (candidate.is_relative()) candidate = code_dir / candidate;
    std::error_code ec;
    if (std::filesystem::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate.string();
    start = end + 1;
  }
  return "";
}

std::shared_ptr<const TextMetricsParser> ParserCache::text(
    const std::vector<std::string>& names, const std::vector<std::string>& filters) {
  std::string key;
  for (const auto& n : names) key += n + '\x1f';
  key += '\x1e';
  for (const auto& f : filters) key += f + '\x1f';
  std::lock_guard lock(mutex_);
  auto& slot = text_[key];
  if (!slot) slot = std::make_shared<const TextMetricsParser>(names, filters);
  return slot;
}

std::string rewrite_container_path(const std::string& text, const std::string& from,
                                   const std::string& to) {
  if (from.empty() || text.find(from) == std::string::npos) return text;
  std::string out;
  size_t pos = 0;
  while (true) {
    size_t at = text.find(from, pos);
    if (at == std::string::npos) break;
    size_t after = at + from.size();
    bool starts = at == 0 || !is_path_char(text[at - 1]);
    bool ends = after == text.size() || text[after] == '/' || !is_path_char(text[after]);
    out.append(text, pos, at - pos);
    out += (starts && ends) ? to : from;
    pos = after;
  }
  out.append(text, pos, std::string::npos);
  return out;
}

std::filesystem::path local_metrics_path(const std::filesystem::path& trial_dir,
                                         const std::string& container_path) {
  const std::string field = "spec.metricsCollectorSpec.source.fileSystemPath.path";
  if (container_path.empty() || container_path.front() != '/')
    throw Error(ErrorCode::kInvalidArgument,
                "must be an absolute path, found '" + container_path + "'", field);
  std::filesystem::path relative = std::filesystem::path(container_path).relative_path();
  for (const auto& part : relative)
    if (part == "..")
      throw Error(ErrorCode::kInvalidArgument,
                  "must not contain '..' (it is mapped under the trial directory), found '" +
                      container_path + "'",
                  field);
  std::filesystem::path local = (trial_dir / "metrics" / relative).lexically_normal();
  if (!local.has_filename()) local = local.parent_path();  // "/var/log/katib/tfevent/"
  return local;
}

LaunchPlan plan_launch(const engine::TrialLaunch& launch, const LocalRunnerOptions& options,
                       ParserCache& parsers) {
  if (!launch.spec)
    throw Error(ErrorCode::kInternal, "trial " + launch.trial + " was launched without its spec");
  const engine::ExperimentSpec& spec = *launch.spec;
  const auto& collector = spec.metrics_collector;
  LaunchPlan plan;
  plan.collector = collector.kind;
  switch (collector.kind) {
    case CollectorKind::kStdOut:
    case CollectorKind::kFile:
    case CollectorKind::kTensorFlowEvent:
    case CollectorKind::kPush:
      break;
    default:
      throw Error(ErrorCode::kInvalidArgument,
                  std::string("collector kind ") + engine::to_string(collector.kind) +
                      " is not supported for local trials (use StdOut, File, TensorFlowEvent or Push)",
                  "spec.metricsCollectorSpec.collector.kind");
  }

  nlohmann::json object = render_trial_object(spec, launch.trial, launch.assignment);
  const bool pipeline = is_pipeline_kind(object);
  if (pipeline && options.pipeline_driver.empty())
    throw Error(ErrorCode::kInvalidArgument,
                object.value("kind", std::string()) +
                    " trials need the pipeline driver, which this runner was not given",
                "spec.trialTemplate.trialSpec");
  PrimaryContainer container;
  if (!pipeline) {
    container = primary_container(object, spec.trial_template.primary_container_name);
    plan.notes = std::move(container.notes);
    plan.deadline_seconds = container.active_deadline_seconds;
  }

  std::vector<std::string> names = spec.objective.all_metric_names();
  std::erase(names, std::string());
  std::string container_metrics_path;
  if (collector.kind == CollectorKind::kStdOut) {
    plan.text_parser = parsers.text(names, collector.filters);
  } else if (collector.kind == CollectorKind::kFile ||
             collector.kind == CollectorKind::kTensorFlowEvent) {
    const bool tf_events = collector.kind == CollectorKind::kTensorFlowEvent;
    container_metrics_path = !collector.file_path.empty() ? collector.file_path
                             : tf_events ? "/var/log/katib/tfevent/"
                                         : "/var/log/katib/metrics.log";
    plan.metrics_is_directory = tf_events || collector.file_path_kind == "Directory";
    plan.metrics_path = local_metrics_path(launch.trial_dir, container_metrics_path);
    std::error_code ec;
    std::filesystem::create_directories(
        plan.metrics_is_directory ? plan.metrics_path : plan.metrics_path.parent_path(), ec);
    if (ec)
      throw Error(ErrorCode::kUnavailable, "cannot create the directory for the metrics file " +
                                               plan.metrics_path.string() + ": " + ec.message());
    if (tf_events)
      plan.metric_names = names;  // read from the event files when the trial ends
    else if (collector.format == engine::FileFormat::kJson)
      plan.json_parser = std::make_shared<const JsonLinesParser>(names);
    else
      plan.text_parser = parsers.text(names, collector.filters);
    while (container_metrics_path.size() > 1 && container_metrics_path.back() == '/')
      container_metrics_path.pop_back();
  }
  // Katib mounts PBT's per-trial checkpoint volume at the algorithm's suggestion_trial_dir;
  // locally that container path is the trial's checkpoint directory.
  std::string container_checkpoint_path;
  for (const auto& setting : spec.algorithm.settings)
    if (setting.name == "suggestion_trial_dir") container_checkpoint_path = setting.value;
  while (container_checkpoint_path.size() > 1 && container_checkpoint_path.back() == '/')
    container_checkpoint_path.pop_back();
  auto localize = [&](const std::string& text) {
    std::string out =
        container_metrics_path.empty()
            ? text
            : rewrite_container_path(text, container_metrics_path, plan.metrics_path.string());
    if (!container_checkpoint_path.empty() && !launch.checkpoint_dir.empty())
      out = rewrite_container_path(out, container_checkpoint_path, launch.checkpoint_dir.string());
    return out;
  };

  Environment env;
  for (char** e = environ; e && *e; ++e) {
    std::string entry = *e;
    size_t eq = entry.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    env.set(entry.substr(0, eq), entry.substr(eq + 1));
  }
  // A parent that is itself a trial must not leak its own trial's identity or secrets.
  for (const char* name :
       {"SEXTANT_EXPERIMENT", "SEXTANT_TRIAL", "KATIB_TRIAL_NAME", "SEXTANT_TRIAL_DIR",
        "SEXTANT_ARTIFACT_DIR", "SEXTANT_REPORT_URL", "SEXTANT_REPORT_TOKEN",
        "SEXTANT_METRICS_FILE", "SEXTANT_CHECKPOINT_DIR"})
    env.erase(name);
  for (const auto& var : container.env) env.set(var.name, localize(var.value));
  env.set("SEXTANT_EXPERIMENT", launch.experiment);
  env.set("SEXTANT_TRIAL", launch.trial);
  env.set("KATIB_TRIAL_NAME", launch.trial);
  env.set("SEXTANT_TRIAL_DIR", launch.trial_dir.string());
  env.set("SEXTANT_ARTIFACT_DIR", launch.artifact_dir.string());
  if (!launch.report_url.empty()) env.set("SEXTANT_REPORT_URL", launch.report_url);
  if (!launch.report_token.empty()) env.set("SEXTANT_REPORT_TOKEN", launch.report_token);
  if (!plan.metrics_path.empty()) env.set("SEXTANT_METRICS_FILE", plan.metrics_path.string());
  if (!launch.checkpoint_dir.empty())
    env.set("SEXTANT_CHECKPOINT_DIR", launch.checkpoint_dir.string());
  if (!options.report_python_path.empty()) {
    const std::string* existing = env.get("PYTHONPATH");
    env.set("PYTHONPATH",
            options.report_python_path + (existing && !existing->empty() ? ":" + *existing : ""));
  }

  std::filesystem::path code_dir = spec.code_dir;
  if (code_dir.empty()) {
    std::error_code ec;
    code_dir = std::filesystem::current_path(ec);
  }
  plan.spawn.cwd = code_dir;
  if (!container.working_dir.empty()) {
    std::error_code ec;
    if (std::filesystem::is_directory(container.working_dir, ec))
      plan.spawn.cwd = container.working_dir;
    else
      plan.notes.push_back("workingDir " + container.working_dir +
                           " does not exist on this host; running in " + code_dir.string());
  }

  if (pipeline) {
    // Every string of the document, since any step may name the container paths.
    std::function<void(nlohmann::json&)> localize_all = [&](nlohmann::json& node) {
      if (node.is_string())
        node = localize(node.get<std::string>());
      else if (node.is_structured())
        for (auto& child : node) localize_all(child);
    };
    localize_all(object);
    std::filesystem::path file = launch.trial_dir / "pipeline.json";
    {
      std::ofstream out(file, std::ios::trunc);
      out << object.dump(2) << '\n';
      if (!out)
        throw Error(ErrorCode::kUnavailable, "cannot write the pipeline to " + file.string());
    }
    plan.spawn.argv = options.pipeline_driver;
    plan.spawn.argv.push_back(file.string());
    plan.spawn.argv.push_back("--primary-container");
    plan.spawn.argv.push_back(spec.trial_template.primary_container_name);
    for (const auto& [key, value] : spec.trial_template.primary_pod_labels) {
      plan.spawn.argv.push_back("--primary-label");
      plan.spawn.argv.push_back(key + "=" + value);
    }
    // The driver stops its steps (their own process groups) within 4/5 of the grace this runner
    // gives it, so that they are gone before the runner's SIGKILL reaches the driver.
    plan.spawn.argv.push_back("--grace");
    char grace[32];
    std::snprintf(grace, sizeof grace, "%g", options.kill_grace.count() * 4 / 5 / 1000.0);
    plan.spawn.argv.push_back(grace);
    plan.spawn.argv.push_back("--code-dir");
    plan.spawn.argv.push_back(code_dir.string());
  } else {
    for (auto& arg : container.command) plan.spawn.argv.push_back(localize(arg));
  }
  plan.spawn.exec_path = resolve_program(plan.spawn.argv.front(), code_dir, env);
  plan.spawn.env = env.entries();
  return plan;
}

}  // namespace sextant::trials
