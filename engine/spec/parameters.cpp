// Reading and checking Katib ParameterSpecs.
#include "engine/spec/parameters.hpp"

#include <map>
#include <set>

#include "engine/spec/field_path.hpp"
#include "engine/spec/field_reader.hpp"
#include "engine/spec/number_text.hpp"

namespace sextant::engine {

namespace {

using nlohmann::json;

struct Bound {
  bool present = false;
  bool ok = false;
  double value = 0;
  std::string text;
};

// min, max or step: Katib stores strings; numbers are accepted too.
Bound read_bound(const FieldReader& fs, const std::string& key, ParameterType type, Need need) {
  Bound b;
  const json* v = fs.get(key);
  if (v == nullptr) {
    if (need == Need::kRequired && fs.ok())
      fs.problems().add(fs.field(key),
                        std::string("is required for a ") + to_string(type) + " parameter");
    return b;
  }
  b.present = true;
  if (v->is_string())
    b.text = v->get<std::string>();
  else if (v->is_number_integer())
    b.text = v->dump();
  else if (v->is_number_float())
    b.text = format_double(v->get<double>());
  else {
    fs.problems().add(fs.field(key), "expected a number, found " + describe_value(*v));
    return b;
  }
  if (type == ParameterType::kInt) {
    long long n = 0;
    if (!parse_integer(b.text, n)) {
      fs.problems().add(fs.field(key),
                        "expected an integer for an int parameter, found " + describe_value(*v));
      return b;
    }
    b.value = static_cast<double>(n);
  } else if (!parse_decimal(b.text, b.value)) {
    fs.problems().add(fs.field(key), "expected a number, found " + describe_value(*v));
    return b;
  }
  b.ok = true;
  return b;
}

void read_range(const FieldReader& fs, ParameterSpec& spec) {
  ProblemList& problems = fs.problems();
  const char* type = to_string(spec.type);
  if (fs.has("list"))
    problems.add(fs.field("list"),
                 std::string("must not be set for a ") + type + " parameter (use min and max)");
  auto min = read_bound(fs, "min", spec.type, Need::kRequired);
  auto max = read_bound(fs, "max", spec.type, Need::kRequired);
  auto step = read_bound(fs, "step", spec.type, Need::kOptional);
  if (min.ok) spec.min = min.value;
  if (max.ok) spec.max = max.value;
  if (step.ok) spec.step = step.value;
  if (min.ok && max.ok) {
    if (spec.type == ParameterType::kInt && min.value > max.value)
      problems.add(fs.path(), "min (" + min.text + ") must not be above max (" + max.text + ")");
    if (spec.type == ParameterType::kDouble && min.value >= max.value)
      problems.add(fs.path(), "min (" + min.text + ") must be below max (" + max.text + ")");
  }
  if (step.ok) {
    if (step.value <= 0)
      problems.add(fs.field("step"), "must be greater than 0, found " + quote(step.text));
    else if (min.ok && max.ok && min.value <= max.value && step.value > max.value - min.value)
      problems.add(fs.field("step"), "step (" + step.text + ") must not exceed max - min (" +
                                         format_parameter_value(spec, max.value - min.value) + ")");
  }
  bool log = spec.distribution == Distribution::kLogUniform ||
             spec.distribution == Distribution::kLogNormal;
  if (log && min.ok && min.value <= 0)
    problems.add(fs.field("min"), std::string("must be greater than 0 for a ") +
                                      to_string(spec.distribution) + " distribution, found " +
                                      quote(min.text));
}

void read_list(const FieldReader& fs, ParameterSpec& spec) {
  ProblemList& problems = fs.problems();
  const char* type = to_string(spec.type);
  for (const char* key : {"min", "max", "step"})
    if (fs.has(key))
      problems.add(fs.field(key),
                   std::string("must not be set for a ") + type + " parameter (use list)");
  const json* list = fs.list("list", Need::kOptional);
  if (list == nullptr) {
    if (fs.ok() && !fs.has("list"))
      problems.add(fs.field("list"), std::string("is required for a ") + type + " parameter");
    return;
  }
  if (list->empty()) problems.add(fs.field("list"), "must not be empty");
  std::set<std::string> seen;
  for (size_t k = 0; k < list->size(); ++k) {
    const json& entry = (*list)[k];
    auto entry_path = path_index(fs.field("list"), k);
    std::string text;
    if (entry.is_string())
      text = entry.get<std::string>();
    else if (entry.is_number_integer())
      text = entry.dump();
    else if (entry.is_number_float())
      text = format_double(entry.get<double>());
    else if (entry.is_boolean() && spec.type == ParameterType::kCategorical)
      text = entry.dump();
    else {
      problems.add(entry_path, std::string("expected a ") +
                                   (spec.type == ParameterType::kDiscrete ? "number" : "string") +
                                   ", found " + describe_value(entry));
      continue;
    }
    double ignored = 0;
    if (spec.type == ParameterType::kDiscrete && !parse_decimal(text, ignored)) {
      problems.add(entry_path, "expected a number for a discrete parameter, found " +
                                   describe_value(entry) + " (use categorical for strings)");
      continue;
    }
    if (!seen.insert(text).second) {
      problems.add(entry_path, "duplicate value " + quote(text));
      continue;
    }
    spec.list.push_back(text);
  }
}

}  // namespace

std::vector<ParameterSpec> read_parameters(const json& list, const std::string& path,
                                           ProblemList& problems) {
  std::vector<ParameterSpec> out;
  if (!list.is_array()) {
    problems.add(path, "expected a list, found " + describe_value(list));
    return out;
  }
  std::map<std::string, size_t> first_index;
  for (size_t i = 0; i < list.size(); ++i) {
    FieldReader r(&list[i], path_index(path, i), problems);
    if (!r.ok()) continue;
    r.reject_unknown({"name", "parameterType", "feasibleSpace"});
    ParameterSpec spec;
    if (auto name = r.name("name")) {
      spec.name = *name;
      auto [it, inserted] = first_index.emplace(*name, i);
      if (!inserted)
        problems.add(r.field("name"), "duplicate parameter name " + quote(*name) + " (also " +
                                          path_index(path, it->second) + ")");
    }
    bool type_known = false;
    if (auto type = r.string("parameterType", Need::kRequired)) {
      type_known = parse_parameter_type(*type, spec.type);
      if (!type_known)
        problems.add(r.field("parameterType"),
                     "unknown parameterType " + quote(*type) +
                         "; expected int, double, discrete or categorical");
    }
    FieldReader fs(r.get("feasibleSpace"), r.field("feasibleSpace"), problems);
    fs.reject_unknown({"min", "max", "step", "list", "distribution"});
    if (auto distribution = fs.string("distribution"))
      if (!parse_distribution(*distribution, spec.distribution))
        problems.add(fs.field("distribution"),
                     "unknown distribution " + quote(*distribution) +
                         "; expected uniform, logUniform, normal or logNormal");
    if (fs.ok() && type_known) {
      if (spec.is_numeric_range())
        read_range(fs, spec);
      else
        read_list(fs, spec);
    }
    out.push_back(std::move(spec));
  }
  return out;
}

void check_nas_config(const json& nas_config, const std::string& path, ProblemList& problems) {
  FieldReader r(&nas_config, path, problems);
  if (!r.ok()) return;
  r.reject_unknown({"graphConfig", "operations"});
  FieldReader graph(r.get("graphConfig"), r.field("graphConfig"), problems, Need::kOptional);
  graph.reject_unknown({"numLayers", "inputSizes", "outputSizes"});
  if (auto layers = graph.integer("numLayers"); layers && *layers < 1)
    problems.add(graph.field("numLayers"), "must be at least 1, found " + std::to_string(*layers));
  for (const char* key : {"inputSizes", "outputSizes"})
    if (const json* sizes = graph.list(key))
      for (size_t k = 0; k < sizes->size(); ++k)
        if (!(*sizes)[k].is_number_integer())
          problems.add(path_index(graph.field(key), k),
                       "expected an integer, found " + describe_value((*sizes)[k]));
  const json* operations = r.list("operations", Need::kRequired);
  if (operations == nullptr) return;
  if (operations->empty()) problems.add(r.field("operations"), "must not be empty");
  std::set<std::string> types;
  for (size_t i = 0; i < operations->size(); ++i) {
    FieldReader op(&(*operations)[i], path_index(r.field("operations"), i), problems);
    if (!op.ok()) continue;
    op.reject_unknown({"operationType", "parameters"});
    if (auto type = op.name("operationType"); type && !types.insert(*type).second)
      problems.add(op.field("operationType"), "duplicate operationType " + quote(*type));
    const json* parameters = op.list("parameters", Need::kRequired);
    if (parameters == nullptr) continue;
    if (parameters->empty()) problems.add(op.field("parameters"), "must not be empty");
    read_parameters(*parameters, op.field("parameters"), problems);
  }
}

}  // namespace sextant::engine
