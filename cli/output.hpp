// Printing records as table, json, yaml or csv (data on stdout; the same choices everywhere).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sextant::cli {

enum class OutputFormat { kTable, kJson, kYaml, kCsv };
OutputFormat parse_output_format(const std::string& text);  // throws Error(kInvalidArgument)

// A set of records: `rows` feed table and csv, `objects` feed json and yaml.
struct Records {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  nlohmann::json objects;
};

void print_records(std::ostream& out, const Records& records, OutputFormat format);
void print_document(std::ostream& out, const nlohmann::json& document, OutputFormat format);

// Six significant digits for tables (full precision stays in json/yaml/csv).
std::string short_number(const std::string& value);
std::string human_duration(double seconds);
std::string truncate(const std::string& text, size_t width);

}  // namespace sextant::cli
