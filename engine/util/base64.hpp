// Base64 (RFC 4648, standard alphabet, with padding): kubeconfig certificate data, saved states.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace sextant::engine {

std::string base64_encode(std::string_view bytes);
// nullopt for text that is not padded standard base64 (white space is not skipped).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sextant::engine
