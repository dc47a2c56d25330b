// YAML (and JSON, its flow subset) to nlohmann::json, remembering where each field is written.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace sextant::engine {

struct SourceMark {
  int line = 0;    // 1-based; 0 = unknown
  int column = 0;  // 1-based; 0 = unknown
};

// One YAML document: its value and, for every field path (see field_path.hpp), the position
// of the field in the text. Map entries holding a map or a list (or nothing) are marked at
// their key; scalar entries at the value; list items at the item.
struct LocatedDocument {
  nlohmann::json value;
  SourceMark start;
  std::map<std::string, SourceMark> marks;
  // The text of plain scalars that were typed as numbers ("0.010", "1e-3"), so that Katib's
  // string-valued numbers can keep the form the user wrote.
  std::map<std::string, std::string> number_texts;

  // The position of `path`, or of its nearest enclosing field when it is absent (a missing
  // required field is reported where its parent is written).
  SourceMark locate(const std::string& path) const;
};

// Parses every document of a YAML stream. Unquoted scalars are typed (null, bool, int, float)
// by the YAML 1.2 core schema; quoted and block scalars stay strings. Merge keys ("<<") are
// applied. Throws SpecError located at the parser's line and column for malformed YAML, and
// for duplicate keys, non-scalar keys, and documents nested or aliased beyond sane limits.
std::vector<LocatedDocument> parse_yaml_documents(const std::string& text,
                                                  const std::string& file_name);

}  // namespace sextant::engine
