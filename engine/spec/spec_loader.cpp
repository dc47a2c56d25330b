// Loading an Experiment: parse, pick the Experiment document, default, read, validate, locate.
#include "engine/spec/spec_loader.hpp"

#include <algorithm>
#include <climits>
#include <fstream>
#include <sstream>

#include "engine/spec/defaults.hpp"
#include "engine/spec/normalize.hpp"
#include "engine/spec/spec_builder.hpp"
#include "engine/spec/validate.hpp"
#include "engine/spec/yaml_document.hpp"

namespace sextant::engine {

namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t kMaxSpecBytes = 16u << 20;

std::vector<Diagnostic> locate(const ProblemList& problems, const LocatedDocument* doc,
                               const std::string& file) {
  std::vector<Diagnostic> out;
  for (const auto& p : problems.items()) {
    SourceMark mark = doc != nullptr ? doc->locate(p.path) : SourceMark{};
    out.push_back({file, mark.line, mark.column, p.path, p.message});
  }
  // Unlocated problems (none when read from a file) go last.
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    int la = a.line > 0 ? a.line : INT_MAX, lb = b.line > 0 ? b.line : INT_MAX;
    return la != lb ? la < lb : a.column < b.column;
  });
  return out;
}

const LocatedDocument& select_experiment(const std::vector<LocatedDocument>& docs,
                                         const std::string& file) {
  std::vector<std::string> kinds;
  for (const auto& doc : docs) {
    if (!doc.value.is_object()) continue;
    auto kind = doc.value.find("kind");
    if (kind != doc.value.end() && kind->is_string()) {
      if (*kind == "Experiment") return doc;
      kinds.push_back(kind->get<std::string>());
    }
  }
  if (docs.empty() || std::all_of(docs.begin(), docs.end(),
                                  [](const LocatedDocument& d) { return d.value.is_null(); }))
    throw SpecError({{file, 0, 0, "",
                      "the file holds no YAML document; expected a Katib "
                      "Experiment (apiVersion: kubeflow.org/v1beta1)"}});
  const auto& first = docs.front();
  auto mark = first.locate("kind");
  std::string found = kinds.empty() ? "no document has a kind" : "found: " + join_names(kinds);
  throw SpecError({{file, mark.line, mark.column, "kind",
                    "no document of kind Experiment in the file (" + found + ")"}});
}

// Defaults, typed reading and every check; throws SpecError with every problem located.
ExperimentSpec finish(nlohmann::json document, const LocatedDocument* located,
                      const std::string& file_name, const fs::path& code_dir,
                      const SpecCatalog* catalog) {
  normalize_katib_strings(
      document, located != nullptr ? located->number_texts : std::map<std::string, std::string>{});
  apply_katib_defaults(document);
  ProblemList problems;
  auto spec = build_experiment_spec(document, problems);
  spec.source_file = file_name;
  spec.code_dir = code_dir;
  check_cross_fields(spec, problems);
  if (catalog != nullptr) check_against_catalog(spec, *catalog, problems);
  if (!problems.empty()) throw SpecError(locate(problems, located, file_name));
  return spec;
}

}  // namespace

const std::vector<std::string>& katib_algorithm_names() {
  static const std::vector<std::string> kNames{"random", "grid",
                                               "sobol",  "bayesianoptimization",
                                               "tpe",    "multivariate-tpe",
                                               "cmaes",  "hyperband",
                                               "pbt",    "enas",
                                               "darts"};
  return kNames;
}

ExperimentSpec parse_experiment(const std::string& text, const std::string& file_name,
                                const fs::path& code_dir, const SpecCatalog& catalog) {
  auto docs = parse_yaml_documents(text, file_name);
  const auto& chosen = select_experiment(docs, file_name);
  return finish(chosen.value, &chosen, file_name, code_dir, &catalog);
}

ExperimentSpec load_experiment_file(const fs::path& file, const SpecCatalog& catalog) {
  std::error_code ec;
  auto status = fs::status(file, ec);
  if (ec || !fs::exists(status))
    throw Error(ErrorCode::kNotFound, file.string() + ": no such file");
  if (fs::is_directory(status))
    throw Error(ErrorCode::kInvalidArgument,
                file.string() + ": is a directory; expected an Experiment spec file");
  auto size = fs::file_size(file, ec);
  if (!ec && size > kMaxSpecBytes)
    throw Error(ErrorCode::kInvalidArgument, file.string() + ": is " + std::to_string(size >> 20) +
                                                 " MiB; an Experiment spec is at most 16 MiB");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw Error(ErrorCode::kInvalidArgument, file.string() + ": cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  auto code_dir = fs::absolute(file, ec).lexically_normal().parent_path();
  return parse_experiment(text.str(), file.string(), code_dir, catalog);
}

ExperimentSpec spec_from_document(const nlohmann::json& document, const std::string& source_file,
                                  const fs::path& code_dir) {
  return finish(document, nullptr, source_file, code_dir, nullptr);
}

}  // namespace sextant::engine
