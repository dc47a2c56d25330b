// Follows a metrics file (or every file under a directory) as the trial appends to it.
#include "trials/local/file_tail.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <system_error>

namespace sextant::trials {

FileTail::FileTail(std::filesystem::path path, bool directory)
    : path_(std::move(path)), directory_(directory) {}

FileTail::~FileTail() {
  for (auto& [_, f] : files_)
    if (f.fd >= 0) ::close(f.fd);
}

void FileTail::poll(const OnLine& on_line, bool final) {
  if (!directory_) {
    follow(path_, on_line, final);
    return;
  }
  std::error_code ec;
  std::filesystem::recursive_directory_iterator it(path_, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec)) follow(it->path(), on_line, final);
  }
  // Files that vanished still get their last partial line delivered at the end.
  if (final)
    for (auto& [file, f] : files_)
      f.lines.flush([&](std::string_view line) { on_line(file, line); });
}

void FileTail::follow(const std::filesystem::path& file, const OnLine& on_line, bool final) {
  struct stat st;
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    if (final)
      if (auto it = files_.find(file); it != files_.end())
        it->second.lines.flush([&](std::string_view line) { on_line(file, line); });
    return;
  }
  Followed& f = files_[file];
  if (f.fd >= 0 && f.inode != st.st_ino) {
    // Replaced (log rotation, `>` from a new writer): read the new file from its start.
    f.lines.flush([&](std::string_view line) { on_line(file, line); });
    ::close(f.fd);
    f.fd = -1;
  }
  if (f.fd < 0) {
    f.fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (f.fd < 0) return;
    f.inode = st.st_ino;
    f.offset = 0;
  }
  if (st.st_size < f.offset) {  // truncated: the writer started over
    f.offset = 0;
    f.lines.clear();
  }
  char buf[65536];
  while (true) {
    ssize_t n = ::pread(f.fd, buf, sizeof buf, f.offset);
    if (n <= 0) break;
    f.offset += n;
    f.lines.feed(std::string_view(buf, static_cast<size_t>(n)),
                 [&](std::string_view line) { on_line(file, line); });
  }
  if (final) f.lines.flush([&](std::string_view line) { on_line(file, line); });
}

}  // namespace sextant::trials
