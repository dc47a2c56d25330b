// Reading the primary container (command, env, working dir, time limit) out of a trial object.
#include "trials/template/primary_container.hpp"

#include "engine/error.hpp"

namespace sextant::trials {
namespace {

using nlohmann::json;

Error invalid(std::string message, std::string path) {
  return Error(ErrorCode::kInvalidArgument, std::move(message), std::move(path));
}

// Strings stay as they are; numbers and booleans (a YAML `- 1` in args) become their text.
std::string scalar_text(const json& value, const std::string& path) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number() || value.is_boolean()) return value.dump();
  throw invalid("expected a string, found " + std::string(value.type_name()), path);
}

std::optional<int64_t> deadline_at(const json& object, const std::string& path) {
  if (!object.is_object()) return std::nullopt;
  auto it = object.find("activeDeadlineSeconds");
  if (it == object.end() || it->is_null()) return std::nullopt;
  int64_t seconds = 0;
  if (it->is_number_integer()) {
    seconds = it->get<int64_t>();
  } else if (it->is_string()) {
    try {
      size_t used = 0;
      seconds = std::stoll(it->get<std::string>(), &used);
      if (used != it->get<std::string>().size()) throw std::invalid_argument("trailing text");
    } catch (const std::exception&) {
      throw invalid("expected a whole number of seconds, found '" + it->get<std::string>() + "'",
                    path + ".activeDeadlineSeconds");
    }
  } else {
    throw invalid("expected a whole number of seconds, found " + it->dump(),
                  path + ".activeDeadlineSeconds");
  }
  if (seconds <= 0)
    throw invalid("must be positive, found " + std::to_string(seconds),
                  path + ".activeDeadlineSeconds");
  return seconds;
}

std::optional<int64_t> smaller(std::optional<int64_t> a, std::optional<int64_t> b) {
  if (a && b) return std::min(*a, *b);
  return a ? a : b;
}

struct Found {
  const json* container = nullptr;
  const json* pod_spec = nullptr;  // the object holding the containers list
  std::string path;
  std::string pod_spec_path;
};

const json* find_in_containers(const json& pod_spec, const std::string& name, size_t& index) {
  auto it = pod_spec.find("containers");
  if (it == pod_spec.end() || !it->is_array()) return nullptr;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& c = (*it)[i];
    if (c.is_object() && c.contains("name") && c["name"].is_string() && c["name"] == name) {
      index = i;
      return &c;
    }
  }
  return nullptr;
}

bool find_depth_first(const json& node, const std::string& name, const std::string& path,
                      Found& found) {
  if (node.is_object()) {
    size_t index = 0;
    if (const json* c = find_in_containers(node, name, index)) {
      found = {c, &node, path + ".containers[" + std::to_string(index) + "]", path};
      return true;
    }
    for (auto it = node.begin(); it != node.end(); ++it)
      if (find_depth_first(it.value(), name, path + "." + it.key(), found)) return true;
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i)
      if (find_depth_first(node[i], name, path + "[" + std::to_string(i) + "]", found)) return true;
  }
  return false;
}

std::string container_names(const json& pod_spec) {
  std::string names;
  auto it = pod_spec.find("containers");
  if (it == pod_spec.end() || !it->is_array()) return names;
  for (const auto& c : *it)
    if (c.is_object() && c.contains("name") && c["name"].is_string())
      names += (names.empty() ? "" : ", ") + c["name"].get<std::string>();
  return names;
}

std::vector<std::string> string_list(const json& container, const char* key,
                                     const std::string& path) {
  std::vector<std::string> out;
  auto it = container.find(key);
  if (it == container.end() || it->is_null()) return out;
  std::string field = path + "." + key;
  if (!it->is_array()) throw invalid("expected a list of strings", field);
  for (size_t i = 0; i < it->size(); ++i)
    out.push_back(scalar_text((*it)[i], field + "[" + std::to_string(i) + "]"));
  return out;
}

PrimaryContainer read_container(const json& c, const std::string& name, const std::string& path) {
  PrimaryContainer out;
  std::map<std::string, std::string> vars;
  if (auto env = c.find("env"); env != c.end() && !env->is_null()) {
    if (!env->is_array()) throw invalid("expected a list of {name, value}", path + ".env");
    for (size_t i = 0; i < env->size(); ++i) {
      const json& e = (*env)[i];
      std::string field = path + ".env[" + std::to_string(i) + "]";
      if (!e.is_object() || !e.contains("name") || !e["name"].is_string() ||
          e["name"].get<std::string>().empty())
        throw invalid("expected an object with a name", field);
      std::string var = e["name"].get<std::string>();
      if (e.contains("valueFrom") && !e["valueFrom"].is_null()) {
        out.notes.push_back("env " + var + " (" + field +
                            ") uses valueFrom, which cannot be resolved locally; not set");
        continue;
      }
      std::string value;
      if (e.contains("value") && !e["value"].is_null())
        value = expand_kubernetes_references(scalar_text(e["value"], field + ".value"), vars);
      vars[var] = value;
      out.env.push_back({var, value});
    }
  }
  if (auto env_from = c.find("envFrom"); env_from != c.end() && !env_from->is_null())
    out.notes.push_back("envFrom (" + path +
                        ".envFrom) refers to ConfigMaps or Secrets, which are not available "
                        "locally; ignored");

  std::vector<std::string> command = string_list(c, "command", path);
  if (command.empty())
    throw invalid("container " + name +
                      " has no command; locally the image entrypoint is not available, so "
                      "the trial template must give the command to run",
                  path + ".command");
  for (auto& arg : string_list(c, "args", path)) command.push_back(std::move(arg));
  for (auto& arg : command) arg = expand_kubernetes_references(arg, vars);
  out.command = std::move(command);

  if (auto wd = c.find("workingDir"); wd != c.end() && !wd->is_null())
    out.working_dir = scalar_text(*wd, path + ".workingDir");
  return out;
}

}  // namespace

std::string expand_kubernetes_references(const std::string& text,
                                         const std::map<std::string, std::string>& vars) {
  if (text.find('$') == std::string::npos) return text;
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch != '$' || i + 1 >= text.size()) {
      out += ch;
      continue;
    }
    char next = text[i + 1];
    if (next == '$') {  // $$ escapes a literal $
      out += '$';
      ++i;
    } else if (next == '(') {
      size_t close = text.find(')', i + 2);
      if (close == std::string::npos) {
        out.append(text, i, std::string::npos);
        break;
      }
      std::string var = text.substr(i + 2, close - i - 2);
      auto it = vars.find(var);
      if (it != vars.end() && !var.empty())
        out += it->second;
      else
        out.append(text, i, close - i + 1);
      i = close;
    } else {
      out += ch;
    }
  }
  return out;
}

PrimaryContainer primary_container(const json& trial_object,
                                   const std::string& primary_container_name) {
  if (!trial_object.is_object()) throw invalid("the trial object is not an object", "trialSpec");
  std::string kind = trial_object.value("kind", "");
  std::string api_version = trial_object.value("apiVersion", "");
  const std::string& name = primary_container_name;
  if (name.empty())
    throw invalid("is empty; it names the container to run",
                  "spec.trialTemplate.primaryContainerName");

  if (kind == "Workflow" || kind == "PipelineRun")
    throw invalid("kind " + kind + " (" + api_version +
                      ") is not supported locally yet; a local trial runs a batch/v1 Job or a "
                      "training-operator job's primary container",
                  "trialSpec.kind");

  if (kind == "Job" && api_version.rfind("batch/", 0) == 0) {
    const json* job_spec = nullptr;
    const json* pod_spec = nullptr;
    if (auto s = trial_object.find("spec"); s != trial_object.end() && s->is_object()) {
      job_spec = &*s;
      if (auto t = s->find("template"); t != s->end() && t->is_object())
        if (auto ps = t->find("spec"); ps != t->end() && ps->is_object()) pod_spec = &*ps;
    }
    if (!pod_spec || !pod_spec->contains("containers"))
      throw invalid("is missing; a Job needs its pod's containers",
                    "spec.template.spec.containers");
    size_t index = 0;
    const json* c = find_in_containers(*pod_spec, name, index);
    if (!c) {
      std::string names = container_names(*pod_spec);
      throw invalid("has no container named '" + name +
                        "' (primaryContainerName); found: " + (names.empty() ? "none" : names),
                    "spec.template.spec.containers");
    }
    PrimaryContainer out =
        read_container(*c, name, "spec.template.spec.containers[" + std::to_string(index) + "]");
    out.active_deadline_seconds =
        smaller(deadline_at(*job_spec, "spec"), deadline_at(*pod_spec, "spec.template.spec"));
    return out;
  }

  Found found;
  if (!find_depth_first(trial_object, name, "", found))
    throw invalid("kind " + kind + ": no container named '" + name +
                      "' (primaryContainerName) anywhere in the object",
                  "trialSpec");
  std::string path = found.path.empty() ? found.path : found.path.substr(1);
  PrimaryContainer out = read_container(*found.container, name, path);
  std::optional<int64_t> run_policy;
  if (auto s = trial_object.find("spec"); s != trial_object.end() && s->is_object())
    if (auto rp = s->find("runPolicy"); rp != s->end())
      run_policy = deadline_at(*rp, "spec.runPolicy");
  std::string pod_path = found.pod_spec_path.empty() ? "" : found.pod_spec_path.substr(1);
  out.active_deadline_seconds = smaller(run_policy, deadline_at(*found.pod_spec, pod_path));
  return out;
}

std::vector<std::string> primary_command(const json& trial_object,
                                         const std::string& primary_container_name) {
  return primary_container(trial_object, primary_container_name).command;
}

}  // namespace sextant::trials
