// TensorFlow event files (written with python3-protobuf by tests/support/tf_events) read without
// TensorFlow: every way a scalar is stored, Katib's metric-name rule, broken files.
#include <catch2/catch.hpp>

#include <fstream>

#include <nlohmann/json.hpp>

#include "tests/e2e/process.hpp"
#include "trials/metrics/tf_event_reader.hpp"

using namespace sextant::testing;
using nlohmann::json;
using sextant::trials::read_tf_event_file;
using sextant::trials::tf_event_metrics;

namespace {

void write_events(const std::filesystem::path& file, const json& events) {
  std::filesystem::create_directories(file.parent_path());
  Process writer({"/usr/bin/python3",
                  SEXTANT_SOURCE_DIR "/tests/support/tf_events/write_tf_events.py", file.string(),
                  events.dump()});
  auto done = writer.wait();
  INFO(done.err);
  REQUIRE(done.exit_code == 0);
}

}  // namespace

TEST_CASE("tf events: simple values and float, double and raw-content scalar tensors",
          "[trials][metrics]") {
  TempDir dir;
  auto file = dir.path() / "events.out.tfevents.1.host";
  write_events(file, json::parse(R"([
    {"step": 1, "wall_time": 1700000000.5, "values": [
      {"tag": "accuracy", "simple": 0.5}, {"tag": "loss", "float_tensor": 0.1}]},
    {"step": 2, "wall_time": 1700000001.25, "values": [
      {"tag": "x", "double_tensor": 0.1}, {"tag": "y", "content_tensor": 0.75}]}])"));
  std::string problem = "unset";
  auto scalars = read_tf_event_file(file, &problem);
  CHECK(problem.empty());
  REQUIRE(scalars.size() == 4);
  CHECK(scalars[0].tag == "accuracy");
  CHECK(scalars[0].value == "0.5");
  CHECK(scalars[0].step == 1);
  CHECK(scalars[0].wall_time == 1700000000.5);
  CHECK(scalars[1].value == "0.1");  // a float32 printed as Python prints numpy's float32
  CHECK(scalars[2].value == "0.1");  // a float64
  CHECK(scalars[2].step == 2);
  CHECK(scalars[3].value == "0.75");
}

TEST_CASE("tf events: Katib's rule maps metric names to directories and tag prefixes",
          "[trials][metrics]") {
  TempDir dir;
  write_events(dir.path() / "train" / "events.out.tfevents.1",
               json::parse(R"([{"step": 1, "wall_time": 1, "values": [
                 {"tag": "accuracy", "simple": 0.25}, {"tag": "loss", "simple": 2}]}])"));
  write_events(dir.path() / "test" / "events.out.tfevents.2",
               json::parse(R"([{"step": 1, "wall_time": 2, "values": [
                 {"tag": "accuracy_1", "simple": 0.75}]}])"));
  std::ofstream(dir.path() / "test" / "notes.txt") << "not an event file";
  std::vector<std::string> notes;
  auto reports = tf_event_metrics(dir.path(), {"test/accuracy", "loss"}, &notes);
  CHECK(notes.empty());
  REQUIRE(reports.size() == 2);
  // "test/accuracy": only files under a directory ending in "test", tags starting "accuracy".
  CHECK(reports[0].metric == "test/accuracy");
  CHECK(reports[0].value == "0.75");
  CHECK(reports[0].time == 2);
  CHECK(reports[1].metric == "loss");
  CHECK(reports[1].value == "2");
}

TEST_CASE("tf events: a truncated or foreign file stops with the reason", "[trials][metrics]") {
  TempDir dir;
  auto file = dir.path() / "events.out.tfevents.1";
  write_events(file, json::parse(R"([{"step": 1, "wall_time": 1, "values": [
                 {"tag": "loss", "simple": 0.5}]},
               {"step": 2, "wall_time": 2, "values": [{"tag": "loss", "simple": 0.25}]}])"));
  // Cut the last record in half, as a reader racing the writer would see it.
  auto size = std::filesystem::file_size(file);
  std::filesystem::resize_file(file, size - 10);
  std::string problem;
  auto scalars = read_tf_event_file(file, &problem);
  REQUIRE(scalars.size() == 1);
  CHECK(scalars[0].value == "0.5");
  CHECK_THAT(problem, Catch::Contains("truncated record"));

  auto foreign = dir.path() / "sub" / "x.tfevents.txt";
  std::filesystem::create_directories(foreign.parent_path());
  std::ofstream(foreign) << "loss=0.1 this is text, not TFRecords\n";
  CHECK(read_tf_event_file(foreign, &problem).empty());
  CHECK_THAT(problem, Catch::Contains("wrong checksum"));
  std::vector<std::string> notes;
  tf_event_metrics(dir.path(), {"loss"}, &notes);
  CHECK(notes.size() == 2);
}
