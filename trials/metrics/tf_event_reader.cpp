// TFRecord framing (length, masked CRC-32C of the length, data, masked CRC-32C of the data) and
// just enough protocol buffer wire format for Event -> Summary -> Value -> TensorProto.
#include "trials/metrics/tf_event_reader.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <string_view>

namespace sextant::trials {
namespace {

uint32_t crc32c(const unsigned char* data, size_t size) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0x82F63B78u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (size_t i = 0; i < size; ++i) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

// TFRecord's masking: rotate right by 15 and add a constant.
uint32_t masked_crc(const unsigned char* data, size_t size) {
  uint32_t c = crc32c(data, size);
  return ((c >> 15) | (c << 17)) + 0xA282EAD8u;
}

template <class T>
T little_endian(const unsigned char* p) {
  T out = 0;
  for (size_t i = 0; i < sizeof(T); ++i) out |= static_cast<T>(p[i]) << (8 * i);
  return out;
}

// One protocol buffer message's fields, in order. Malformed input ends the walk (ok() false).
class Fields {
 public:
  explicit Fields(std::string_view bytes) : rest_(bytes) {}

  struct Field {
    uint32_t number = 0;
    uint32_t wire = 0;
    uint64_t varint = 0;     // wire 0, and wire 1/5 raw bits
    std::string_view bytes;  // wire 2
  };

  std::optional<Field> next() {
    if (rest_.empty() || !ok_) return std::nullopt;
    auto key = varint();
    if (!key) return fail();
    Field f;
    f.number = static_cast<uint32_t>(*key >> 3);
    f.wire = static_cast<uint32_t>(*key & 7);
    switch (f.wire) {
      case 0:
        if (auto v = varint())
          f.varint = *v;
        else
          return fail();
        break;
      case 1:
        if (rest_.size() < 8) return fail();
        f.varint = little_endian<uint64_t>(reinterpret_cast<const unsigned char*>(rest_.data()));
        rest_.remove_prefix(8);
        break;
      case 5:
        if (rest_.size() < 4) return fail();
        f.varint = little_endian<uint32_t>(reinterpret_cast<const unsigned char*>(rest_.data()));
        rest_.remove_prefix(4);
        break;
      case 2: {
        auto n = varint();
        if (!n || *n > rest_.size()) return fail();
        f.bytes = rest_.substr(0, *n);
        rest_.remove_prefix(*n);
        break;
      }
      default:
        return fail();
    }
    return f;
  }

  bool ok() const { return ok_; }

 private:
  std::optional<Field> fail() {
    ok_ = false;
    return std::nullopt;
  }

  std::optional<uint64_t> varint() {
    uint64_t out = 0;
    for (int shift = 0; shift < 64 && !rest_.empty(); shift += 7) {
      auto byte = static_cast<unsigned char>(rest_.front());
      rest_.remove_prefix(1);
      out |= static_cast<uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return out;
    }
    return std::nullopt;
  }

  std::string_view rest_;
  bool ok_ = true;
};

float as_float(uint64_t bits) {
  auto b = static_cast<uint32_t>(bits);
  float f;
  std::memcpy(&f, &b, sizeof f);
  return f;
}

double as_double(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof d);
  return d;
}

// The shortest text that reads back as the same number, as Python prints numpy scalars.
template <class Number>
std::string shortest(Number value) {
  char text[64];
  auto [end, ec] = std::to_chars(text, text + sizeof text, value);
  return ec == std::errc() ? std::string(text, end) : std::string();
}

constexpr uint64_t kDtFloat = 1, kDtDouble = 2;

// A scalar TensorProto of DT_FLOAT or DT_DOUBLE: its first value, or "" when it has none.
std::string tensor_scalar(std::string_view bytes) {
  uint64_t dtype = 0;
  std::string_view content;
  std::string first;
  Fields fields(bytes);
  while (auto f = fields.next()) {
    if (f->number == 1 && f->wire == 0) dtype = f->varint;
    if (f->number == 4 && f->wire == 2) content = f->bytes;
    if (!first.empty()) continue;
    if (f->number == 5) {  // float_val: packed (wire 2) or one value (wire 5)
      if (f->wire == 5) first = shortest(as_float(f->varint));
      if (f->wire == 2 && f->bytes.size() >= 4)
        first = shortest(as_float(
            little_endian<uint32_t>(reinterpret_cast<const unsigned char*>(f->bytes.data()))));
    }
    if (f->number == 6) {  // double_val
      if (f->wire == 1) first = shortest(as_double(f->varint));
      if (f->wire == 2 && f->bytes.size() >= 8)
        first = shortest(as_double(
            little_endian<uint64_t>(reinterpret_cast<const unsigned char*>(f->bytes.data()))));
    }
  }
  if (!first.empty()) return first;
  auto raw = reinterpret_cast<const unsigned char*>(content.data());
  if (dtype == kDtFloat && content.size() >= 4)
    return shortest(as_float(little_endian<uint32_t>(raw)));
  if (dtype == kDtDouble && content.size() >= 8)
    return shortest(as_double(little_endian<uint64_t>(raw)));
  return "";
}

void read_event(std::string_view bytes, std::vector<TfScalar>& out) {
  double wall_time = 0;
  int64_t step = 0;
  std::vector<std::string_view> summaries;
  Fields event(bytes);
  while (auto f = event.next()) {
    if (f->number == 1 && f->wire == 1) wall_time = as_double(f->varint);
    if (f->number == 2 && f->wire == 0) step = static_cast<int64_t>(f->varint);
    if (f->number == 5 && f->wire == 2) summaries.push_back(f->bytes);
  }
  for (auto summary : summaries) {
    Fields values(summary);
    while (auto v = values.next()) {
      if (v->number != 1 || v->wire != 2) continue;
      TfScalar scalar{"", step, wall_time, ""};
      Fields value(v->bytes);
      while (auto f = value.next()) {
        if (f->number == 1 && f->wire == 2) scalar.tag = std::string(f->bytes);
        if (f->number == 2 && f->wire == 5) scalar.value = shortest(as_float(f->varint));
        if (f->number == 8 && f->wire == 2) scalar.value = tensor_scalar(f->bytes);
      }
      if (!scalar.tag.empty() && !scalar.value.empty()) out.push_back(std::move(scalar));
    }
  }
}

}  // namespace

std::vector<TfScalar> read_tf_event_file(const std::filesystem::path& file, std::string* problem) {
  std::vector<TfScalar> out;
  std::ifstream in(file, std::ios::binary);
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto bytes = reinterpret_cast<const unsigned char*>(data.data());
  std::string why;
  size_t at = 0;
  while (at < data.size()) {
    if (data.size() - at < 12) {
      why = "a truncated record at byte " + std::to_string(at);
      break;
    }
    uint64_t length = little_endian<uint64_t>(bytes + at);
    if (little_endian<uint32_t>(bytes + at + 8) != masked_crc(bytes + at, 8)) {
      why = "a record length with a wrong checksum at byte " + std::to_string(at) +
            " (not a TensorFlow event file?)";
      break;
    }
    if (length > data.size() - at - 12 || data.size() - at - 12 - length < 4) {
      why = "a truncated record at byte " + std::to_string(at);
      break;
    }
    const unsigned char* record = bytes + at + 12;
    if (little_endian<uint32_t>(record + length) != masked_crc(record, length)) {
      why = "a record with a wrong checksum at byte " + std::to_string(at);
      break;
    }
    read_event(std::string_view(data.data() + at + 12, length), out);
    at += 12 + length + 4;
  }
  if (problem) *problem = why;
  return out;
}

std::vector<engine::MetricReport> tf_event_metrics(const std::filesystem::path& directory,
                                                   const std::vector<std::string>& metric_names,
                                                   std::vector<std::string>* notes) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (std::filesystem::recursive_directory_iterator it(directory, ec), end; !ec && it != end;
       it.increment(ec))
    if (it->is_regular_file(ec) &&
        it->path().filename().string().find("tfevents") != std::string::npos)
      files.push_back(it->path());
  std::sort(files.begin(), files.end());

  std::vector<engine::MetricReport> out;
  for (const auto& file : files) {
    std::string problem;
    auto scalars = read_tf_event_file(file, &problem);
    if (!problem.empty() && notes) notes->push_back(file.string() + ": stopped at " + problem);
    std::string parent = file.parent_path().string();
    for (const auto& metric : metric_names) {
      auto slash = metric.rfind('/');
      std::string dir = slash == std::string::npos ? "" : metric.substr(0, slash);
      std::string tag = slash == std::string::npos ? metric : metric.substr(slash + 1);
      if (!dir.empty() && (parent.size() < dir.size() ||
                           parent.compare(parent.size() - dir.size(), dir.size(), dir) != 0))
        continue;
      for (const auto& s : scalars)
        if (s.tag.rfind(tag, 0) == 0) out.push_back({"", metric, s.step, s.value, s.wall_time});
    }
  }
  return out;
}

}  // namespace sextant::trials
