// Base64 (RFC 4648, with padding) of doubles' bits, and hex of one double's bits.
#include "algorithms/enas/double_codec.hpp"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace sextant::algorithms {

namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

}  // namespace

std::string encode_doubles(const double* values, size_t count) {
  std::vector<unsigned char> bytes;
  bytes.reserve(count * 8);
  for (size_t i = 0; i < count; ++i) {
    const auto bits = std::bit_cast<uint64_t>(values[i]);
    for (int k = 0; k < 8; ++k) bytes.push_back(static_cast<unsigned char>(bits >> (8 * k)));
  }
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    const size_t n = std::min<size_t>(3, bytes.size() - i);
    uint32_t chunk = static_cast<uint32_t>(bytes[i]) << 16;
    if (n > 1) chunk |= static_cast<uint32_t>(bytes[i + 1]) << 8;
    if (n > 2) chunk |= bytes[i + 2];
    out += kAlphabet[(chunk >> 18) & 63];
    out += kAlphabet[(chunk >> 12) & 63];
    out += n > 1 ? kAlphabet[(chunk >> 6) & 63] : '=';
    out += n > 2 ? kAlphabet[chunk & 63] : '=';
  }
  return out;
}

std::optional<std::vector<double>> decode_doubles(const std::string& text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::vector<unsigned char> bytes;
  bytes.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    int padding = 0;
    uint32_t chunk = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      int value = 0;
      if (c == '=' && last && k >= 2) {
        ++padding;
      } else {
        if (padding > 0) return std::nullopt;  // data after padding
        value = sextet(c);
        if (value < 0) return std::nullopt;
      }
      chunk = (chunk << 6) | static_cast<uint32_t>(value);
    }
    bytes.push_back(static_cast<unsigned char>(chunk >> 16));
    if (padding < 2) bytes.push_back(static_cast<unsigned char>(chunk >> 8));
    if (padding < 1) bytes.push_back(static_cast<unsigned char>(chunk));
  }
  if (bytes.size() % 8 != 0) return std::nullopt;
  std::vector<double> values(bytes.size() / 8);
  for (size_t i = 0; i < values.size(); ++i) {
    uint64_t bits = 0;
    for (int k = 0; k < 8; ++k) bits |= static_cast<uint64_t>(bytes[i * 8 + k]) << (8 * k);
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
