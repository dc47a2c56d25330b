// Label and field selectors as the API server reads them (?labelSelector=, ?fieldSelector=).
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace sextant::testing {

// True when `object` matches `selector`: "a=b", "a==b", "a!=b", "a", "!a", "a in (x,y)",
// "a notin (x)", comma-separated (AND). "" matches everything. nullopt: a malformed selector.
std::optional<bool> matches_label_selector(const nlohmann::json& object,
                                           const std::string& selector);

// Field selectors on metadata.name, metadata.namespace and status.phase ("=", "==", "!=").
std::optional<bool> matches_field_selector(const nlohmann::json& object,
                                           const std::string& selector);

}  // namespace sextant::testing
