// The smoke inference every model passes before it is served.
#include "serving/model/served_model.hpp"

#include <cmath>

#include "engine/error.hpp"

namespace sextant::serving {

void smoke_test(const ServedModel& model) {
  const auto& sig = model.signature();
  int64_t features = sig.input.shape.size() == 2 ? sig.input.shape[1] : -1;
  if (features <= 0)
    throw Error(ErrorCode::kInvalidArgument, "the model declares input shape " +
                                                 shape_text(sig.input.shape) +
                                                 "; expected [-1, features]");
  Tensor row{sig.input.name, sig.input.datatype, {1, features}, {}, {}};
  if (sig.example.is_array() && static_cast<int64_t>(sig.example.size()) == features) {
    for (const auto& v : sig.example) row.numbers.push_back(v.get<double>());
  } else {
    row.numbers.assign(static_cast<size_t>(features), 0.0);
  }
  std::vector<Tensor> outputs;
  try {
    outputs = model.predict(row);
  } catch (const std::exception& e) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string("the smoke inference failed: ") + e.what());
  }
  if (outputs.size() != sig.outputs.size())
    throw Error(ErrorCode::kInvalidArgument,
                "the smoke inference returned " + std::to_string(outputs.size()) +
                    " outputs, the model declares " + std::to_string(sig.outputs.size()));
  for (size_t i = 0; i < outputs.size(); ++i) {
    const auto& out = outputs[i];
    if (out.datatype != sig.outputs[i].datatype || out.shape.empty() || out.shape[0] != 1)
      throw Error(ErrorCode::kInvalidArgument, "the smoke inference's output \"" + out.name +
                                                   "\" has shape " + shape_text(out.shape) +
                                                   ", expected one row of " +
                                                   shape_text(sig.outputs[i].shape));
    for (double v : out.numbers)
      if (!std::isfinite(v))
        throw Error(ErrorCode::kInvalidArgument,
                    "the smoke inference's output \"" + out.name + "\" is not finite");
    if (out.name == "label" && !sig.example_label.is_null()) {
      nlohmann::json got = out.strings.empty() ? nlohmann::json(out.numbers.at(0))
                                               : nlohmann::json(out.strings.at(0));
      bool same = got.is_string() ? got == sig.example_label
                                  : sig.example_label.is_number() &&
                                        got.get<double>() == sig.example_label.get<double>();
      if (!same)
        throw Error(ErrorCode::kInvalidArgument,
                    "the smoke inference labels the example " + got.dump() +
                        " but the model file says its trainer predicted " +
                        sig.example_label.dump() + " (a wrong export?)");
    }
  }
}

}  // namespace sextant::serving
