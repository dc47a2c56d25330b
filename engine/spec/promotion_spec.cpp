// Reading and checking spec.promotion.
#include "engine/spec/promotion_spec.hpp"

#include <algorithm>
#include <iterator>
#include <sstream>
#include <vector>

#include "engine/spec/field_reader.hpp"

namespace sextant::engine {

namespace {

// -1 rather than -1.000000 in messages.
std::string shortest(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

bool is_model_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 63 && name.front() != '-' && name.back() != '-';
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  return ok;
}

std::optional<PromotionSpec> read_promotion_spec(const nlohmann::json* value,
                                                 const std::string& path, ProblemList& problems) {
  if (value == nullptr || value->is_null()) return std::nullopt;
  FieldReader p(value, path, problems);
  if (!p.ok()) return std::nullopt;
  p.reject_unknown({"model", "target", "margin", "canaryTrafficPercent", "servingUrl"});
  size_t problems_before = problems.items().size();
  PromotionSpec out;
  if (auto model = p.name("model")) {
    out.model = *model;
    if (!is_model_name(*model))
      problems.add(p.field("model"),
                   "must be a model name: lower case letters, digits and '-' (at most 63, starting "
                   "and ending with a letter or digit); found " +
                       quote(*model));
  }
  if (auto target = p.string("target")) {
    std::vector<std::string> known(std::begin(kPromotionTargets), std::end(kPromotionTargets));
    if (std::find(known.begin(), known.end(), *target) == known.end())
      problems.add(p.field("target"),
                   "unknown target " + quote(*target) + "; expected " + join_names(known));
    else
      out.target = *target;
  }
  if (auto margin = p.number("margin")) {
    if (*margin < 0)
      problems.add(p.field("margin"), "must be >= 0, found " + shortest(*margin));
    else
      out.margin = *margin;
  }
  if (auto canary = p.integer("canaryTrafficPercent")) {
    if (*canary < 0 || *canary > 99)
      problems.add(p.field("canaryTrafficPercent"),
                   "must be 0..99 (0: all traffic at once), found " + std::to_string(*canary));
    else if (*canary > 0 && out.target != "kserve")
      problems.add(p.field("canaryTrafficPercent"),
                   "applies to the kserve target only (the local server swaps whole versions)");
    else
      out.canary_traffic_percent = static_cast<int>(*canary);
  }
  if (auto url = p.string("servingUrl")) {
    if (url->rfind("http://", 0) != 0 && url->rfind("https://", 0) != 0)
      problems.add(
          p.field("servingUrl"),
          "must be an http:// or https:// URL of a running `sextant serve`, found " + quote(*url));
    else if (out.target != "local")
      problems.add(p.field("servingUrl"),
                   "applies to the local target only (kserve uses the kubeconfig)");
    else
      out.serving_url = *url;
  }
  if (problems.items().size() != problems_before) return std::nullopt;
  return out;
}

}  // namespace sextant::engine
