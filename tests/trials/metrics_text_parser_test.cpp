// Katib's TEXT metrics format: the default regex, custom filters, timestamps, what is dropped.
#include <catch2/catch.hpp>

#include "engine/error.hpp"
#include "trials/metrics/text_metrics_parser.hpp"

using sextant::engine::MetricReport;
using sextant::trials::TextMetricsParser;

namespace {

const std::string kKatibFilter = R"({metricName: ([\w|-]+), metricValue: ((-?\d+)(\.\d+)?)})";

// "name=value" pairs, in report order.
std::vector<std::string> pairs(const std::vector<MetricReport>& reports) {
  std::vector<std::string> out;
  for (const auto& r : reports) out.push_back(r.metric + "=" + r.value);
  return out;
}

using Strings = std::vector<std::string>;

}  // namespace

TEST_CASE("text metrics: Katib's default regex", "[trials][metrics]") {
  TextMetricsParser parser({"loss", "accuracy", "Score"}, {});
  CHECK_FALSE(parser.custom_filters());
  CHECK(pairs(parser.parse_line("loss=0.3")) == Strings{"loss=0.3"});
  CHECK(pairs(parser.parse_line("accuracy=.98")) == Strings{"accuracy=.98"});
  CHECK(pairs(parser.parse_line("Score=-7.53e-05")) == Strings{"Score=-7.53e-05"});
  CHECK(pairs(parser.parse_line("Score=1E0")) == Strings{"Score=1E0"});
  CHECK(pairs(parser.parse_line("epoch 3: loss = 0.25 accuracy=0.9")) ==
        Strings{"loss=0.25", "accuracy=0.9"});
  CHECK(pairs(parser.parse_line("loss=+1.5e3,accuracy=-2")) ==
        Strings{"loss=+1.5e3", "accuracy=-2"});
  // No step, no time without a timestamp: the runner stamps arrival time.
  auto reports = parser.parse_line("loss=0.3");
  REQUIRE(reports.size() == 1);
  CHECK_FALSE(reports[0].step.has_value());
  CHECK(reports[0].time == 0);
  CHECK(reports[0].trial.empty());
}

TEST_CASE("text metrics: names not requested are ignored", "[trials][metrics]") {
  TextMetricsParser parser({"loss"}, {});
  CHECK(pairs(parser.parse_line("val_loss=0.1 loss=0.2 train-loss=0.3")) == Strings{"loss=0.2"});
  CHECK(parser.parse_line("accuracy=0.9").empty());
  CHECK(parser.parse_line("Loss=0.9").empty());
}

TEST_CASE("text metrics: garbage and empty values are dropped", "[trials][metrics]") {
  TextMetricsParser parser({"loss", "accuracy"}, {});
  for (const char* line : {"loss=abc", "loss=", "loss=+", "loss=-", "loss = .", "loss=e5",
                           "the loss was high", "accuracy: 0.9", "", "loss=nan", "loss=inf"})
    CHECK(parser.parse_line(line).empty());
  CHECK(pairs(parser.parse_line("loss=abc accuracy=0.5")) == Strings{"accuracy=0.5"});
}

TEST_CASE("text metrics: a leading RFC 3339 timestamp sets the time", "[trials][metrics]") {
  TextMetricsParser parser({"loss"}, {});
  auto r = parser.parse_line("2024-03-04T17:55:08Z INFO loss=0.5");
  REQUIRE(r.size() == 1);
  CHECK(r[0].time == Approx(1709574908.0));
  r = parser.parse_line("2021-12-02T14:27:50.000035161Z loss=0.5");
  REQUIRE(r.size() == 1);
  CHECK(r[0].time == Approx(1638455270.000035161).margin(1e-5));
  r = parser.parse_line("2021-12-02T14:27:50+09:00 loss=0.5");
  REQUIRE(r.size() == 1);
  CHECK(r[0].time == Approx(1638422870.0));
  r = parser.parse_line("invalid loss=0.5");
  REQUIRE(r.size() == 1);
  CHECK(r[0].time == 0);
  // A token shaped like a time but not a real one is no time either.
  r = parser.parse_line("2023-02-29T17:55:08Z loss=0.5");
  REQUIRE(r.size() == 1);
  CHECK(r[0].time == 0);
}

TEST_CASE("text metrics: Katib's custom filter test table", "[trials][metrics]") {
  TextMetricsParser parser({"accuracy", "loss"}, {kKatibFilter});
  CHECK(parser.custom_filters());
  const char* log[] = {
      "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: 0.8078};{metricName: "
      "loss, metricValue: 0.5183}",
      "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: 0.6752}",
      "2024-03-04T17:55:08Z INFO     {metricName: loss, metricValue: 0.3634}",
      "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: 100}",
      "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: 888.333}",
      "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: -0.4759}",
      "{metricName: loss, metricValue: 0.8671}",
  };
  std::vector<MetricReport> reports;
  for (const char* line : log) parser.parse_line(line, reports);
  CHECK(pairs(reports) == Strings{"accuracy=0.8078", "loss=0.5183", "accuracy=0.6752",
                                  "loss=0.3634", "accuracy=100", "accuracy=888.333",
                                  "accuracy=-0.4759", "loss=0.8671"});
  for (size_t i = 0; i + 1 < reports.size(); ++i) CHECK(reports[i].time == Approx(1709574908.0));
  CHECK(reports.back().time == 0);

  // Katib's invalid-value and invalid-format cases report nothing.
  for (const char* line :
       {"2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: .333}",
        "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: -.333}",
        "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: - 345.333}",
        "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: 888.}",
        "2024-03-04T17:55:08Z INFO     {metricName: accuracy, metricValue: 0.6752"})
    CHECK(parser.parse_line(line).empty());
}

TEST_CASE("text metrics: custom filters keep non-numeric values (DARTS genotype)",
          "[trials][metrics]") {
  TextMetricsParser parser({"Best-Genotype"}, {R"(([\w-]+)=(Genotype.*))"});
  auto r = parser.parse_line(
      "Best-Genotype=Genotype(normal=[[('sep_conv_3x3', 0)]], normal_concat=range(2, 6))");
  REQUIRE(r.size() == 1);
  CHECK(r[0].value == "Genotype(normal=[[('sep_conv_3x3', 0)]], normal_concat=range(2, 6))");
}

TEST_CASE("text metrics: several filters and a bad filter is a clear error", "[trials][metrics]") {
  TextMetricsParser parser({"loss", "acc"}, {R"((loss):\s*(\S+))", R"((?i)(acc)\s+is\s+(\d+))"});
  CHECK(pairs(parser.parse_line("loss: 0.4 acc IS 7")) == Strings{"loss=0.4", "acc=7"});
  try {
    TextMetricsParser bad({"loss"}, {R"(([\w]+)=(\d+))", "((unclosed"});
    FAIL("expected an error");
  } catch (const sextant::Error& e) {
    CHECK(e.field_path() == "spec.metricsCollectorSpec.source.filter.metricsFormat[1]");
    CHECK_THAT(e.message(), Catch::Contains("((unclosed"));
  }
}

TEST_CASE("text metrics: Go RE2 filter syntax", "[trials][metrics]") {
  // Named groups, literal braces and real repetitions, as a Go regexp reads them.
  TextMetricsParser parser({"loss"}, {R"({(?P<name>loss)} is (?P<value>\d{1,3}(\.\d+)?))"});
  CHECK(pairs(parser.parse_line("{loss} is 12.5 and {loss} is 1234")) ==
        Strings{"loss=12.5", "loss=123"});
}

TEST_CASE("text parser: a step, global_step or epoch pair gives the line's step") {
  TextMetricsParser parser({"loss", "accuracy"}, {});
  auto reports = parser.parse_line("epoch=3 loss=0.25 accuracy=0.9");
  REQUIRE(reports.size() == 2);
  CHECK(reports[0].step == 3);
  CHECK(reports[1].step == 3);
  // step wins over epoch wherever it is on the line; a non-integer step is ignored.
  reports = parser.parse_line("epoch=2 loss=0.5 step=40");
  REQUIRE(reports.size() == 1);
  CHECK(reports[0].step == 40);
  CHECK_FALSE(parser.parse_line("epoch=2.5 loss=0.5")[0].step.has_value());
  CHECK_FALSE(parser.parse_line("loss=0.5")[0].step.has_value());
  // A metric called epoch is a metric, not a step.
  TextMetricsParser epochs({"epoch", "loss"}, {});
  reports = epochs.parse_line("epoch=7 loss=0.1");
  REQUIRE(reports.size() == 2);
  CHECK_FALSE(reports[1].step.has_value());
}
