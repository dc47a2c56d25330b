// Doubles' bits as base64 (engine/util/base64.hpp), and hex of one double's bits.
#include "algorithms/enas/double_codec.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

#include "engine/util/base64.hpp"

namespace sextant::algorithms {

std::string encode_doubles(const double* values, size_t count) {
  std::string bytes;
  bytes.reserve(count * 8);
  for (size_t i = 0; i < count; ++i) {
    const auto bits = std::bit_cast<uint64_t>(values[i]);
    for (int k = 0; k < 8; ++k) bytes.push_back(static_cast<char>(bits >> (8 * k)));
  }
  return engine::base64_encode(bytes);
}

std::optional<std::vector<double>> decode_doubles(const std::string& text) {
  const auto decoded = engine::base64_decode(text);
  if (!decoded) return std::nullopt;
  const std::string& bytes = *decoded;
  if (bytes.size() % 8 != 0) return std::nullopt;
  std::vector<double> values(bytes.size() / 8);
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t bits = 0;
    for (int k = 0; k < 8; ++k)
      bits |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i * 8 + k])) << (8 * k);
    values[i] = std::bit_cast<double>(bits);
  }
  return values;
}

std::string double_bits_text(double value) {
  static constexpr char kHex[] = "0123456789abcdef";
  const auto bits = std::bit_cast<uint64_t>(value);
  std::string out(16, '0');
  for (int k = 0; k < 16; ++k) out[15 - k] = kHex[(bits >> (4 * k)) & 15];
  return out;
}

std::optional<double> parse_double_bits(const std::string& text) {
  if (text.size() != 16) return std::nullopt;
  uint64_t bits = 0;
  for (char c : text) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (digit < 0) return std::nullopt;
    bits = (bits << 4) | static_cast<uint64_t>(digit);
  }
  return std::bit_cast<double>(bits);
}

}  // namespace sextant::algorithms
