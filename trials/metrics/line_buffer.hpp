// Splits a byte stream (a pipe, a growing file) into lines as the bytes arrive.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sextant::trials {

// Lines are delivered without their '\n' (and without a trailing '\r'). A line longer than
// max_line is delivered in max_line pieces so a stream without newlines cannot grow memory
// without bound.
class LineBuffer {
 public:
  explicit LineBuffer(size_t max_line = 1 << 20) : max_line_(max_line) {}

  template <class OnLine>
  void feed(std::string_view data, OnLine&& on_line) {
    while (!data.empty()) {
      size_t nl = data.find('\n');
      if (nl == std::string_view::npos) {
        partial_.append(data);
        while (partial_.size() >= max_line_) {
          emit(std::string_view(partial_).substr(0, max_line_), on_line);
          partial_.erase(0, max_line_);
        }
        return;
      }
      if (partial_.empty()) {
        emit(data.substr(0, nl), on_line);
      } else {
        partial_.append(data.substr(0, nl));
        std::string line = std::move(partial_);
        partial_.clear();
        emit(line, on_line);
      }
      data.remove_prefix(nl + 1);
    }
  }

  // Delivers the unterminated rest, if any (at the end of the stream).
  template <class OnLine>
  void flush(OnLine&& on_line) {
    if (partial_.empty()) return;
    std::string line = std::move(partial_);
    partial_.clear();
    emit(line, on_line);
  }

  void clear() { partial_.clear(); }

 private:
  template <class OnLine>
  static void emit(std::string_view line, OnLine& on_line) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    on_line(line);
  }

  size_t max_line_;
  std::string partial_;
};

}  // namespace sextant::trials
