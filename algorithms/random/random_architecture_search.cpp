// Random search over ENAS macro architectures.
#include "algorithms/random/random_architecture_search.hpp"

#include "algorithms/common/rng.hpp"

namespace sextant::algorithms {

RandomArchitectureSearch::RandomArchitectureSearch(NasSpace space, std::optional<uint64_t> seed)
    : space_(std::move(space)), seed_(seed), fresh_(space_) {}

engine::SuggestResult RandomArchitectureSearch::suggest(const std::vector<engine::Trial>& history,
                                                        int count) {
  engine::SuggestResult result;
  fresh_.sync(history);
  for (int j = 0; j < count && !fresh_.exhausted(); ++j) {
    const uint64_t position = static_cast<uint64_t>(history.size()) + static_cast<uint64_t>(j);
    Rng rng(derive_seed(seed_.value(), position));
    result.suggestions.push_back({nas_assignment(space_, fresh_.take_random(rng)), {}});
  }
  result.exhausted = fresh_.exhausted();
  return result;
}

std::string RandomArchitectureSearch::save_state() const {
  return seed_.save();
}

void RandomArchitectureSearch::restore_state(const std::string& state) {
  seed_.restore(state, "random");
}

}  // namespace sextant::algorithms
