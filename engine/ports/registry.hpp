// A name -> factory table, one per extension point (algorithms, early-stopping rules).
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sextant::engine {

// Factory must have `std::string name() const`. Adding a second factory under a name replaces
// the first.
template <class Factory>
class Registry {
 public:
  void add(std::unique_ptr<Factory> factory) {
    auto name = factory->name();
    factories_[name] = std::move(factory);
  }
  const Factory* find(const std::string& name) const {
    auto it = factories_.find(name);
    return it == factories_.end() ? nullptr : it->second.get();
  }
  std::vector<std::string> names() const {  // sorted
    std::vector<std::string> out;
    for (const auto& [name, _] : factories_) out.push_back(name);
    return out;
  }

 private:
  std::map<std::string, std::unique_ptr<Factory>> factories_;
};

}  // namespace sextant::engine
