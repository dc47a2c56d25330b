// Seed-only algorithm state.
#include "algorithms/common/seed_state.hpp"

#include <charconv>
#include <optional>

#include <nlohmann/json.hpp>

#include "algorithms/common/rng.hpp"
#include "engine/error.hpp"

namespace sextant::algorithms {

std::string seed_state(uint64_t seed) {
  return nlohmann::json{{"seed", std::to_string(seed)}}.dump();
}

uint64_t parse_seed_state(const std::string& state, const std::string& algorithm) {
  auto json = nlohmann::json::parse(state, nullptr, /*allow_exceptions=*/false);
  if (json.is_object() && json.contains("seed") && json["seed"].is_string()) {
    const std::string text = json["seed"].get<std::string>();
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc() && end == text.data() + text.size() && !text.empty()) return value;
  }
  throw Error(ErrorCode::kInternal,
              "the saved state of algorithm \"" + algorithm +
                  "\" is not {\"seed\":\"<integer>\"}: " + state.substr(0, 200));
}

AlgorithmSeed::AlgorithmSeed(std::optional<uint64_t> random_state)
    : value_(random_state ? *random_state : random_seed()), fixed_(random_state.has_value()) {}

bool AlgorithmSeed::restore(const std::string& state, const std::string& algorithm) {
  if (state.empty()) return false;
  const uint64_t saved = parse_seed_state(state, algorithm);  // checked even when fixed
  if (fixed_ || saved == value_) return false;
  value_ = saved;
  return true;
}

}  // namespace sextant::algorithms
