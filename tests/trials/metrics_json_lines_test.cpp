// Katib's JSON metrics format, with sextant's additions (numeric values, steps).
#include <catch2/catch.hpp>

#include "trials/metrics/json_lines_parser.hpp"

using sextant::engine::MetricReport;
using sextant::trials::JsonLinesParser;

TEST_CASE("json metrics: Katib's good.json fixture", "[trials][metrics]") {
  JsonLinesParser parser({"acc", "loss"});
  const char* lines[] = {
      R"({"checkpoint_path": "", "global_step": "0", "loss": "0.22082142531871796", "timestamp": 1638422847.28721, "trial": "0"})",
      R"({"acc": "0.9349666833877563", "checkpoint_path": "", "global_step": "0", "timestamp": 1638422847.287801, "trial": "0"})",
      R"({"checkpoint_path": "", "global_step": "1", "loss": "0.1414974331855774", "timestamp": "2021-12-02T14:27:50.000035161Z", "trial": "0"})",
      R"({"acc": "0.9586416482925415", "checkpoint_path": "", "global_step": "1", "timestamp": "2021-12-02T14:27:50.000037459Z", "trial": "0"})",
      R"({"checkpoint_path": "", "global_step": "2", "loss": "0.10683439671993256", "trial": "0"})",
  };
  std::vector<MetricReport> reports;
  for (const char* line : lines) CHECK(parser.parse_line(line, reports).empty());
  REQUIRE(reports.size() == 5);
  CHECK(reports[0].metric == "loss");
  CHECK(reports[0].value == "0.22082142531871796");
  CHECK(reports[0].step == 0);
  // Fractional unix seconds are seconds (Katib reads the fraction as nanoseconds).
  CHECK(reports[0].time == Approx(1638422847.28721).margin(1e-6));
  CHECK(reports[1].metric == "acc");
  CHECK(reports[1].value == "0.9349666833877563");
  CHECK(reports[2].step == 1);
  CHECK(reports[2].time == Approx(1638455270.000035).margin(1e-5));
  CHECK(reports[4].value == "0.10683439671993256");
  CHECK(reports[4].step == 2);
  CHECK(reports[4].time == 0);
}

TEST_CASE("json metrics: numbers accepted and other types ignored", "[trials][metrics]") {
  JsonLinesParser parser({"loss", "acc", "note"});
  std::vector<MetricReport> reports;
  CHECK(parser.parse_line(R"({"loss": 0.1, "acc": 97, "note": true, "step": 4})", reports).empty());
  CHECK(parser.parse_line(R"({"loss": null, "acc": [1], "note": ""})", reports).empty());
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].value == "0.1");
  CHECK(reports[0].step == 4);
  CHECK(reports[1].value == "97");
}

TEST_CASE("json metrics: step keys in order of preference", "[trials][metrics]") {
  JsonLinesParser parser({"loss"});
  auto step_of = [&](const std::string& line) {
    std::vector<MetricReport> reports;
    parser.parse_line(line, reports);
    REQUIRE(reports.size() == 1);
    return reports[0].step;
  };
  CHECK(step_of(R"({"loss": "1", "epoch": 9, "global_step": 20, "step": 7})") == 7);
  CHECK(step_of(R"({"loss": "1", "epoch": 9, "global_step": "20"})") == 20);
  CHECK(step_of(R"({"loss": "1", "epoch": 9.0})") == 9);
  CHECK(step_of(R"({"loss": "1", "step": "x", "epoch": 2})") == 2);
  CHECK_FALSE(step_of(R"({"loss": "1", "step": 1.5})").has_value());
  CHECK_FALSE(step_of(R"({"loss": "1"})").has_value());
}

TEST_CASE("json metrics: bad lines are reported but not fatal and blank lines are skipped",
          "[trials][metrics]") {
  JsonLinesParser parser({"loss"});
  std::vector<MetricReport> reports;
  std::string error = parser.parse_line(R"("checkpoint_path": "", "loss": "0.2")", reports);
  CHECK_THAT(error, Catch::StartsWith("not a JSON object"));
  CHECK_THAT(parser.parse_line("[1, 2]", reports), Catch::Contains("found a JSON array"));
  CHECK_THAT(parser.parse_line(R"({"loss": "0.2")", reports),
             Catch::StartsWith("not a JSON object"));
  CHECK(parser.parse_line("   ", reports).empty());
  CHECK(reports.empty());
  CHECK(parser.parse_line(R"({"loss": "0.3", "timestamp": "invalid"})", reports).empty());
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].time == 0);
}
