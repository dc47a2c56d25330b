// Block-style YAML for a JSON document (`-o yaml`), written so that any YAML reader gets the
// same values back: strings that would read as something else are quoted.
#include <cmath>
#include <cstdio>

#include "engine/spec/spec_loader.hpp"
#include "engine/spec/yaml_scalar.hpp"

namespace sextant::engine {

namespace {

using nlohmann::json;

bool needs_quotes(const std::string& s) {
  if (s.empty() || plain_scalar_changes_type(s) || s == "<<") return true;
  if (s.front() == ' ' || s.back() == ' ' || s.back() == ':') return true;
  // Indicators that start something other than a plain scalar.
  static const std::string kLeading = "?:,[]{}#&*!|>'\"%@`";
  if (kLeading.find(s.front()) != std::string::npos) return true;
  if (s.front() == '-' && (s.size() == 1 || s[1] == ' ')) return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos) return true;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// A multi-line string as a literal block ("|"), when it can be written that way exactly.
bool literal_block(const std::string& s, int indent, std::string& out) {
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
  size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  std::string body = s.substr(0, s.size() - trailing);
  // Trailing spaces on a line are kept by readers, but a line of only spaces is ambiguous.
  for (size_t at = 0; at <= body.size();) {
    auto end = body.find('\n', at);
    if (end == std::string::npos) end = body.size();
    auto line = body.substr(at, end - at);
    if (!line.empty() && line.find_first_not_of(' ') == std::string::npos) return false;
    at = end + 1;
  }
  out += trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+";
  std::string pad(indent, ' ');
  size_t at = 0;
  std::string content = trailing > 1 ? s.substr(0, s.size() - 1) : body;
  while (at <= content.size()) {
    auto end = content.find('\n', at);
    if (end == std::string::npos) end = content.size();
    auto line = content.substr(at, end - at);
    out += "\n" + (line.empty() ? std::string() : pad + line);
    at = end + 1;
  }
  out += "\n";
  return true;
}

std::string scalar_text(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return v.get<bool>() ? "true" : "false";
    case json::value_t::number_float: {
      double d = v.get<double>();
      if (std::isnan(d)) return ".nan";
      if (std::isinf(d)) return d > 0 ? ".inf" : "-.inf";
      return v.dump();
    }
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
      return v.dump();
    case json::value_t::string: {
      const auto& s = v.get_ref<const std::string&>();
      return needs_quotes(s) ? double_quoted(s) : s;
    }
    case json::value_t::array:
      return "[]";
    case json::value_t::object:
      return "{}";
    default:
      return "null";
  }
}

bool is_block(const json& v) {
  return (v.is_object() || v.is_array()) && !v.empty();
}

void emit(const json& v, int indent, bool first_inline, std::string& out);

// The value after "key:" or "- ": on the same line when scalar, else on the next lines.
void emit_value(const json& v, int indent, std::string& out, bool after_dash) {
  if (v.is_string() && v.get_ref<const std::string&>().find('\n') != std::string::npos) {
    std::string block = " ";
    if (literal_block(v.get_ref<const std::string&>(), indent + 2, block)) {
      out += block;
      return;
    }
  }
  if (!is_block(v)) {
    out += " " + scalar_text(v) + "\n";
    return;
  }
  if (after_dash) {
    out += " ";
    emit(v, indent + 2, true, out);
    return;
  }
  out += "\n";
  emit(v, indent + 2, false, out);
}

void emit(const json& v, int indent, bool first_inline, std::string& out) {
  std::string pad(indent, ' ');
  bool first = true;
  if (v.is_object()) {
    for (const auto& [key, value] : v.items()) {
      if (!(first && first_inline)) out += pad;
      first = false;
      out += (needs_quotes(key) ? double_quoted(key) : key) + ":";
      emit_value(value, indent, out, false);
    }
  } else {
    for (const auto& item : v) {
      if (!(first && first_inline)) out += pad;
      first = false;
      out += "-";
      emit_value(item, indent, out, true);
    }
  }
}

}  // namespace

std::string to_yaml(const json& document) {
  std::string out;
  if (!is_block(document)) {
    if (document.is_string()) {
      std::string block;
      if (literal_block(document.get_ref<const std::string&>(), 2, block)) return block;
    }
    return scalar_text(document) + "\n";
  }
  emit(document, 0, false, out);
  return out;
}

}  // namespace sextant::engine
