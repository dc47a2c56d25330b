// YAML to nlohmann::json with field positions; yaml-cpp is wrapped here and nowhere else.
#include "engine/spec/yaml_document.hpp"

#include <set>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include "engine/spec/diagnostic.hpp"
#include "engine/spec/field_path.hpp"
#include "engine/spec/yaml_scalar.hpp"

namespace sextant::engine {

namespace {

// Aliases let a short file expand to an enormous value ("billion laughs"), and a node may alias
// itself; both are cut off rather than exhausting memory or the stack.
constexpr int kMaxDepth = 200;
constexpr size_t kMaxValues = 500000;

SourceMark to_mark(const YAML::Mark& mark) {
  if (mark.line < 0 || mark.column < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

bool is_plain(const YAML::Node& node) {
  return node.Tag() == "?";
}

class Converter {
 public:
  Converter(LocatedDocument& doc, std::vector<Diagnostic>& errors, const std::string& file)
      : doc_(doc), errors_(errors), file_(file) {}

  nlohmann::json convert(const YAML::Node& node, const std::string& path, int depth) {
    if (++values_ > kMaxValues) {
      fail(node, path,
           "the document expands to more than " + std::to_string(kMaxValues) +
               " values (aliases nested too deeply?)");
      return nullptr;
    }
    if (depth > kMaxDepth) {
      fail(node, path,
           "the document is nested more than " + std::to_string(kMaxDepth) +
               " levels deep (an alias refers to itself?)");
      return nullptr;
    }
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nullptr;
      case YAML::NodeType::Scalar:
        return scalar(node, path);
      case YAML::NodeType::Sequence: {
        auto out = nlohmann::json::array();
        size_t i = 0;
        for (const auto& item : node) {
          auto item_path = path_index(path, i++);
          mark(item_path, item, node);
          out.push_back(convert(item, item_path, depth + 1));
          if (failed_) return nullptr;
        }
        return out;
      }
      case YAML::NodeType::Map:
        return map(node, path, depth);
    }
    return nullptr;
  }

  bool failed() const { return failed_; }

 private:
  nlohmann::json scalar(const YAML::Node& node, const std::string& path) {
    const std::string& text = node.Scalar();
    const std::string& tag = node.Tag();
    if (tag == "!" || tag == "tag:yaml.org,2002:str" || tag == "tag:yaml.org,2002:binary")
      return text;
    auto value = resolve_plain_scalar(text);
    if (value.is_number() && is_plain(node)) doc_.number_texts[path] = text;
    return value;
  }

  nlohmann::json map(const YAML::Node& node, const std::string& path, int depth) {
    auto out = nlohmann::json::object();
    // Merged entries ("<<: *defaults") go in first so that explicit keys override them, values
    // and positions alike; earlier merge sources win over later ones.
    for (const auto& entry : node) {
      if (!entry.first.IsScalar() || entry.first.Scalar() != "<<" || !is_plain(entry.first))
        continue;
      const YAML::Node& merge = entry.second;
      std::vector<YAML::Node> sources;
      if (merge.IsMap())
        sources.push_back(merge);
      else if (merge.IsSequence())
        for (const auto& s : merge) sources.push_back(s);
      if (sources.empty()) {
        fail(entry.first, path, "a merge key (<<) must refer to a map or a list of maps");
        return nullptr;
      }
      for (const auto& source : sources) {
        if (!source.IsMap()) {
          fail(source, path, "a merge key (<<) must refer to a map or a list of maps");
          return nullptr;
        }
        auto merged = map(source, path, depth + 1);
        if (failed_) return nullptr;
        for (auto& [k, v] : merged.items())
          if (!out.contains(k)) out[k] = std::move(v);
      }
    }
    std::set<std::string> seen;
    for (const auto& entry : node) {
      const YAML::Node& key = entry.first;
      if (!key.IsScalar()) {
        fail(key.IsDefined() && !key.IsNull() ? key : node, path,
             "map keys must be plain strings, found a " + std::string(key.IsMap()        ? "map"
                                                                      : key.IsSequence() ? "list"
                                                                                         : "null"));
        return nullptr;
      }
      const std::string& name = key.Scalar();
      if (name == "<<" && is_plain(key)) continue;
      auto child = path_key(path, name);
      if (!seen.insert(name).second) {
        fail(key, child, "duplicate key \"" + name + "\"");
        return nullptr;
      }
      const YAML::Node& value = entry.second;
      auto at = to_mark(value.IsScalar() ? value.Mark() : key.Mark());
      doc_.marks[child] = at.line > 0 ? at : to_mark(key.Mark());
      out[name] = convert(value, child, depth + 1);
      if (failed_) return nullptr;
    }
    return out;
  }

  void mark(const std::string& path, const YAML::Node& item, const YAML::Node& parent) {
    auto m = to_mark(item.Mark());
    if (m.line == 0) m = to_mark(parent.Mark());
    doc_.marks[path] = m;
  }

  void fail(const YAML::Node& node, const std::string& path, const std::string& message) {
    if (failed_) return;
    failed_ = true;
    auto m = to_mark(node.Mark());
    if (m.line == 0) m = doc_.locate(path);
    errors_.push_back({file_, m.line, m.column, path, message});
  }

  LocatedDocument& doc_;
  std::vector<Diagnostic>& errors_;
  const std::string& file_;
  size_t values_ = 0;
  bool failed_ = false;
};

// yaml-cpp 0.7 never consumes a stray flow indicator at block level (", x" at the start of a
// document): LoadAll then appends empty documents until memory runs out. This first pass over
// the parser's events stops at the first document that is a lone null where the previous one
// was, which is where the parser is stuck.
class ProgressCheck final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override { events_ = 0; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { event(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { event(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    event(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    event(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    event(mark);
  }
  void OnMapEnd() override {}

  bool lone_event() const { return events_ == 1; }
  const YAML::Mark& mark() const { return mark_; }

 private:
  void event(const YAML::Mark& mark) {
    if (events_++ == 0) mark_ = mark;
  }
  size_t events_ = 0;
  YAML::Mark mark_;
};

constexpr size_t kMaxDocuments = 10000;

void check_parser_progress(const std::string& text, const std::string& file) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  ProgressCheck check;
  int previous_lone = -1;
  for (size_t documents = 0; parser.HandleNextDocument(check); ++documents) {
    auto m = to_mark(check.mark());
    if (check.lone_event() && check.mark().pos == previous_lone) {
      std::string found =
          check.mark().pos >= 0 && static_cast<size_t>(check.mark().pos) < text.size()
              ? std::string(1, text[check.mark().pos])
              : std::string("end of input");
      throw SpecError({{file, m.line, m.column, "", "invalid YAML: unexpected \"" + found + "\""}});
    }
    if (documents >= kMaxDocuments)
      throw SpecError({{file, m.line, m.column, "",
                        "more than " + std::to_string(kMaxDocuments) + " YAML documents"}});
    previous_lone = check.lone_event() ? check.mark().pos : -1;
  }
}

}  // namespace

SourceMark LocatedDocument::locate(const std::string& path) const {
  std::string p = path;
  while (true) {
    auto it = marks.find(p);
    if (it != marks.end() && it->second.line > 0) return it->second;
    if (p.empty()) return start;
    p = path_parent(p);
  }
}

std::vector<LocatedDocument> parse_yaml_documents(const std::string& text,
                                                  const std::string& file_name) {
  std::vector<YAML::Node> nodes;
  try {
    check_parser_progress(text, file_name);
    nodes = YAML::LoadAll(text);
  } catch (const YAML::Exception& e) {
    auto m = to_mark(e.mark);
    throw SpecError({{file_name, m.line, m.column, "", "invalid YAML: " + e.msg}});
  }
  std::vector<LocatedDocument> docs;
  std::vector<Diagnostic> errors;
  for (const auto& node : nodes) {
    LocatedDocument doc;
    doc.start = to_mark(node.Mark());
    Converter converter(doc, errors, file_name);
    try {
      doc.value = converter.convert(node, "", 0);
    } catch (const YAML::Exception& e) {
      auto m = to_mark(e.mark);
      errors.push_back({file_name, m.line, m.column, "", "invalid YAML: " + e.msg});
    }
    if (converter.failed() || !errors.empty()) break;
    docs.push_back(std::move(doc));
  }
  if (!errors.empty()) throw SpecError(errors);
  return docs;
}

}  // namespace sextant::engine
