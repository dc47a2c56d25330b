// Deterministic trial names (FNV-1a of experiment, sequence and salt, in base 36).
#include "engine/controller/trial_names.hpp"

namespace sextant::engine {

std::string trial_name(const std::string& experiment, int64_t sequence, int salt) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a
  auto mix = [&](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  };
  mix(experiment);
  mix("/" + std::to_string(sequence) + "/" + std::to_string(salt));
  const char* alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::string suffix(8, '0');
  for (auto& c : suffix) {
    c = alphabet[h % 36];
    h /= 36;
  }
  return experiment + "-" + suffix;
}

}  // namespace sextant::engine
