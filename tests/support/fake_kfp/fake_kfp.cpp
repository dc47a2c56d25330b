// The fake Kubeflow Pipelines API server (see fake_kfp.hpp).
#include "tests/support/fake_kfp/fake_kfp.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cmath>
#include <mutex>
#include <set>
#include <thread>

#include "engine/api/http_server.hpp"
#include "engine/api/router.hpp"
#include "engine/util/clock.hpp"
#include "engine/util/rfc3339.hpp"

extern char** environ;

namespace sextant::testing {
namespace {

using nlohmann::json;

engine::HttpResponse status_body(int http, int grpc_code, const std::string& message) {
  engine::HttpResponse r;
  r.status = http;
  r.body = json{{"code", grpc_code}, {"message", message}, {"details", json::array()}}.dump();
  return r;
}

engine::HttpResponse ok(const json& body) {
  engine::HttpResponse r;
  r.body = body.dump();
  return r;
}

bool value_fits(const json& value, const std::string& type) {
  if (type == "NUMBER_DOUBLE") return value.is_number();
  if (type == "NUMBER_INTEGER")
    return value.is_number_integer() ||
           (value.is_number_float() && std::floor(value.get<double>()) == value.get<double>());
  if (type == "BOOLEAN") return value.is_boolean();
  if (type == "STRING") return value.is_string();
  return true;
}

std::string text_of(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

}  // namespace

struct FakeKfp::Impl {
  struct Run {
    json object;
    json pipeline;
    json parameters;
    pid_t pid = -1;
    bool terminate = false;
    std::thread worker;
  };

  Options options;
  mutable std::mutex mutex;
  std::vector<std::string> requests;
  std::vector<std::shared_ptr<Run>> runs;
  std::atomic<int> next_id{1};
  engine::Router router;
  std::unique_ptr<engine::HttpServer> server;

  explicit Impl(Options o) : options(std::move(o)) {
    router.add("GET", "/apis/v2beta1/healthz",
               [](const engine::HttpRequest&, const engine::RouteParams&) {
                 return ok({{"commit_sha", "fake"}, {"tag_name", "2.0.0-fake"}});
               });
    router.add("POST", "/apis/v2beta1/runs/{id}:terminate",
               [this](const engine::HttpRequest&, const engine::RouteParams& p) {
                 return terminate(p.at("id"));
               });
    router.add("GET", "/apis/v2beta1/runs/{id}",
               [this](const engine::HttpRequest&, const engine::RouteParams& p) {
                 std::lock_guard lock(mutex);
                 for (auto& run : runs)
                   if (run->object["run_id"] == p.at("id")) return ok(run->object);
                 return status_body(404, 5, "run " + p.at("id") + " not found");
               });
    router.add("GET", "/apis/v2beta1/runs",
               [this](const engine::HttpRequest&, const engine::RouteParams&) {
                 std::lock_guard lock(mutex);
                 json list = json::array();
                 for (auto& run : runs) list.push_back(run->object);
                 return ok({{"runs", list}, {"total_size", list.size()}});
               });
    router.add("POST", "/apis/v2beta1/runs",
               [this](const engine::HttpRequest& r, const engine::RouteParams&) {
                 return create(r.body);
               });
    server = std::make_unique<engine::HttpServer>(
        "127.0.0.1", 0,
        [this](const engine::HttpRequest& request) {
          {
            std::lock_guard lock(mutex);
            requests.push_back(request.method + " " + request.target);
          }
          if (!options.token.empty()) {
            const std::string* auth = request.header("authorization");
            if (!auth || *auth != "Bearer " + options.token)
              return status_body(401, 16, "Unauthenticated: a valid bearer token is required");
          }
          return router.handle(request);
        },
        8 << 20);
  }

  ~Impl() {
    server->stop();
    std::vector<std::shared_ptr<Run>> all;
    {
      std::lock_guard lock(mutex);
      for (auto& run : runs) {
        run->terminate = true;
        if (run->pid > 0) ::kill(run->pid, SIGKILL);
      }
      all = runs;
    }
    for (auto& run : all)
      if (run->worker.joinable()) run->worker.join();
  }

  engine::HttpResponse create(const std::string& text) {
    json body;
    try {
      body = json::parse(text);
    } catch (const json::exception& e) {
      return status_body(400, 3, std::string("invalid JSON: ") + e.what());
    }
    if (body.value("display_name", "").empty())
      return status_body(400, 3, "Invalid input error: run display_name is required");
    if (body.contains("pipeline_version_reference"))
      return status_body(400, 3, "the fake supports pipeline_spec only");
    if (!body.contains("pipeline_spec") || !body["pipeline_spec"].is_object())
      return status_body(400, 3, "Invalid input error: a run needs a pipeline_spec");
    const json& pipeline = body["pipeline_spec"];
    if (!pipeline.contains("pipelineInfo") || !pipeline.contains("root") ||
        !pipeline.contains("deploymentSpec") || !pipeline.contains("components"))
      return status_body(400, 3,
                         "Invalid input error: pipeline_spec needs pipelineInfo, components, "
                         "deploymentSpec and root");
    json declared = pipeline["root"].value("inputDefinitions", json::object())
                        .value("parameters", json::object());
    json parameters = body.value("runtime_config", json::object()).value("parameters", json::object());
    for (const auto& [name, value] : parameters.items()) {
      if (!declared.contains(name))
        return status_body(400, 3, "Invalid input error: parameter " + name + " is not declared");
      std::string type = declared[name].value("parameterType", "STRING");
      if (!value_fits(value, type))
        return status_body(400, 3, "Invalid input error: parameter " + name + " must be " + type +
                                       ", got " + value.dump());
    }
    for (const auto& [name, definition] : declared.items())
      if (!parameters.contains(name)) {
        if (definition.contains("defaultValue"))
          parameters[name] = definition["defaultValue"];
        else if (!definition.value("isOptional", false))
          return status_body(400, 3, "Invalid input error: parameter " + name + " has no value");
      }
    auto run = std::make_shared<Run>();
    run->pipeline = pipeline;
    run->parameters = parameters;
    run->object = {{"run_id", "run-" + std::to_string(next_id++)},
                   {"display_name", body["display_name"]},
                   {"experiment_id", body.value("experiment_id", "default")},
                   {"storage_state", "AVAILABLE"},
                   {"created_at", engine::format_time_rfc3339(engine::unix_now())},
                   {"state", "PENDING"},
                   {"runtime_config", {{"parameters", parameters}}}};
    json answer = run->object;
    {
      std::lock_guard lock(mutex);
      runs.push_back(run);
      run->worker = std::thread([this, run] { execute(*run); });
    }
    return ok(answer);
  }

  engine::HttpResponse terminate(const std::string& id) {
    std::lock_guard lock(mutex);
    for (auto& run : runs)
      if (run->object["run_id"] == id) {
        std::string state = run->object["state"];
        if (state == "PENDING" || state == "RUNNING") {
          run->terminate = true;
          run->object["state"] = "CANCELING";
          if (run->pid > 0) ::kill(run->pid, SIGTERM);
        }
        return ok(json::object());
      }
    return status_body(404, 5, "run " + id + " not found");
  }

  void set_state(Run& run, const std::string& state, const std::string& error = "") {
    std::lock_guard lock(mutex);
    run.object["state"] = state;
    if (!error.empty()) run.object["error"] = {{"code", 2}, {"message", error}};
    if (state == "SUCCEEDED" || state == "FAILED" || state == "CANCELED")
      run.object["finished_at"] = engine::format_time_rfc3339(engine::unix_now());
  }

  // Tasks in an order where each comes after its dependentTasks.
  static std::vector<std::string> task_order(const json& tasks) {
    std::vector<std::string> order;
    std::set<std::string> done;
    while (order.size() < tasks.size()) {
      bool progressed = false;
      for (const auto& [name, task] : tasks.items()) {
        if (done.count(name)) continue;
        bool ready = true;
        for (const auto& dep : task.value("dependentTasks", json::array()))
          if (!done.count(dep.get<std::string>())) ready = false;
        if (ready) {
          order.push_back(name);
          done.insert(name);
          progressed = true;
        }
      }
      if (!progressed) break;  // a cycle: the rest never runs
    }
    return order;
  }

  std::string substitute(std::string text, const json& inputs) {
    for (const auto& [name, value] : inputs.items()) {
      std::string placeholder = "{{$.inputs.parameters['" + name + "']}}";
      for (size_t at; (at = text.find(placeholder)) != std::string::npos;)
        text.replace(at, placeholder.size(), text_of(value));
    }
    return text;
  }

  void execute(Run& run) {
    set_state(run, "RUNNING");
    const json& pipeline = run.pipeline;
    const json tasks = pipeline["root"]["dag"].value("tasks", json::object());
    std::string run_id = run.object["run_id"];
    for (const auto& name : task_order(tasks)) {
      if (run.terminate) break;
      const json& task = tasks[name];
      std::string component = task["componentRef"].value("name", "");
      std::string executor =
          pipeline["components"].value(component, json::object()).value("executorLabel", "");
      json container = pipeline["deploymentSpec"]["executors"]
                           .value(executor, json::object())
                           .value("container", json::object());
      json inputs = json::object();
      const json task_parameters =
          task.value("inputs", json::object()).value("parameters", json::object());
      for (const auto& [param, source] : task_parameters.items()) {
        if (source.contains("componentInputParameter"))
          inputs[param] = run.parameters.value(source["componentInputParameter"].get<std::string>(),
                                               json(""));
        else if (source.contains("runtimeValue"))
          inputs[param] = source["runtimeValue"].value("constant", json(""));
      }
      std::vector<std::string> argv;
      for (const char* key : {"command", "args"})
        for (const auto& part : container.value(key, json::array()))
          argv.push_back(substitute(part.get<std::string>(), inputs));
      std::vector<std::string> env;
      for (char** e = environ; *e; ++e) env.emplace_back(*e);
      for (const auto& [k, v] : options.extra_env) env.push_back(k + "=" + v);
      for (const auto& e : container.value("env", json::array()))
        env.push_back(e.value("name", "") + "=" + substitute(e.value("value", ""), inputs));
      int status = run_process(run, argv, env, options.work_dir / (run_id + "-" + name + ".log"));
      if (run.terminate) break;
      if (status != 0) {
        set_state(run, "FAILED",
                  "task " + name + " failed: exited with status " + std::to_string(status));
        return;
      }
    }
    set_state(run, run.terminate ? "CANCELED" : "SUCCEEDED");
  }

  int run_process(Run& run, const std::vector<std::string>& argv,
                  const std::vector<std::string>& env, const std::filesystem::path& log) {
    if (argv.empty()) return 127;
    std::vector<char*> args, envp;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_t pid = ::fork();
    if (pid == 0) {
      if (fd >= 0) {
        ::dup2(fd, 1);
        ::dup2(fd, 2);
      }
      if (!options.work_dir.empty() && ::chdir(options.work_dir.c_str()) != 0) ::_exit(126);
      ::execvpe(args[0], args.data(), envp.data());
      ::_exit(127);
    }
    if (fd >= 0) ::close(fd);
    {
      std::lock_guard lock(mutex);
      run.pid = pid;
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    {
      std::lock_guard lock(mutex);
      run.pid = -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
};

FakeKfp::FakeKfp(Options options) : impl_(std::make_unique<Impl>(std::move(options))) {}
FakeKfp::~FakeKfp() = default;

std::string FakeKfp::url() const {
  return "http://127.0.0.1:" + std::to_string(impl_->server->port());
}

std::vector<nlohmann::json> FakeKfp::runs() const {
  std::lock_guard lock(impl_->mutex);
  std::vector<json> out;
  for (auto& run : impl_->runs) out.push_back(run->object);
  return out;
}

std::vector<std::string> FakeKfp::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace sextant::testing
