// Table, JSON, YAML and CSV renderers.
#include "cli/output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "engine/error.hpp"
#include "engine/spec/spec_loader.hpp"
#include "engine/util/numbers.hpp"

namespace sextant::cli {

OutputFormat parse_output_format(const std::string& text) {
  if (text == "table" || text.empty()) return OutputFormat::kTable;
  if (text == "json") return OutputFormat::kJson;
  if (text == "yaml") return OutputFormat::kYaml;
  if (text == "csv") return OutputFormat::kCsv;
  throw Error(ErrorCode::kInvalidArgument,
              "unknown output format \"" + text + "\"; expected table, json, yaml or csv", "-o");
}

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void print_table(std::ostream& out, const Records& r) {
  std::vector<size_t> width(r.columns.size());
  for (size_t c = 0; c < r.columns.size(); ++c) width[c] = r.columns[c].size();
  for (const auto& row : r.rows)
    for (size_t c = 0; c < row.size() && c < width.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (size_t c = 0; c < cells.size() && c < width.size(); ++c) {
      text += cells[c];
      if (c + 1 < cells.size()) text += std::string(width[c] - cells[c].size() + 2, ' ');
    }
    out << text << '\n';
  };
  line(r.columns);
  for (const auto& row : r.rows) line(row);
}

}  // namespace

void print_document(std::ostream& out, const nlohmann::json& document, OutputFormat format) {
  if (format == OutputFormat::kYaml)
    out << engine::to_yaml(document);
  else
    out << document.dump(2) << '\n';
}

void print_records(std::ostream& out, const Records& r, OutputFormat format) {
  switch (format) {
    case OutputFormat::kTable:
      print_table(out, r);
      return;
    case OutputFormat::kJson:
    case OutputFormat::kYaml:
      print_document(out, r.objects, format);
      return;
    case OutputFormat::kCsv: {
      auto line = [&](const std::vector<std::string>& cells) {
        for (size_t c = 0; c < cells.size(); ++c) out << (c ? "," : "") << csv_field(cells[c]);
        out << "\r\n";
      };
      line(r.columns);
      for (const auto& row : r.rows) line(row);
      return;
    }
  }
}

std::string short_number(const std::string& value) {
  auto number = engine::parse_finite_number(value);
  if (!number) return value;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", *number);
  return buf;
}

std::string human_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  char buf[32];
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%.1fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buf, sizeof buf, "%dm%02ds", int(seconds) / 60, int(seconds) % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%dh%02dm", int(seconds) / 3600, (int(seconds) % 3600) / 60);
  }
  return buf;
}

std::string truncate(const std::string& text, size_t width) {
  std::string flat = text;
  std::replace(flat.begin(), flat.end(), '\n', ' ');
  if (flat.size() <= width) return flat;
  return flat.substr(0, width > 3 ? width - 3 : 0) + "...";
}

}  // namespace sextant::cli
