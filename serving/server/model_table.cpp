// ModelTable: pointer copies and swaps under a mutex held for nanoseconds.
#include "serving/server/model_table.hpp"

namespace sextant::serving {

std::shared_ptr<const LoadedModel> ModelTable::find(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = models_.find(name);
  return it == models_.end() ? nullptr : it->second;
}

std::shared_ptr<const LoadedModel> ModelTable::put(std::shared_ptr<const LoadedModel> model) {
  std::shared_ptr<const LoadedModel> previous;
  {
    std::lock_guard lock(mutex_);
    auto& slot = models_[model->name];
    previous = std::move(slot);
    slot = std::move(model);
  }
  return previous;  // released outside the lock: freeing a model may take a while
}

bool ModelTable::remove(const std::string& name) {
  std::shared_ptr<const LoadedModel> previous;
  std::lock_guard lock(mutex_);
  auto it = models_.find(name);
  if (it == models_.end()) return false;
  previous = std::move(it->second);
  models_.erase(it);
  return true;
}

std::vector<std::shared_ptr<const LoadedModel>> ModelTable::all() const {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<const LoadedModel>> out;
  for (const auto& [name, model] : models_) out.push_back(model);
  return out;
}

}  // namespace sextant::serving
