// The served models by name, each swapped in whole: requests never see a half-loaded model.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "serving/model/served_model.hpp"

namespace sextant::serving {

// One version of one model, immutable once built.
struct LoadedModel {
  std::string name;
  int64_t version = 0;
  std::shared_ptr<const ServedModel> model;
};

// Contract: find() returns a shared_ptr the caller keeps for the whole request, so a swap
// (put) or an unload (remove) during the request neither frees nor changes its model: the old
// version dies when its last request finishes. Loading and verifying happen before put(), so
// the table only ever holds models that passed their smoke inference. Thread-safe.
class ModelTable {
 public:
  std::shared_ptr<const LoadedModel> find(const std::string& name) const;
  // Replaces the model's current version (or adds the model); returns the one it replaced.
  std::shared_ptr<const LoadedModel> put(std::shared_ptr<const LoadedModel> model);
  bool remove(const std::string& name);
  std::vector<std::shared_ptr<const LoadedModel>> all() const;  // by name

 private:
  mutable std::mutex mutex_;  // held only to copy or swap a pointer
  std::map<std::string, std::shared_ptr<const LoadedModel>, std::less<>> models_;
};

}  // namespace sextant::serving
