// spec.nasConfig read and expanded as Katib's ENAS service does, and Katib's NAS assignments.
#include "algorithms/nas/nas_space.hpp"

#include <cmath>
#include <limits>

#include "algorithms/common/settings.hpp"
#include "algorithms/nas/python_json.hpp"
#include "engine/error.hpp"
#include "engine/spec/field_path.hpp"
#include "engine/spec/number_text.hpp"
#include "engine/spec/spec_problems.hpp"

namespace sextant::algorithms {

namespace {

using engine::path_index;
using engine::path_key;
using engine::quote;
using nlohmann::json;
using nlohmann::ordered_json;

constexpr const char* kNasPath = "spec.nasConfig";
constexpr double kMaxExpandedOperations = 100000;

// min, max, step and list entries as Katib's strings (the spec loader already turned numbers
// into their text; a spec built in code may still hold numbers).
std::optional<std::string> text_of(const json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) return value->get<std::string>();
  if (value->is_number_integer() || value->is_number_unsigned()) return value->dump();
  if (value->is_number_float()) return engine::format_double(value->get<double>());
  if (value->is_boolean()) return value->get<bool>() ? "true" : "false";
  return std::nullopt;
}

const json* member(const json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// The values numpy.arange(min, max + step, step) holds, as Katib's ENAS lists a double
// parameter: element 0 is min, element 1 min + step, element i min + i * ((min + step) - min)
// (numpy's fill), and the length ceil((stop - min) / step). Katib then drops a last value above
// max (its `del` on an ndarray actually raises, so such spaces crash Katib's service); here
// trailing values above max are dropped, with a tolerance of 1e-9 steps so that rounding alone
// (0, 0.1, 0.2, 0.30000000000000004 for 0..0.3) keeps the last point as numpy computed it.
std::vector<double> arange_values(double min, double max, double step) {
  const double stop = max + step;
  const double length = std::ceil((stop - min) / step);
  std::vector<double> values;
  if (!(length > 0)) return values;
  const double delta = (min + step) - min;
  for (double i = 0; i < length && i <= kMaxExpandedOperations; ++i)
    values.push_back(i == 0 ? min : i == 1 ? min + step : min + i * delta);
  while (!values.empty() && values.back() > max + 1e-9 * step) values.pop_back();
  return values;
}

// One parameter of an operation, read from the raw spec; `problems` gets what is wrong.
struct ParameterValues {
  std::string name;
  std::vector<ordered_json> values;
  double count = 0;  // how many values (before they are materialised)
};

ParameterValues read_parameter(const json& parameter, const std::string& path,
                               std::vector<engine::SpecProblem>& problems) {
  ParameterValues out;
  auto add = [&](const std::string& field, const std::string& message) {
    problems.push_back({field, message});
  };
  if (!parameter.is_object()) {
    add(path, "expected a parameter object, found " + engine::describe_value(parameter));
    return out;
  }
  const auto name = text_of(member(parameter, "name"));
  if (!name || name->empty())
    add(path_key(path, "name"), "is required: every parameter of an operation needs a name");
  else
    out.name = *name;
  const auto type = text_of(member(parameter, "parameterType"));
  const std::string fs_path = path_key(path, "feasibleSpace");
  const json* fs = member(parameter, "feasibleSpace");
  static const json kEmpty = json::object();
  const json& space = fs != nullptr && fs->is_object() ? *fs : kEmpty;
  if (!type || type->empty()) {
    add(path_key(path, "parameterType"), "is required (categorical, discrete, int or double)");
    return out;
  }
  if (*type == "categorical" || *type == "discrete") {
    const json* list = member(space, "list");
    if (list == nullptr || !list->is_array() || list->empty()) {
      add(path_key(fs_path, "list"), "is required for a " + *type + " parameter: a non-empty list");
      return out;
    }
    for (size_t k = 0; k < list->size(); ++k) {
      auto text = text_of(&(*list)[k]);
      if (!text) {
        add(path_index(path_key(fs_path, "list"), k),
            "expected a string, found " + engine::describe_value((*list)[k]));
        continue;
      }
      out.values.emplace_back(*text);
    }
    out.count = static_cast<double>(out.values.size());
    return out;
  }
  if (*type != "int" && *type != "double") {
    add(path_key(path, "parameterType"), "unknown parameterType " + quote(*type) +
                                             "; expected categorical, discrete, int or double");
    return out;
  }
  const bool is_int = *type == "int";
  auto read_number = [&](const char* key, bool required) -> std::optional<double> {
    const auto text = text_of(member(space, key));
    const std::string field = path_key(fs_path, key);
    if (!text) {
      if (required)
        add(field, "is required for " + std::string(is_int ? "an int" : "a double") +
                       " parameter of an operation");
      return std::nullopt;
    }
    if (is_int) {
      long long n = 0;
      if (engine::parse_integer(*text, n)) return static_cast<double>(n);
      add(field, "expected an integer for an int parameter, found " + quote(*text));
      return std::nullopt;
    }
    double x = 0;
    if (engine::parse_decimal(*text, x)) return x;
    add(field, "expected a number, found " + quote(*text));
    return std::nullopt;
  };
  const auto min = read_number("min", true);
  const auto max = read_number("max", true);
  // Katib's ENAS lists min, min + step, ... : a double needs a step (Katib: "Step parameter
  // should be > 0"); an int steps by 1 unless told otherwise.
  const auto step = read_number("step", !is_int);
  if (step && !(*step > 0)) {
    add(path_key(fs_path, "step"),
        std::string("must be greater than 0 (the values are min, min + step, ..., max); found ") +
            quote(*text_of(member(space, "step"))));
    return out;
  }
  if (!min || !max || (!is_int && !step)) return out;
  if (*min > *max) {
    add(fs_path, "min (" + *text_of(member(space, "min")) + ") must not be above max (" +
                     *text_of(member(space, "max")) + ")");
    return out;
  }
  if (is_int) {
    const double stride = step ? *step : 1;
    out.count = std::floor((*max - *min) / stride) + 1;
    if (out.count <= kMaxExpandedOperations)
      for (double v = *min; v <= *max; v += stride)
        out.values.emplace_back(static_cast<int64_t>(v));
    return out;
  }
  const double length = std::ceil((*max + *step - *min) / *step);
  if (length > kMaxExpandedOperations) {
    out.count = length;
    return out;
  }
  for (double v : arange_values(*min, *max, *step)) out.values.emplace_back(v);
  out.count = static_cast<double>(out.values.size());
  return out;
}

struct ReadSpace {
  NasSpace space;
  std::vector<engine::SpecProblem> problems;
};

// Reads the whole nasConfig. Operations are materialised only when the expansion stays under
// the cap, so a huge space costs nothing to reject.
ReadSpace read_space(const engine::ExperimentSpec& spec, bool need_sizes) {
  ReadSpace out;
  auto& problems = out.problems;
  const std::string algorithm = spec.algorithm.algorithm_name.empty()
                                    ? std::string("this algorithm")
                                    : quote(spec.algorithm.algorithm_name);
  if (!spec.nas_config) {
    problems.push_back({kNasPath, "is required: " + algorithm +
                                      " searches neural architectures (spec.nasConfig with "
                                      "graphConfig and operations), not spec.parameters"});
    return out;
  }
  const json& nas = *spec.nas_config;
  if (!nas.is_object()) {
    problems.push_back({kNasPath, "expected an object, found " + engine::describe_value(nas)});
    return out;
  }

  const std::string graph_path = path_key(kNasPath, "graphConfig");
  static const json kEmpty = json::object();
  const json* graph_value = member(nas, "graphConfig");
  const json& graph = graph_value != nullptr ? *graph_value : kEmpty;
  if (const json* layers = member(graph, "numLayers");
      layers != nullptr && layers->is_number_integer()) {
    out.space.num_layers = layers->get<int>();
    if (out.space.num_layers < 1)
      problems.push_back({path_key(graph_path, "numLayers"),
                          "must be at least 1, found " + std::to_string(out.space.num_layers)});
  } else if (need_sizes) {
    problems.push_back({path_key(graph_path, "numLayers"),
                        "is required: the number of layers of every architecture (an integer "
                        ">= 1; Katib: Missing NumLayers in GraphConfig)"});
  }
  const std::pair<const char*, std::vector<int64_t>*> sizes[] = {
      {"inputSizes", &out.space.input_sizes}, {"outputSizes", &out.space.output_sizes}};
  for (const auto& [key, target] : sizes) {
    const json* list = member(graph, key);
    if (list != nullptr && list->is_array())
      for (const auto& v : *list)
        if (v.is_number_integer()) target->push_back(v.get<int64_t>());
    if (need_sizes && target->empty())
      problems.push_back({path_key(graph_path, key),
                          std::string("is required: a non-empty list of integers, passed to the "
                                      "trials in nn_config (Katib: Missing ") +
                              (key[0] == 'i' ? "InputSizes" : "OutputSizes") + " in GraphConfig)"});
  }

  const std::string ops_path = path_key(kNasPath, "operations");
  const json* operations = member(nas, "operations");
  if (operations == nullptr || !operations->is_array() || operations->empty()) {
    problems.push_back({ops_path,
                        "is required: a non-empty list of operations, each with an "
                        "operationType and parameters"});
    return out;
  }
  struct ReadOperation {
    std::string type;
    std::vector<ParameterValues> parameters;
  };
  std::vector<ReadOperation> read;
  double total = 0;
  for (size_t i = 0; i < operations->size(); ++i) {
    const json& op = (*operations)[i];
    const std::string op_path = path_index(ops_path, i);
    if (!op.is_object()) {
      problems.push_back({op_path, "expected an operation, found " + engine::describe_value(op)});
      continue;
    }
    ReadOperation entry;
    if (auto type = text_of(member(op, "operationType")); type && !type->empty())
      entry.type = *type;
    else
      problems.push_back({path_key(op_path, "operationType"), "is required"});
    const json* parameters = member(op, "parameters");
    if (parameters == nullptr || !parameters->is_array() || parameters->empty()) {
      problems.push_back({path_key(op_path, "parameters"),
                          "is required: every operation needs at least one parameter (Katib: "
                          "Missing ParameterConfigs in Operation)"});
      continue;
    }
    double count = 1;
    for (size_t k = 0; k < parameters->size(); ++k) {
      entry.parameters.push_back(read_parameter(
          (*parameters)[k], path_index(path_key(op_path, "parameters"), k), problems));
      count *= entry.parameters.back().count;
    }
    total += count;
    read.push_back(std::move(entry));
  }
  if (total > kMaxExpandedOperations) {
    problems.push_back({ops_path, "expands to " + engine::format_double(total) +
                                      " operations (the product of each operation's parameter "
                                      "values, summed over operations); at most 100000 are "
                                      "supported"});
    return out;
  }
  if (!problems.empty()) return out;

  // itertools.product over the parameters in spec order: the last one varies fastest.
  int id = 0;
  for (const auto& op : read) {
    bool empty = false;
    for (const auto& p : op.parameters) empty = empty || p.values.empty();
    if (empty) continue;  // a product with an empty factor has no element
    std::vector<size_t> digits(op.parameters.size(), 0);
    for (bool done = false; !done;) {
      NasOperation expanded;
      expanded.id = id++;
      expanded.type = op.type;
      for (size_t k = 0; k < op.parameters.size(); ++k)
        expanded.params[op.parameters[k].name] = op.parameters[k].values[digits[k]];
      out.space.operations.push_back(std::move(expanded));
      for (size_t k = digits.size();;) {
        if (k == 0) {
          done = true;
          break;
        }
        --k;
        if (++digits[k] < op.parameters[k].values.size()) break;
        digits[k] = 0;
      }
    }
  }
  return out;
}

}  // namespace

NasSpace NasSpace::from_spec(const engine::ExperimentSpec& spec) {
  auto read = read_space(spec, false);
  throw_first_problem(read.problems);
  return std::move(read.space);
}

std::vector<engine::SpecProblem> nas_problems(const engine::ExperimentSpec& spec, bool need_sizes) {
  return read_space(spec, need_sizes).problems;
}

std::vector<engine::SpecProblem> nas_not_supported(const engine::ExperimentSpec& spec) {
  if (!spec.nas_config) return {};
  const std::string name =
      spec.algorithm.algorithm_name.empty() ? "this algorithm" : spec.algorithm.algorithm_name;
  return {{"spec.algorithm.algorithmName",
           name + " does not search spec.nasConfig; use enas, darts, regularized-evolution or "
                  "random"}};
}

std::string architecture_text(const Architecture& architecture) {
  ordered_json layers = ordered_json::array();
  for (size_t l = 0; l < architecture.ops.size(); ++l) {
    ordered_json layer = ordered_json::array({architecture.ops[l]});
    if (l < architecture.skips.size())
      for (int bit : architecture.skips[l]) layer.push_back(bit);
    layers.push_back(std::move(layer));
  }
  return katib_quoted(python_json_dumps(layers));
}

std::string nn_config_text(const NasSpace& space, const Architecture& architecture) {
  ordered_json config = ordered_json::object();
  config["num_layers"] = space.num_layers;
  config["input_sizes"] = space.input_sizes;
  config["output_sizes"] = space.output_sizes;
  // Katib's dict keyed by operation id: json.dumps prints int keys as strings, and a repeated
  // operation keeps the place of its first layer.
  ordered_json embedding = ordered_json::object();
  for (int op : architecture.ops) {
    if (op < 0 || static_cast<size_t>(op) >= space.operations.size())
      throw Error(ErrorCode::kInternal, "architecture names operation " + std::to_string(op) +
                                            " of a space of " +
                                            std::to_string(space.operations.size()));
    const NasOperation& operation = space.operations[static_cast<size_t>(op)];
    const std::string key = std::to_string(op);
    if (embedding.contains(key)) continue;
    embedding[key] = ordered_json{
        {"opt_id", operation.id}, {"opt_type", operation.type}, {"opt_params", operation.params}};
  }
  config["embedding"] = std::move(embedding);
  return katib_quoted(python_json_dumps(config));
}

engine::Assignment nas_assignment(const NasSpace& space, const Architecture& architecture) {
  return {{kArchitectureAssignment, architecture_text(architecture)},
          {kNnConfigAssignment, nn_config_text(space, architecture)}};
}

std::optional<Architecture> architecture_of(const engine::Trial& trial, const NasSpace& space) {
  const std::string* text = engine::find_value(trial.assignment, kArchitectureAssignment);
  if (text == nullptr) return std::nullopt;
  const json parsed = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array() || parsed.size() != static_cast<size_t>(space.num_layers))
    return std::nullopt;
  Architecture architecture;
  for (size_t l = 0; l < parsed.size(); ++l) {
    const json& layer = parsed[l];
    if (!layer.is_array() || layer.size() != l + 1) return std::nullopt;
    for (const auto& v : layer)
      if (!v.is_number_integer()) return std::nullopt;
    const auto op = layer[0].get<int64_t>();
    if (op < 0 || op >= static_cast<int64_t>(space.operations.size())) return std::nullopt;
    architecture.ops.push_back(static_cast<int>(op));
    std::vector<int> skips;
    for (size_t j = 1; j < layer.size(); ++j) {
      const auto bit = layer[j].get<int64_t>();
      if (bit != 0 && bit != 1) return std::nullopt;
      skips.push_back(static_cast<int>(bit));
    }
    architecture.skips.push_back(std::move(skips));
  }
  return architecture;
}

Architecture random_architecture(const NasSpace& space, Rng& rng) {
  Architecture architecture;
  const auto n = static_cast<uint64_t>(space.operations.size());
  for (int l = 0; l < space.num_layers; ++l) {
    architecture.ops.push_back(static_cast<int>(rng.below(n)));
    std::vector<int> skips;
    for (int j = 0; j < l; ++j) skips.push_back(static_cast<int>(rng.below(2)));
    architecture.skips.push_back(std::move(skips));
  }
  return architecture;
}

uint64_t architecture_count(const NasSpace& space) {
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  uint64_t count = 1;
  auto times = [&](uint64_t factor) {
    if (factor == 0) {
      count = 0;
    } else if (count > kMax / factor) {
      count = kMax;
    } else {
      count *= factor;
    }
  };
  const auto n = static_cast<uint64_t>(space.operations.size());
  for (int l = 0; l < space.num_layers && count != kMax && count != 0; ++l) {
    times(n);
    for (int j = 0; j < l && count != kMax; ++j) times(2);
  }
  return count;
}

}  // namespace sextant::algorithms
