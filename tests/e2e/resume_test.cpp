// End-to-end: resume after kill -9 and after Ctrl-C, and one engine per database.
#include <dirent.h>

#include <set>
#include <thread>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/e2e/process.hpp"
#include "tests/e2e/spec_builder.hpp"

using nlohmann::json;
using namespace sextant::testing;

namespace {

json trials_of(const std::string& db, const std::string& name) {
  auto r = run_sextant({"--db", db, "get", "trials", name, "-o", "json"});
  if (r.exit_code != 0) return json::array();
  return json::parse(r.out);
}

int count_state(const json& trials, const std::string& state) {
  int n = 0;
  for (const auto& t : trials) n += t["status"]["conditions"].back()["type"] == state;
  return n;
}

// Polls until pred(trials) holds or the limit passes.
template <typename Pred>
json wait_for_trials(const std::string& db, const std::string& name, Pred pred,
                     std::chrono::seconds limit = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    auto trials = trials_of(db, name);
    if (pred(trials)) return trials;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("condition on trials of " << name << " not reached in time");
  return {};
}

// Pids of live processes whose argv equals `argv` exactly.
std::set<int> processes_with_argv(const std::vector<std::string>& argv) {
  std::string wanted;
  for (const auto& a : argv) wanted += a + '\0';
  std::set<int> pids;
  DIR* proc = opendir("/proc");
  while (dirent* e = readdir(proc)) {
    int pid = atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream in("/proc/" + std::string(e->d_name) + "/cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), {});
    std::ifstream stat("/proc/" + std::string(e->d_name) + "/stat");
    std::string stat_line;
    std::getline(stat, stat_line);
    bool zombie = stat_line.find(") Z ") != std::string::npos;
    if (cmdline == wanted && !zombie) pids.insert(pid);
  }
  closedir(proc);
  return pids;
}

}  // namespace

TEST_CASE("kill -9 of the engine mid-run: resume keeps finished trials, duplicates none, leaves no orphan",
          "[e2e][slow]") {
  TempDir dir;
  SpecOptions o;
  o.name = "crash";
  o.parallel = 2;
  o.max_trials = 4;
  // Each trial leaves a long `sleep` behind in its process group. A normal exit kills the group;
  // after a kill -9 of the engine only the restart's reaping can stop it. The durations are
  // unique so the processes are recognisable in /proc.
  const std::string linger = "61.4917";
  o.command = {"/bin/sh", "-c", "sleep " + linger + " & sleep 2.4917; echo loss=${trialParameters.x}"};
  auto spec = dir.write("crash.yaml", build_spec(o));
  auto db = (dir / "crash.db").string();

  json before;
  {
    Process engine({sextant_binary(), "--db", db, "run", "-f", spec, "--progress", "none"});
    before = wait_for_trials(db, "crash", [](const json& t) {
      return count_state(t, "Succeeded") >= 2 && count_state(t, "Running") >= 1;
    });
    engine.signal(SIGKILL);
    engine.wait();
  }
  auto orphans = processes_with_argv({"sleep", linger});
  CHECK_FALSE(orphans.empty());  // what a crash leaves behind

  auto rerun = run_sextant({"--db", db, "run", "-f", spec, "--progress", "lines"});
  INFO(rerun.err);
  REQUIRE(rerun.exit_code == 0);

  auto after = trials_of(db, "crash");
  REQUIRE(after.size() == 4);
  CHECK(count_state(after, "Succeeded") == 4);
  std::set<std::string> names;
  for (const auto& t : after) names.insert(t["metadata"]["name"].get<std::string>());
  CHECK(names.size() == 4);
  // Every trial that had finished before the crash is still there, unchanged.
  for (const auto& t : before) {
    if (t["status"]["conditions"].back()["type"] != "Succeeded") continue;
    bool found = false;
    for (const auto& u : after)
      if (u["metadata"]["name"] == t["metadata"]["name"]) {
        found = true;
        CHECK(u["spec"]["parameterAssignments"] == t["spec"]["parameterAssignments"]);
        CHECK(u["status"]["observation"] == t["status"]["observation"]);
      }
    CHECK(found);
  }
  // The crash's leftovers (61 s sleeps) are gone well before their time: reaped at restart.
  CHECK(processes_with_argv({"sleep", linger}).empty());
}

TEST_CASE("Ctrl-C stops gracefully (exit 130, trials recorded) and running again resumes", "[e2e][slow]") {
  TempDir dir;
  SpecOptions o;
  o.name = "interrupt";
  o.parallel = 2;
  o.max_trials = 2;
  auto gate = (dir / "gate").string();
  o.command = {"/bin/sh", "-c",
               "if [ -f " + gate + " ]; then echo loss=${trialParameters.x}; else sleep 30; fi"};
  auto spec = dir.write("interrupt.yaml", build_spec(o));
  auto db = (dir / "interrupt.db").string();

  Process engine({sextant_binary(), "--db", db, "run", "-f", spec, "--progress", "lines", "--grace", "1"});
  wait_for_trials(db, "interrupt", [](const json& t) { return count_state(t, "Running") == 2; });

  // A second engine on the same database refuses clearly.
  auto second = run_sextant({"--db", db, "run", "-f", spec});
  CHECK(second.exit_code == 4);
  CHECK_THAT(second.err, Catch::Contains("another sextant engine"));

  auto started = std::chrono::steady_clock::now();
  engine.signal(SIGINT);
  auto stopped = engine.wait(std::chrono::seconds(30));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK(stopped.exit_code == 130);
  auto interrupted = trials_of(db, "interrupt");
  REQUIRE(interrupted.size() == 2);
  CHECK(count_state(interrupted, "Killed") == 2);
  CHECK(interrupted[0]["status"]["conditions"].back()["reason"] == "TrialInterrupted");

  std::ofstream(gate) << "open";
  auto resumed = run_sextant({"--db", db, "run", "-f", spec, "--progress", "lines"});
  INFO(resumed.err);
  CHECK(resumed.exit_code == 0);
  auto done = trials_of(db, "interrupt");
  REQUIRE(done.size() == 2);
  CHECK(count_state(done, "Succeeded") == 2);
  CHECK(done[0]["metadata"]["name"] == interrupted[0]["metadata"]["name"]);
}

TEST_CASE("resuming with a changed search space is refused, a raised budget restarts", "[e2e]") {
  TempDir dir;
  SpecOptions o;
  o.name = "budget";
  o.parallel = 1;
  o.max_trials = 2;
  o.command = {"/bin/sh", "-c", "echo loss=${trialParameters.x}"};
  auto spec = dir.write("budget.yaml", build_spec(o));
  auto db = (dir / "budget.db").string();
  REQUIRE(run_sextant({"--db", db, "run", "-f", spec, "--progress", "none"}).exit_code == 0);

  o.max_trials = 4;
  dir.write("budget.yaml", build_spec(o));
  auto more = run_sextant({"--db", db, "run", "-f", spec, "--progress", "none"});
  CHECK(more.exit_code == 0);
  CHECK(trials_of(db, "budget").size() == 4);

  o.parameters = "    - name: x\n      parameterType: double\n      feasibleSpace:\n        min: \"0\"\n        max: \"2\"\n";
  dir.write("budget.yaml", build_spec(o));
  auto changed = run_sextant({"--db", db, "run", "-f", spec, "--progress", "none"});
  CHECK(changed.exit_code == 4);
  CHECK_THAT(changed.err, Catch::Contains("spec.parameters"));
  CHECK(trials_of(db, "budget").size() == 4);
}
