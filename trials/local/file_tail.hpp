// Follows a metrics file (or every file under a directory) as the trial appends to it.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string_view>

#include "trials/metrics/line_buffer.hpp"

namespace sextant::trials {

// Reads what was appended since the last poll and hands out complete lines. The file may
// appear late, be truncated (reading restarts at 0) or be replaced (the new file is read from
// its start). For a directory, every regular file below it is followed.
class FileTail {
 public:
  using OnLine = std::function<void(const std::filesystem::path& file, std::string_view line)>;

  FileTail(std::filesystem::path path, bool directory);
  ~FileTail();
  FileTail(const FileTail&) = delete;
  FileTail& operator=(const FileTail&) = delete;

  // final = true also delivers unterminated last lines (the writer has exited).
  void poll(const OnLine& on_line, bool final = false);

  const std::filesystem::path& path() const { return path_; }

 private:
  struct Followed {
    int fd = -1;
    unsigned long inode = 0;
    long long offset = 0;
    LineBuffer lines;
  };
  void follow(const std::filesystem::path& file, const OnLine& on_line, bool final);

  std::filesystem::path path_;
  bool directory_;
  std::map<std::filesystem::path, Followed> files_;
};

}  // namespace sextant::trials
