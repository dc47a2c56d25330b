// Katib-style field paths ("spec.parameters[1].feasibleSpace.min"): building and walking up.
#pragma once

#include <cstddef>
#include <string>

namespace sextant::engine {

// Appends an object key: ".key" for plain names, "[key]" for keys with dots, slashes or spaces
// (label keys such as "katib.kubeflow.org/model-training"), as Kubernetes prints them.
std::string path_key(const std::string& base, const std::string& key);

// Appends a list index: "base[3]".
std::string path_index(const std::string& base, size_t index);

// The path one level up ("" for a top-level field). Used to locate a field that is absent from
// the file by the nearest enclosing field that is present.
std::string path_parent(const std::string& path);

// True when `path` equals `prefix` or lies below it ("a.b[0]" is under "a.b" but "a.bc" is not).
bool path_is_under(const std::string& path, const std::string& prefix);

}  // namespace sextant::engine
