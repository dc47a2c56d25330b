// Decoding the sidecar's base64 blocks into files below the trial's metrics directory.
#include "orchestration/kubernetes/tf_events_dump.hpp"

#include <fstream>

#include "engine/util/base64.hpp"
#include "orchestration/kubernetes/collector_sidecar.hpp"

namespace sextant::orchestration {
namespace {

std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  return s;
}

// A relative path that stays below its directory: no root, no "..".
bool stays_inside(const std::filesystem::path& relative) {
  if (relative.empty() || relative.is_absolute()) return false;
  for (const auto& part : relative)
    if (part == "..") return false;
  return true;
}

}  // namespace

TfEventsDump::TfEventsDump(std::filesystem::path directory) : directory_(std::move(directory)) {}

void TfEventsDump::line(std::string_view text) {
  text = trimmed(text);
  const std::string_view header = kTfEventsFileLine;
  if (text.size() > header.size() && text.substr(0, header.size()) == header &&
      text[header.size()] == ' ') {
    finish_file();  // a block without its end line: keep what came
    auto relative = text.substr(header.size() + 1);
    while (!relative.empty() && relative.front() == '/') relative.remove_prefix(1);  // "d//x"
    current_ = std::string(relative);
    base64_.clear();
    return;
  }
  if (current_.empty()) return;
  if (text == kTfEventsEndLine) {
    finish_file();
    return;
  }
  base64_.append(text);
}

void TfEventsDump::finish_file() {
  if (current_.empty()) return;
  std::filesystem::path relative(current_);
  current_.clear();
  if (!stays_inside(relative)) {
    problems_.push_back("skipped \"" + relative.string() + "\": not a path below the directory");
    return;
  }
  auto bytes = engine::base64_decode(base64_);
  base64_.clear();
  if (!bytes) {
    problems_.push_back("skipped " + relative.string() + ": its base64 does not decode");
    return;
  }
  auto path = directory_ / relative;
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  if (!out) {
    problems_.push_back("cannot write " + path.string());
    return;
  }
  ++files_;
}

}  // namespace sextant::orchestration
